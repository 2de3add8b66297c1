/* The progress block: records the visit, refreshes its figures, searches transcripts, opens a session at a second.
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

  /* How far down a fixed or sticky header (the preview's banner, a theme's) covers the top of the window. */
  function topInset() {
    var el = document.elementFromPoint(window.innerWidth / 2, 1);
    for (; el && el !== document.body && el !== document.documentElement; el = el.parentElement) {
      var position = window.getComputedStyle(el).position;
      if (position === "fixed" || position === "sticky") { return Math.max(0, el.getBoundingClientRect().bottom); }
    }
    return 0;
  }

  function scrollToBlock(block) {
    var top = block.getBoundingClientRect().top + window.pageYOffset - topInset() - 8;
    window.scrollTo({top: Math.max(0, top), behavior: "smooth"});
  }

  /* Same page (the preview, or a unit holding the video): seek its player and answer true; otherwise false,
     and the link itself navigates the top page (target="_top"), never only this frame. */
  function openAt(usage, seconds) {
    // The runtime's wrapper of the tracked block (it carries data-block-type; our own links do not).
    var block = usage ? document.querySelector('[data-block-type][data-usage="' + (window.CSS && CSS.escape ? CSS.escape(usage) : usage) + '"]') : null;
    var video = block ? block.querySelector("video") : null;
    if (video) {
      scrollToBlock(block);
      if (seconds !== null && seconds !== undefined && !isNaN(seconds)) {
        var seek = function () { video.currentTime = Number(seconds); };
        if (video.readyState >= 1) { seek(); } else { video.addEventListener("loadedmetadata", seek, {once: true}); }
      }
      if (video.focus) { video.focus({preventScroll: true}); }
      return true;
    }
    if (block) { scrollToBlock(block); return true; }
    return false;
  }

  /* A link that leaves for the unit holding the video (target="_top"): hand the second to that video through
     LMS-origin sessionStorage, since the Learning MFE passes no fragment into the unit's iframe
     (xblocks/common/deeplinks.py). The link's own "#t=SECONDS&module=REF" names both. */
  function handOff(link) {
    var params = new URLSearchParams((link.hash || "").replace(/^#/, ""));
    var seconds = parseFloat(params.get("t")), ref = params.get("module");
    if (!ref || !isFinite(seconds) || seconds < 0) { return; }
    try {
      window.sessionStorage.setItem("chaptered-video:seek:" + ref, JSON.stringify({t: seconds, at: Date.now()}));
    } catch (e) { /* storage off: the fragment still serves the legacy courseware page */ }
  }

  /* Continue and "Go there" links (delegated: the learner part is swapped in again after a refresh). */
  var learner = root.querySelector(".fp-learner");
  learner.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest(".fp-continue, .fp-go") : null;
    if (!link || !learner.contains(link)) { return; }
    var seconds = link.getAttribute("data-seconds");
    var usage = link.getAttribute("data-target-usage");
    if (usage && openAt(usage, seconds === null ? null : Number(seconds))) { event.preventDefault(); }
    else if (link.getAttribute("href") === "#") { event.preventDefault(); }
    else { handOff(link); }
  });

  /* The figures were right when the page loaded; work done since in other blocks on the same page (the
     preview's whole course, a unit holding a video) shows when this block comes into view again or the
     tab becomes visible. The server renders the learner part (escaped); it is swapped in only if changed. */
  var lastHtml = null, lastAsked = 0, asking = false, later = null, MIN_GAP_MS = 2000;
  function refresh(force) {
    var wait = lastAsked + MIN_GAP_MS - Date.now();
    if (asking || (!force && wait > 0)) {  // at most one request in flight and one every 2 s: ask again later
      if (!later) { later = setTimeout(function () { later = null; refresh(false); }, Math.max(wait, 300)); }
      return;
    }
    asking = true; lastAsked = Date.now();
    post("snapshot", {}).then(function (data) {
      asking = false;
      if (typeof data.html !== "string" || data.html === lastHtml) { return; }
      var hadFocus = learner.contains(document.activeElement);
      learner.innerHTML = data.html;
      lastHtml = data.html;
      if (hadFocus) { var first = learner.querySelector("a"); if (first) { first.focus(); } }
    }).catch(function () { asking = false; /* the page keeps the figures it shows; staff data waits */ });
  }
  if (window.IntersectionObserver) {
    var wasVisible = true;
    new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting && !wasVisible) { refresh(false); }
        wasVisible = entry.isIntersecting;
      });
    }).observe(learner);
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { refresh(false); }
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
          link.target = "_top";
          link.className = "fp-result";
          link.textContent = format(strings.open, {session: result.session_title, time: clock(result.seconds)});
          link.setAttribute("data-seconds", result.seconds);
          link.addEventListener("click", function (e) {
            if (openAt(result.usage_id, result.seconds)) { e.preventDefault(); }
            else if (!result.href) { e.preventDefault(); }
            else { handOff(link); }
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

  refresh(true);
}
