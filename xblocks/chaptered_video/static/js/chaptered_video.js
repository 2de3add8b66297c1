/* Chaptered video: the browser plays, shows and reports; the server decides what counts as watched. */
function ChapteredVideoInit(runtime, element, args) {
  "use strict";
  var root = element.querySelector(".cv") || element;
  var video = root.querySelector(".cv-video");
  if (!video) { return {}; }
  var S = args.strings || {};
  var chapters = args.chapters || [];
  var duration = args.duration;
  var storeKey = "chaptered-video:" + args.reportUrl;
  var pending = loadPending();   // intervals played and not yet accepted by the server
  var segStart = null;           // start of the interval being played now
  var lastTime = 0;              // last playback time seen (the end of the segment before a seek)
  var currentChapter = -1;
  var inFlight = false;
  var again = false;             // a report was asked for while one was in flight
  var againReason = null;        // ...and the latest moment ("play", "pause", "seek") among those asks
  var againFrom = null;          // ...and, for a seek, where it started
  var seekFrom = null;           // where playback was when the learner's seek began (null: none under way)
  var placing = false;           // the video is being put at a linked or resume second: not the learner's seek
  var playedHere = false;        // the learner played the video during this visit
  var timer = null;
  var cues = [];

  function q(sel) { return root.querySelector(sel); }
  function qa(sel) { return Array.prototype.slice.call(root.querySelectorAll(sel)); }
  function fill(text, values) {
    return String(text || "").replace(/\{(\w+)\}/g, function (m, k) { return k in values ? values[k] : m; });
  }
  function clock(t) {
    t = Math.max(0, Math.floor(t || 0));
    var h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), s = t % 60;
    var ss = (s < 10 ? "0" : "") + s;
    if (h || args.longVideo) { return h + ":" + (m < 10 ? "0" : "") + m + ":" + ss; }
    return m + ":" + ss;
  }
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  // --- pending intervals: merged, clamped, kept across a failed report and a reload ---------------
  function loadPending() {
    try { return JSON.parse(window.localStorage.getItem(storeKey) || "[]") || []; } catch (e) { return []; }
  }
  function savePending() {
    try {
      if (pending.length) { window.localStorage.setItem(storeKey, JSON.stringify(pending)); }
      else { window.localStorage.removeItem(storeKey); }
    } catch (e) { /* storage full or off: memory keeps them */ }
  }
  function addInterval(start, end) {
    start = Math.max(0, Math.min(start, duration));
    end = Math.max(0, Math.min(end, duration));
    if (!(end > start)) { return; }
    pending.push([start, end]);
    pending.sort(function (a, b) { return a[0] - b[0]; });
    var merged = [];
    pending.forEach(function (iv) {
      var last = merged[merged.length - 1];
      if (last && iv[0] <= last[1]) { last[1] = Math.max(last[1], iv[1]); } else { merged.push([iv[0], iv[1]]); }
    });
    pending = merged.slice(-900);
    savePending();
  }
  function closeSegment(end, keepPlaying) {
    if (segStart !== null) { addInterval(segStart, end); }
    segStart = keepPlaying ? end : null;
  }
  function position() { return Math.max(0, Math.min(video.currentTime || 0, duration)); }
  // Each report says why it was sent: "play", "pause", "seek" (with "from", the second before the seek),
  // "leave", or "progress" (the timer, a chapter crossed, what an earlier visit left).
  function body(sent, reason, from) {
    var data = { watched: sent, position: position(), reason: reason || "progress" };
    if (data.reason === "seek") { data.from = Math.max(0, Math.min(from || 0, duration)); }
    return JSON.stringify(data);
  }

  // --- reporting ----------------------------------------------------------------------------------
  function report(reason, from) {
    reason = reason || "progress";
    if (inFlight) {
      // One follow-up report goes out when this one is answered. It carries the latest moment asked for
      // meanwhile (and a seek's start), else "progress": a periodic report never hides a moment (of two
      // moments in one wait, the later is kept).
      again = true;
      if (reason !== "progress") { againReason = reason; againFrom = from; }
      return;
    }
    var sent = pending.slice();
    inFlight = true;
    fetch(args.reportUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: body(sent, reason, from)
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, status: response.status, data: data }; });
    }).then(function (result) {
      done();
      if (result.ok) {
        forget(sent);
        show(result.data);
        status(S.saved);
      } else if (result.status === 400) {
        forget(sent);  // the server refused these intervals for good: sending them again cannot help
        status(result.data && result.data.error);
      } else {
        status(S.saveFailed);
      }
    }).catch(function () {
      done();
      status(S.saveFailed);
    });
  }
  function done() {
    inFlight = false;
    if (again) {
      var reason = againReason, from = againFrom;
      again = false;
      againReason = null;
      againFrom = null;
      window.setTimeout(function () { report(reason, from); }, 0);
    }
  }
  function forget(sent) {
    var key = JSON.stringify(sent);
    if (JSON.stringify(pending) === key) { pending = []; }
    else {
      pending = pending.filter(function (iv) {
        return !sent.some(function (s) { return s[0] === iv[0] && s[1] === iv[1]; });
      });
    }
    savePending();
  }
  function reportOnLeave() {
    if (!video.paused) { closeSegment(position(), true); }
    // "leave" ends a viewing: only after the learner played here (an unplayed page view is no viewing).
    var data = body(pending.slice(), playedHere ? "leave" : "progress");
    var sentByFetch = false;
    try {
      fetch(args.reportUrl, {
        method: "POST", keepalive: true, credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() }, body: data
      });
      sentByFetch = true;
    } catch (e) { sentByFetch = false; }
    if (!sentByFetch && navigator.sendBeacon) {
      navigator.sendBeacon(args.reportUrl, new Blob([data], { type: "application/json" }));
    }
    // Pending intervals stay stored: sent again on the next visit; the server counts nothing twice.
  }
  function status(text) { var el = q(".cv-status"); if (el) { el.textContent = text || ""; } }

  // --- showing the server's answer ----------------------------------------------------------------
  function show(answer) {
    if (!answer || !answer.chapters) { return; }
    answer.chapters.forEach(function (c) {
      var item = root.querySelector('.cv-chapter[data-index="' + c.index + '"]');
      if (!item) { return; }
      var mark = c.complete ? "watched" : (c.coverage > 0 ? "partial" : "not-started");
      item.setAttribute("data-mark", mark);
      var label = item.querySelector(".cv-chapter-mark");
      label.textContent = mark === "watched" ? S.watched :
        (mark === "partial" ? fill(S.partial, { percent: Math.floor(c.coverage * 100) }) : S.notStarted);
    });
    var total = q(".cv-total");
    if (total) { total.textContent = fill(S.total, { percent: Math.floor(answer.coverage * 100) }); }
  }

  // --- chapters -----------------------------------------------------------------------------------
  function chapterAt(t) {
    for (var i = chapters.length - 1; i >= 0; i--) { if (t >= chapters[i].start) { return i; } }
    return 0;
  }
  function highlight() {
    var index = chapterAt(video.currentTime || 0);
    if (index === currentChapter) { return false; }
    var changed = currentChapter !== -1;
    currentChapter = index;
    qa(".cv-chapter").forEach(function (item) {
      var on = Number(item.getAttribute("data-index")) === index;
      item.classList.toggle("cv-current", on);
      var button = item.querySelector(".cv-chapter-button");
      if (on) { button.setAttribute("aria-current", "true"); } else { button.removeAttribute("aria-current"); }
    });
    return changed;
  }
  function seek(t) {
    video.currentTime = Math.max(0, Math.min(t, duration));
    highlight();
  }

  // --- transcript ---------------------------------------------------------------------------------
  var captionsTrack = null;
  var captionsEl = q(".cv-captions-track");
  function cueText(cue) { return String(cue.text || "").replace(/<[^>]*>/g, ""); }  // drop <v>, <i>...
  // SubRip ("00:00:01,000 --> 00:00:02,500" cues) to WebVTT, by the rules of olx.srt_to_vtt on the server.
  function srtToVtt(text) {
    text = String(text || "").replace(/\r\n?/g, "\n").replace(/^\ufeff/, "");
    if (/^\s*WEBVTT/.test(text)) { return text.trim() + "\n"; }
    var out = ["WEBVTT", ""];
    text.trim().split(/\n\s*\n/).forEach(function (block) {
      var lines = block.split("\n").filter(function (line) { return line.trim(); });
      var at = -1;
      for (var i = 0; i < lines.length; i++) { if (lines[i].indexOf("-->") !== -1) { at = i; break; } }
      if (at === -1) { return; }
      var times = [], re = /(\d+):(\d{2}):(\d{2})[,.](\d{1,3})/g, m;
      while ((m = re.exec(lines[at])) !== null) {
        times.push((m[1].length < 2 ? "0" : "") + m[1] + ":" + m[2] + ":" + m[3] + "." + (m[4] + "00").slice(0, 3));
      }
      if (times.length !== 2) { return; }
      out.push(times[0] + " --> " + times[1]);
      out = out.concat(lines.slice(at + 1));
      out.push("");
    });
    return out.join("\n");
  }
  // A <track data-srt-src="....srt">: browsers read only WebVTT, so fetch the SRT from its same-origin URL,
  // convert it, and give the track the WebVTT as a blob: URL (the track then loads as any other).
  function loadSrt(trackEl) {
    var url = trackEl.getAttribute("data-srt-src");
    fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.text();
    }).then(function (text) {
      trackEl.src = URL.createObjectURL(new Blob([srtToVtt(text)], { type: "text/vtt" }));
    }).catch(function () {
      status(S.captionsFailed);
      if (trackEl === captionsEl && !cues.length) { q(".cv-cues").textContent = S.noTranscript; }
    });
  }
  function buildTranscript() {
    if (!captionsTrack || !captionsTrack.cues || !captionsTrack.cues.length) { return; }
    cues = Array.prototype.slice.call(captionsTrack.cues);
    var box = q(".cv-cues");
    box.textContent = "";
    box.setAttribute("role", "list");  // only now: a list with no item is an error to assistive technology
    box.setAttribute("aria-label", S.transcriptLines || "");
    cues.forEach(function (cue, i) {
      var item = document.createElement("div"), b = document.createElement("button");
      item.setAttribute("role", "listitem");  // on a wrapper: the button keeps its own role
      b.type = "button";
      b.className = "cv-cue";
      b.setAttribute("data-cue", String(i));
      b.setAttribute("data-start", String(cue.startTime));
      var time = document.createElement("span");
      time.className = "cv-cue-time";
      time.textContent = clock(cue.startTime);
      b.appendChild(time);
      b.appendChild(document.createTextNode(" " + cueText(cue)));
      b.addEventListener("click", function () { seek(cue.startTime); });
      item.appendChild(b);
      box.appendChild(item);
    });
  }
  function followTranscript() {
    var t = video.currentTime || 0, box = q(".cv-cues");
    qa(".cv-cue").forEach(function (b) {
      var cue = cues[Number(b.getAttribute("data-cue"))];
      var on = cue && t >= cue.startTime && t < cue.endTime;
      if (on && !b.classList.contains("cv-cue-active")) {
        box.scrollTop = b.offsetTop - box.clientHeight / 3;
      }
      b.classList.toggle("cv-cue-active", !!on);
    });
  }
  function search() {
    var text = q(".cv-search").value.trim().toLowerCase(), list = q(".cv-search-results");
    list.textContent = "";
    if (!text) { return; }
    var found = cues.filter(function (c) { return cueText(c).toLowerCase().indexOf(text) !== -1; });
    if (!found.length) {
      var none = document.createElement("li");
      none.textContent = S.noMatches;
      list.appendChild(none);
      return;
    }
    found.forEach(function (cue) {
      var li = document.createElement("li"), b = document.createElement("button");
      b.type = "button";
      b.className = "cv-match";
      b.textContent = clock(cue.startTime) + " " + cueText(cue);
      b.addEventListener("click", function () { seek(cue.startTime); });
      li.appendChild(b);
      list.appendChild(li);
    });
  }
  if (captionsEl) {
    captionsTrack = captionsEl.track;
    captionsTrack.mode = "hidden";  // loads the cues for the transcript without drawing them
    captionsEl.addEventListener("load", buildTranscript);
    buildTranscript();
    qa(".cv-captions-track[data-srt-src]").forEach(loadSrt);
  } else {
    q(".cv-cues").textContent = S.noTranscript;
  }
  var chaptersEl = q(".cv-chapters-track");
  if (chaptersEl) { chaptersEl.track.mode = "hidden"; }

  // --- player events ------------------------------------------------------------------------------
  // Deep links (the progress page's Continue and transcript search, the toolkit's Watch) open this video
  // at a second, by three channels (xblocks/common/deeplinks.py explains why):
  // 1. "#t=SECONDS&module=ID" on this page's own URL (legacy courseware, the preview's pages);
  // 2. the hand-off the linking page left in sessionStorage, taken once, when this unit was opened by a
  //    jump to this video (the Learning MFE passes only ?jumpToId= into the unit's iframe);
  // 3. the MFE's {hashName: "#t=..."} message with its own page's fragment, applied once per fragment.
  function secondIn(fragment) {
    var params = new URLSearchParams(String(fragment || "").replace(/^#/, ""));
    var t = parseFloat(params.get("t"));
    var wanted = params.get("module");
    if (!isFinite(t) || t < 0 || t > duration) { return null; }
    if (wanted && wanted !== args.moduleId) { return null; }
    return t;
  }
  function linkedSecond() { return secondIn(window.location.hash); }
  var HANDOFF_KEY = "chaptered-video:seek:" + args.moduleId, HANDOFF_MAX_AGE_MS = 120 * 1000;
  function jumpedHere() {
    var params = new URLSearchParams(window.location.search);
    var id = params.get("jumpToId") || params.get("activate_block_id") || "";
    var tail = "@" + args.moduleId;
    return !!args.moduleId && (id === args.moduleId || id.slice(-tail.length) === tail);
  }
  function takeHandOff() {
    var record = null;
    try {
      var raw = window.sessionStorage.getItem(HANDOFF_KEY);
      if (raw === null) { return null; }
      window.sessionStorage.removeItem(HANDOFF_KEY);
      record = JSON.parse(raw);
    } catch (e) { return null; }
    var age = Date.now() - Number(record && record.at);
    var t = Number(record && record.t);
    if (!(age >= -5000 && age <= HANDOFF_MAX_AGE_MS) || !isFinite(t) || t < 0 || t > duration) { return null; }
    return t;
  }
  var handedOff = jumpedHere() ? takeHandOff() : null;
  var messaged = null;           // a second from the MFE's hashName message, waiting for the metadata
  var fragmentsSeen = {};
  function openLinked() {
    var linked = linkedSecond();
    if (linked === null && handedOff !== null) { linked = handedOff; handedOff = null; }
    if (linked === null && messaged !== null) { linked = messaged; messaged = null; }
    if (linked === null) { return false; }
    placing = true;
    video.currentTime = linked;
    lastTime = linked;
    var resumeBox = q(".cv-resume");
    if (resumeBox) { resumeBox.hidden = true; }
    return true;
  }
  function metadataLoaded() {
    if (!openLinked() && args.position >= 5 && args.position < duration - 5 && video.currentTime < 1) {
      placing = true;
      video.currentTime = args.position;
      lastTime = args.position;
    }
    highlight();
  }
  video.addEventListener("loadedmetadata", metadataLoaded);
  if (video.readyState >= 1) { metadataLoaded(); }  // metadata came before this script ran
  window.addEventListener("hashchange", function () { if (openLinked()) { highlight(); } });
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (window.parent === window || event.source !== window.parent || !data || typeof data.hashName !== "string") {
      return;
    }
    if (fragmentsSeen[data.hashName]) { return; }  // the MFE posts it again on every resize: seek once
    fragmentsSeen[data.hashName] = true;
    var t = secondIn(data.hashName);
    if (t === null) { return; }
    messaged = t;
    if (video.readyState >= 1 && openLinked()) { highlight(); }
  });
  // Sources are tried in order; an error on the last one means the browser could play none of them
  // (e.g. only an HLS stream in a browser without native HLS: hls.js is not bundled with this block).
  var sourceEls = qa(".cv-video source");
  function cannotPlay() {
    var box = q(".cv-media-error");
    if (box) { box.textContent = S.cannotPlay; box.hidden = false; }
  }
  if (sourceEls.length) { sourceEls[sourceEls.length - 1].addEventListener("error", cannotPlay); }
  video.addEventListener("error", cannotPlay);
  video.addEventListener("play", function () {
    segStart = video.currentTime;
    lastTime = segStart;
    playedHere = true;
    q(".cv-play").textContent = S.pause;
    var resume = q(".cv-resume");
    if (resume) { resume.hidden = true; }
    if (!timer) {
      timer = window.setInterval(function () {
        if (!video.paused) { closeSegment(position(), true); }
        if (pending.length || !video.paused) { report("progress"); }
      }, (args.reportEvery || 10) * 1000);
    }
    report("play");
  });
  video.addEventListener("timeupdate", function () {
    var t = video.currentTime;
    if (!video.paused && !video.seeking && segStart !== null) {
      var jump = t - lastTime;
      if (jump < 0 || jump > 2 * (video.playbackRate || 1) + 1) { closeSegment(lastTime, false); segStart = t; }
    }
    lastTime = t;
    if (highlight() && !video.paused) { closeSegment(t, true); report("progress"); }
    followTranscript();
  });
  video.addEventListener("seeking", function () {
    if (segStart !== null) { closeSegment(lastTime, false); }
    // Seeks in quick succession (say, holding an arrow key) end in one "seeked": the first one's start counts.
    if (!placing && seekFrom === null) { seekFrom = lastTime; }
  });
  video.addEventListener("seeked", function () {
    var from = seekFrom;
    seekFrom = null;
    placing = false;
    lastTime = video.currentTime;
    if (!video.paused) { segStart = lastTime; }
    highlight();
    followTranscript();
    if (from === null) { report("progress"); } else { report("seek", from); }
  });
  function stopped() {
    closeSegment(position(), false);
    q(".cv-play").textContent = S.play;
  }
  video.addEventListener("pause", function () { stopped(); report("pause"); });
  // At the end the browser pauses first (the "pause" report carries the last segment), then fires "ended".
  video.addEventListener("ended", stopped);
  window.addEventListener("pagehide", reportOnLeave);

  // --- controls -----------------------------------------------------------------------------------
  function toggle() { if (video.paused) { video.play(); } else { video.pause(); } }
  q(".cv-play").addEventListener("click", toggle);
  q(".cv-speed").addEventListener("change", function (e) { video.playbackRate = Number(e.target.value) || 1; });
  var captionsButton = q(".cv-captions");
  if (captionsButton && captionsTrack) {
    captionsButton.addEventListener("click", function () {
      var on = captionsTrack.mode !== "showing";
      captionsTrack.mode = on ? "showing" : "hidden";
      captionsButton.setAttribute("aria-pressed", on ? "true" : "false");
      captionsButton.textContent = on ? S.captionsOn : S.captionsOff;
    });
  }
  var resumeButton = q(".cv-resume-button");
  if (resumeButton) {
    resumeButton.addEventListener("click", function () { seek(args.position); video.play(); });
    q(".cv-start-over").addEventListener("click", function () { seek(0); video.play(); });
  }
  qa(".cv-chapter-button").forEach(function (button, i, all) {
    button.addEventListener("click", function () { seek(Number(button.getAttribute("data-start"))); });
    button.addEventListener("keydown", function (e) {
      var next = e.key === "ArrowDown" ? i + 1 : (e.key === "ArrowUp" ? i - 1 : null);
      if (e.key === "Home") { next = 0; }
      if (e.key === "End") { next = all.length - 1; }
      if (next !== null && all[next]) { e.preventDefault(); e.stopPropagation(); all[next].focus(); }
    });
  });
  q(".cv-search").addEventListener("input", search);
  root.addEventListener("keydown", function (e) {
    var tag = (e.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "select" || tag === "textarea" || tag === "video") { return; }
    if (e.key === "k" || e.key === "K" || (e.key === " " && tag !== "button")) {
      e.preventDefault();
      toggle();
    } else if ((e.key === "ArrowLeft" || e.key === "ArrowRight") && !e.target.closest(".cv-chapters")) {
      e.preventDefault();
      seek((video.currentTime || 0) + (e.key === "ArrowLeft" ? -5 : 5));
    }
  });

  show(args.progress);
  highlight();
  if (pending.length) { report("progress"); }  // what an earlier visit could not deliver
  return {};
}
