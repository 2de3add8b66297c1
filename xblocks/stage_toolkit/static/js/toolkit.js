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

  function showState(state) {
    var line = fill(strings.progress, {checked: state.items_checked, total: state.items_total});
    if (state.complete) { line += " " + strings.complete; }
    root.querySelector("[data-role=progress]").textContent = line;
    var boxes = root.querySelectorAll("input[type=checkbox][data-item]");
    Array.prototype.forEach.call(boxes, function (box) {
      box.checked = state.checked.indexOf(box.getAttribute("data-item")) !== -1;
    });
  }

  /* Checklist: one request per tick; on refusal the box goes back to what the server holds. */
  var checklistStatus = root.querySelector("[data-role=checklist-status]");
  Array.prototype.forEach.call(root.querySelectorAll("input[type=checkbox][data-item]"), function (box) {
    box.addEventListener("change", function () {
      var wanted = box.checked;
      checklistStatus.textContent = strings.saving;
      post("toggle_item", {item: box.getAttribute("data-item"), checked: wanted}).then(function (state) {
        showState(state);
        checklistStatus.textContent = strings.saved;
      }).catch(function (error) {
        box.checked = !wanted;
        checklistStatus.textContent = errorText(error);
      });
    });
  });

  /* Reflections: saved as the learner types (debounced) and when the field loses focus. */
  Array.prototype.forEach.call(root.querySelectorAll("textarea[data-reflection]"), function (area) {
    var box = area.closest(".tk-reflection");
    var status = box.querySelector("[data-role=status]");
    var count = box.querySelector("[data-role=count]");
    var limit = parseInt(area.getAttribute("data-limit"), 10);
    var timer = null;
    var sent = area.value;
    var sequence = 0;

    function save() {
      if (timer) { clearTimeout(timer); timer = null; }
      var text = area.value;
      if (text === sent) { return; }
      var mine = ++sequence;
      status.textContent = strings.saving;
      post("save_reflection", {reflection: area.getAttribute("data-reflection"), text: text}).then(function (state) {
        sent = text;
        if (mine !== sequence) { return; }
        showState(state);
        status.textContent = strings.saved;
      }).catch(function (error) {
        if (mine !== sequence) { return; }
        status.textContent = errorText(error);
      });
    }

    area.addEventListener("input", function () {
      count.textContent = fill(strings.characters, {count: area.value.length, limit: limit});
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(save, debounceMs);
    });
    area.addEventListener("blur", save);
  });

  /* Resources: opening one is recorded; the link itself opens as usual. */
  Array.prototype.forEach.call(root.querySelectorAll("a[data-resource]"), function (link) {
    link.addEventListener("click", function () {
      post("open_resource", {resource: link.getAttribute("data-resource")}, true).catch(function () {});
    });
  });

  if (args.state) { showState(args.state); }
  return {};
}
