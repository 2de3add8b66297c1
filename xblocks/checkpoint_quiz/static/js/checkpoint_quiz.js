/* Checkpoint quiz: sends answers, shows what the server answers. The server decides everything. */
function CheckpointQuizInit(runtime, element, args) {
  "use strict";
  var root = element && element.jquery ? element[0] : element;
  var quiz = root.querySelector(".checkpoint-quiz") || root;
  var form = quiz.querySelector(".cq-form");
  if (!form) { return; }
  var strings = args.strings || {};
  var submitButton = form.querySelector(".cq-submit");
  var retryButton = form.querySelector(".cq-retry");
  var resultArea = quiz.querySelector(".cq-result");
  var url = runtime.handlerUrl(element, "submit");
  var current = args.status || { can_submit: true };

  function fill(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : all;
    });
  }
  function percent(ratio) { return Math.round((ratio || 0) * 100); }
  function para(parent, text, className) {
    var p = document.createElement("p");
    p.textContent = text;
    if (className) { p.className = className; }
    parent.appendChild(p);
    return p;
  }
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  function fieldsets() { return Array.prototype.slice.call(form.querySelectorAll(".cq-question")); }
  function inputs() { return Array.prototype.slice.call(form.querySelectorAll("input")); }

  function collect() {
    var answers = {};
    fieldsets().forEach(function (fs) {
      var chosen = [];
      fs.querySelectorAll("input").forEach(function (input) { if (input.checked) { chosen.push(input.value); } });
      answers[fs.getAttribute("data-question")] = chosen;
    });
    return answers;
  }

  function clearFeedback() {
    fieldsets().forEach(function (fs) {
      var box = fs.querySelector(".cq-feedback");
      box.textContent = "";
      box.className = "cq-feedback";
      fs.removeAttribute("aria-invalid");
    });
  }

  function showStatus(status, attempt) {
    resultArea.textContent = "";
    resultArea.className = "cq-result" + (status.passed ? " cq-passed" : "");
    if (attempt) { para(resultArea, fill(strings.attempt_score, { score: percent(attempt.score) })); }
    if (status.score !== null && status.score !== undefined) {
      para(resultArea, fill(strings.score, { score: percent(status.score) }), "cq-score");
      para(resultArea, status.passed ? strings.passed : fill(strings.not_passed, { pass: percent(status.pass_ratio) }),
        "cq-verdict");
    }
    if (status.attempts_used) {
      para(resultArea, status.max_attempts
        ? fill(strings.attempts, { used: status.attempts_used, max: status.max_attempts })
        : fill(strings.attempts_unlimited, { used: status.attempts_used }), "cq-attempts");
    }
    if (!status.can_submit) {
      para(resultArea, status.closed ? strings.closed : strings.no_attempts, "cq-no-attempts");
    }
  }

  function showResults(results) {
    fieldsets().forEach(function (fs) {
      var item = results[fs.getAttribute("data-question")];
      var box = fs.querySelector(".cq-feedback");
      box.textContent = "";
      if (!item) { return; }
      if (item.chosen) {
        var partly = !item.correct && item.credit > 0;
        box.className = "cq-feedback " + (item.correct ? "cq-right" : "cq-wrong");
        para(box, item.correct ? strings.right
          : (partly ? fill(strings.partial, { credit: percent(item.credit) }) : strings.wrong), "cq-verdict");
        (item.feedback || []).forEach(function (text) { para(box, text, "cq-choice-feedback"); });
      }
      if (item.answer) {
        para(box, fill(strings.answer_label, { answer: item.answer_text.join(", ") }), "cq-answer");
        if (item.explanation) { para(box, fill(strings.explanation_label, { text: item.explanation }), "cq-explanation"); }
        if (item.source) { para(box, fill(strings.source_label, { text: item.source }), "cq-source"); }
      }
    });
  }

  function checkChosen(results) {
    fieldsets().forEach(function (fs) {
      var item = results[fs.getAttribute("data-question")];
      if (!item || !item.chosen) { return; }
      fs.querySelectorAll("input").forEach(function (input) { input.checked = item.chosen.indexOf(input.value) >= 0; });
    });
  }

  function setLocked(status, submitted) {
    var locked = !status.can_submit || submitted;
    inputs().forEach(function (input) { input.disabled = locked; });
    submitButton.disabled = locked;
    retryButton.hidden = !(submitted && status.can_submit);
  }

  function showError(body) {
    resultArea.textContent = "";
    resultArea.className = "cq-result cq-error";
    para(resultArea, fill(strings.error, { error: (body && body.error) || "" }), "cq-error-text");
    var firstMissing = null;
    var unanswered = (body && body.unanswered) || [];
    fieldsets().forEach(function (fs) {
      if (unanswered.indexOf(fs.getAttribute("data-question")) >= 0) {
        fs.setAttribute("aria-invalid", "true");
        para(fs.querySelector(".cq-feedback"), strings.unanswered, "cq-unanswered");
        if (!firstMissing) { firstMissing = fs.querySelector("input"); }
      }
    });
    // Keyboard and screen-reader users land where the problem is: the first unanswered question.
    (firstMissing || resultArea).focus();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearFeedback();
    submitButton.disabled = true;
    resultArea.textContent = strings.submitting;
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ answers: collect() })
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (reply) {
      if (!reply.ok) {
        showError(reply.body);
        submitButton.disabled = false;
        return;
      }
      current = reply.body.status;
      showStatus(current, { score: reply.body.attempt_score });
      showResults(reply.body.results);
      setLocked(reply.body.status, true);
      // The submit button is now disabled: move focus on rather than lose it to the page.
      if (!retryButton.hidden) { retryButton.focus(); } else { resultArea.focus(); }
    }).catch(function () {
      resultArea.textContent = strings.network;
      submitButton.disabled = false;
      resultArea.focus();
    });
  });

  retryButton.addEventListener("click", function () {
    form.reset();
    clearFeedback();
    setLocked(current, false);
    retryButton.hidden = true;
    var first = form.querySelector("input");
    if (first) { first.focus(); }
  });

  var results = {};
  try { results = JSON.parse(quiz.getAttribute("data-results") || "{}"); } catch (err) { results = {}; }
  if (args.status && args.status.attempts_used) {
    checkChosen(results);
    showStatus(args.status, null);
    showResults(results);
    setLocked(args.status, true);
  } else if (args.status && args.status.answers_visible) {
    showResults(results);
  }
}
