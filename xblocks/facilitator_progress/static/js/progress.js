/* The progress block: records the visit, searches transcripts, opens a session at a second.
   The server decides everything; this script only displays. Learner text goes in with textContent. */
function FacilitatorProgressInit(runtime, element, args) {
  "use strict";
  var root = element.querySelector ? element : element[0];
  var strings = (args && args.strings) || {};
  var minQuery = (args && args.min_query) || 2;

  function post(handler, body) {
    return fetch(runtime.handlerUrl(root, handler), {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken()},
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) { throw new Error(data && data.error ? data.error : strings.network); }
        return data;
      });
    });
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function format(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : all;
    });
  }

  function clock(seconds) {
    var s = Math.floor(seconds), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    var mm = (h ? String(m).padStart(2, "0") : String(m)), ss = String(r).padStart(2, "0");
    return h ? h + ":" + mm + ":" + ss : mm + ":" + ss;
  }

  /* Same page (the preview, or a unit holding the video): seek its player; otherwise follow the link. */
  function openAt(usage, seconds, href) {
    // The runtime's wrapper of the tracked block (it carries data-block-type; our own links do not).
    var block = usage ? document.querySelector('[data-block-type][data-usage="' + (window.CSS && CSS.escape ? CSS.escape(usage) : usage) + '"]') : null;
    var video = block ? block.querySelector("video") : null;
    if (video) {
      block.scrollIntoView({behavior: "smooth", block: "start"});
      if (seconds !== null && seconds !== undefined && !isNaN(seconds)) {
        var seek = function () { video.currentTime = Number(seconds); };
        if (video.readyState >= 1) { seek(); } else { video.addEventListener("loadedmetadata", seek, {once: true}); }
      }
      video.focus && video.focus();
      return true;
    }
    if (block) { block.scrollIntoView({behavior: "smooth", block: "start"}); return true; }
    if (href) { window.location.href = href; return true; }
    return false;
  }

  root.querySelectorAll(".fp-continue, .fp-go").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var seconds = link.getAttribute("data-seconds");
      var usage = link.getAttribute("data-target-usage");
      if (usage && openAt(usage, seconds === null ? null : Number(seconds), null)) { event.preventDefault(); }
      else if (link.getAttribute("href") === "#") { event.preventDefault(); }
    });
  });

  var form = root.querySelector(".fp-search");
  if (form) {
    var input = form.querySelector("input");
    var status = form.querySelector(".fp-search-status");
    var list = form.querySelector(".fp-results");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var query = input.value.trim();
      list.textContent = "";
      if (query.length < minQuery) { status.textContent = format(strings.results, {count: 0}); return; }
      status.textContent = strings.searching;
      post("search_transcripts", {query: query}).then(function (data) {
        status.textContent = !data.total ? strings.no_results
          : (data.total === 1 ? strings.result_one : format(strings.results, {count: data.total}));
        if (data.total > data.shown) { status.textContent += " " + format(strings.more, {shown: data.shown, count: data.total}); }
        data.results.forEach(function (result) {
          var item = document.createElement("li");
          var link = document.createElement("a");
          link.href = result.href || "#";
          link.className = "fp-result";
          link.textContent = format(strings.open, {session: result.session_title, time: clock(result.seconds)});
          link.setAttribute("data-seconds", result.seconds);
          link.addEventListener("click", function (e) {
            if (openAt(result.usage_id, result.seconds, result.href)) { e.preventDefault(); }
          });
          var meta = document.createElement("div");
          meta.className = "fp-result-meta";
          meta.textContent = (result.chapter ? format(strings.chapter, {number: result.chapter}) + ": " + result.chapter_title + " · " : "") + result.time;
          var text = document.createElement("div");
          text.textContent = result.text;
          item.appendChild(link); item.appendChild(meta); item.appendChild(text);
          list.appendChild(item);
        });
      }).catch(function (err) { status.textContent = err.message || strings.network; });
    });
  }

  post("snapshot", {}).catch(function () { /* the page already shows the figures; staff data waits */ });
}
