/* Stage toolkit: reports ticks, reflections and opened resources; shows what the server answers.
   The server decides completion; this file only displays its state. Strings come from the server. */
function StageToolkitInit(runtime, element, args) {
  "use strict";
  var root = element && element.jquery ? element[0] : element;
  var strings = args.strings || {};
  var debounceMs = args.debounce_ms || 800;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function post(handler, payload, keepalive) {
    return fetch(runtime.handlerUrl(root, handler), {
      method: "POST",
      credentials: "same-origin",
      keepalive: !!keepalive,
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken()},
      body: JSON.stringify(payload)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var error = new Error(data.error || String(response.status));
          error.fromServer = !!data.error;
          throw error;
        }
        return data;
      });
    });
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  }

  function errorText(error) {
    return error.fromServer ? error.message : strings.network;
  }

  /* Answers can arrive out of order: only the answer to the latest request is shown, and a box whose
     own request is still on its way keeps what the learner just did. */
  var issued = 0;
  var shown = 0;
  var pendingItems = {};

  function showState(state, sequence) {
    if (sequence < shown) { return; }
    shown = sequence;
    var line = fill(strings.progress, {checked: state.items_checked, total: state.items_total});
    if (state.complete) { line += " " + strings.complete; }
    root.querySelector("[data-role=progress]").textContent = line;
    var boxes = root.querySelectorAll("input[type=checkbox][data-item]");
    Array.prototype.forEach.call(boxes, function (box) {
      var id = box.getAttribute("data-item");
      if (!pendingItems[id]) { box.checked = state.checked.indexOf(id) !== -1; }
    });
  }

  /* Checklist: one request per tick; on refusal the box goes back to what the server holds. */
  var checklistStatus = root.querySelector("[data-role=checklist-status]");
  Array.prototype.forEach.call(root.querySelectorAll("input[type=checkbox][data-item]"), function (box) {
    box.addEventListener("change", function () {
      var id = box.getAttribute("data-item");
      var wanted = box.checked;
      var mine = ++issued;
      pendingItems[id] = (pendingItems[id] || 0) + 1;
      checklistStatus.textContent = strings.saving;
      post("toggle_item", {item: id, checked: wanted}).then(function (state) {
        pendingItems[id] -= 1;
        if (!pendingItems[id]) { box.checked = state.checked.indexOf(id) !== -1; }
        showState(state, mine);
        if (mine === issued) { checklistStatus.textContent = strings.saved; }
      }).catch(function (error) {
        pendingItems[id] -= 1;
        box.checked = !wanted;
        checklistStatus.textContent = errorText(error);
      });
    });
  });

  /* Reflections: saved as the learner types (debounced), when the field loses focus, and when the page
     is hidden or left (a request that outlives the page). "Saved" stays only while it is true. */
  var flushers = [];
  Array.prototype.forEach.call(root.querySelectorAll("textarea[data-reflection]"), function (area) {
    var box = area.closest(".tk-reflection");
    var status = box.querySelector("[data-role=status]");
    var count = box.querySelector("[data-role=count]");
    var limit = parseInt(area.getAttribute("data-limit"), 10);
    var timer = null;
    var sent = area.value;
    var sequence = 0;

    function save(leaving) {
      if (timer) { clearTimeout(timer); timer = null; }
      var text = area.value;
      if (text === sent) { return; }
      var mine = ++sequence;
      var overall = ++issued;
      status.textContent = strings.saving;
      post("save_reflection", {reflection: area.getAttribute("data-reflection"), text: text}, leaving).then(function (state) {
        sent = text;
        showState(state, overall);
        if (mine !== sequence) { return; }
        status.textContent = area.value === text ? strings.saved : "";
      }).catch(function (error) {
        if (mine !== sequence) { return; }
        status.textContent = errorText(error);
      });
    }
    flushers.push(save);

    area.addEventListener("input", function () {
      count.textContent = fill(strings.characters, {count: area.value.length, limit: limit});
      if (status.textContent === strings.saved) { status.textContent = ""; }
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(save, debounceMs);
    });
    area.addEventListener("blur", function () { save(false); });
  });

  function flushAll() {
    flushers.forEach(function (save) { save(true); });
  }
  window.addEventListener("pagehide", flushAll);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { flushAll(); }
  });

  /* Resources: opening one (click, keyboard or middle click) is recorded; the link opens as usual. */
  Array.prototype.forEach.call(root.querySelectorAll("a[data-resource]"), function (link) {
    function opened(event) {
      if (event.type === "auxclick" && event.button !== 1) { return; }
      post("open_resource", {resource: link.getAttribute("data-resource")}, true).then(function (state) {
        var mark = link.parentNode.querySelector("[data-role=opened]");
        if (mark && state.opened.indexOf(link.getAttribute("data-resource")) !== -1) { mark.hidden = false; }
      }).catch(function () {});
    }
    link.addEventListener("click", opened);
    link.addEventListener("auxclick", opened);
  });

  /* "Watch" links open the session video at the chapter, in another unit: the second is handed to the video
     through LMS-origin sessionStorage, as the Learning MFE passes no fragment into the unit's iframe
     (xblocks/common/deeplinks.py). The link itself navigates the top page (target="_top"). */
  Array.prototype.forEach.call(root.querySelectorAll(".tk-watch a[href]"), function (link) {
    link.addEventListener("click", function () {
      var params = new URLSearchParams((link.hash || "").replace(/^#/, ""));
      var seconds = parseFloat(params.get("t")), ref = params.get("module");
      if (!ref || !isFinite(seconds) || seconds < 0) { return; }
      try {
        window.sessionStorage.setItem("chaptered-video:seek:" + ref, JSON.stringify({t: seconds, at: Date.now()}));
      } catch (e) { /* storage off: the fragment still serves the legacy courseware page */ }
    });
  });

  if (args.state) { showState(args.state, 0); }
  return {};
}
