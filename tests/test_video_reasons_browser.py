"""The chaptered video's reports say why they were sent (real headless Chromium against the preview).

Each report carries ``reason`` ("play", "pause", "seek" with ``from``, "leave", else "progress"); the server
publishes the moments in ``edx.chaptered_video.progress`` for the xAPI video profile's statements.
"""

import time

import pytest

from tests.conftest import read_tracking_log

pytestmark = pytest.mark.browser

SCENARIO = "/scenario/chaptered_video.0/"
SAVED = "Progress saved."
VIDEO = "document.querySelector('.cv-video')"

# Every status text the player shows, in order (a refused report would show the server's error there).
WATCH_STATUS = """
window.statuses = [];
var box = document.querySelector('.cv-status');
new MutationObserver(function () { window.statuses.push(box.textContent); })
  .observe(box, {childList: true, characterData: true, subtree: true});
"""

# The bodies of the player's reports, in order; while ``window.holding`` is true a report is held (its
# request not yet made) until ``window.release()``, so that the next ones are asked for while it is in flight.
RECORD_REPORTS = """
window.bodies = [];
window.holding = false;
var held = [];
var realFetch = window.fetch.bind(window);
window.fetch = function (url, init) {
  if (String(url).indexOf('report_progress') === -1) { return realFetch(url, init); }
  window.bodies.push(JSON.parse(init.body));
  if (!window.holding) { return realFetch(url, init); }
  return new Promise(function (resolve, reject) {
    held.push(function () { realFetch(url, init).then(resolve, reject); });
  });
};
window.release = function () {
  var now = held;
  held = [];
  now.forEach(function (go) { go(); });
  return now.length;
};
"""


def wait_for(driver, script, timeout=30, message=""):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.2).until(
        lambda d: d.execute_script(script), message or script
    )


def open_video(browser, student, hook=RECORD_REPORTS):
    browser.get(browser.preview.url(f"{SCENARIO}?student={student}"))
    wait_for(browser, f"return {VIDEO}.readyState >= 1", message="metadata")
    browser.execute_script(WATCH_STATUS + hook)


def progress_events(browser, student):
    return [
        r["event"]
        for r in read_tracking_log(browser.preview.tracking_log)
        if r["username"] == student and r["event_type"] == "edx.chaptered_video.progress"
    ]


def wait_for_event(browser, student, reason, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        events = progress_events(browser, student)
        if any(e.get("reason") == reason for e in events):
            return events
        time.sleep(0.2)
    reasons = [e.get("reason") for e in progress_events(browser, student)]
    raise AssertionError(f"no {reason!r} progress event for {student} within {timeout} s (got {reasons})")


def click(browser, selector):
    from selenium.webdriver.common.by import By

    browser.find_element(By.CSS_SELECTOR, selector).click()


def test_play_seek_pause_and_leave_reach_the_tracking_log_in_order(browser):
    student = "dana_reasons"
    open_video(browser, student, hook="")
    click(browser, ".cv-play")
    wait_for(browser, f"return {VIDEO}.currentTime > 2.5", message="playing")

    before = browser.execute_script(f"return {VIDEO}.currentTime")
    click(browser, '.cv-chapter[data-index="2"] .cv-chapter-button')  # chapter 3, at 1:00: a seek
    wait_for(browser, f"var v = {VIDEO}; return !v.seeking && v.currentTime >= 60 && v.currentTime < 70")
    wait_for(browser, f"return {VIDEO}.currentTime > 62", message="playing on after the seek")

    click(browser, ".cv-play")  # pause
    paused_at = browser.execute_script(f"return {VIDEO}.currentTime")
    wait_for_event(browser, student, "pause")
    statuses = browser.execute_script("return window.statuses")
    assert statuses and set(statuses) == {SAVED}, f"a report was refused or failed: {statuses}"

    browser.get(browser.preview.url("/"))  # a real page leave: pagehide, then the keepalive report
    events = wait_for_event(browser, student, "leave")

    moments = [e for e in events if e["reason"] != "progress"]
    assert [e["reason"] for e in moments] == ["play", "seek", "pause", "leave"]
    play, seek, pause, leave = moments
    assert play["position"] < 1
    assert abs(seek["from"] - before) < 1.5, (seek, before)  # where playback was when the chapter was clicked
    assert seek["from"] < seek["position"]
    assert 60 <= seek["position"] < 62
    assert abs(pause["position"] - paused_at) < 0.5
    assert pause["segments"] and abs(pause["segments"][-1][1] - paused_at) < 0.5  # the last segment
    assert abs(leave["position"] - paused_at) < 0.5
    assert all("from" not in e for e in (play, pause, leave))


def test_a_report_asked_for_while_one_is_in_flight_keeps_the_moment(browser):
    open_video(browser, "eli_reasons")
    browser.execute_script("window.holding = true")
    click(browser, ".cv-play")
    wait_for(browser, "return window.bodies.length === 1", message="the play report")
    wait_for(browser, f"return {VIDEO}.currentTime > 1.5", message="playing")

    # While the play report is in flight: a transcript line seeks to 0:20, then (at 4x) playback crosses
    # into chapter 2 at 0:30, which asks for a plain "progress" report. Neither goes out yet.
    wait_for(browser, "return document.querySelectorAll('.cv-cue').length === 12", message="transcript")
    before = browser.execute_script(f"return {VIDEO}.currentTime")
    click(browser, '.cv-cue[data-cue="2"]')
    wait_for(browser, f"var v = {VIDEO}; return !v.seeking && Math.abs(v.currentTime - 20) < 1.5")
    browser.execute_script(f"{VIDEO}.playbackRate = 4")
    wait_for(
        browser,
        "return document.querySelector('.cv-chapter[data-index=\"1\"]').classList.contains('cv-current')",
        message="chapter 2 reached",
    )
    assert browser.execute_script("return window.bodies.length") == 1

    # The play report is answered: ONE follow-up goes out, and it is the seek (not "progress").
    assert browser.execute_script("return window.release()") == 1
    wait_for(browser, "return window.bodies.length === 2", message="the follow-up report")
    browser.execute_script("window.holding = false; window.release()")
    play, follow_up = browser.execute_script("return window.bodies")
    assert play["reason"] == "play" and play["position"] < 1 and "from" not in play
    assert follow_up["reason"] == "seek"
    assert abs(follow_up["from"] - before) < 1.5, (follow_up, before)
    assert follow_up["position"] >= 30
    assert follow_up["watched"], "the follow-up carries what was played meanwhile"

    click(browser, ".cv-play")  # pause
    wait_for(browser, "return window.bodies.some(function (b) { return b.reason === 'pause'; })")
    wait_for(browser, "return window.statuses.slice(-1)[0] === 'Progress saved.'")
    statuses = browser.execute_script("return window.statuses")
    assert set(statuses) == {SAVED}, statuses

    browser.execute_script("window.dispatchEvent(new Event('pagehide'))")
    leave = browser.execute_script("return window.bodies[window.bodies.length - 1]")
    assert leave["reason"] == "leave" and "from" not in leave


def test_the_end_sends_one_pause_report_and_nothing_after(browser):
    open_video(browser, "fay_reasons")
    browser.execute_script(f"{VIDEO}.currentTime = 118")  # a seek while paused, from 0:00
    wait_for(browser, "return window.bodies.length === 1", message="the seek report")
    browser.execute_script(
        f"window.endedAfter = null; {VIDEO}.addEventListener('ended', function () "
        "{ window.endedAfter = window.bodies.length; });"
    )
    click(browser, ".cv-play")
    wait_for(browser, "return window.endedAfter !== null", message="the video ended")
    wait_for(browser, "return window.statuses.slice(-1)[0] === 'Progress saved.'")
    time.sleep(1)  # a report from "ended" would be asked for at once (and go out when the pause is answered)
    bodies = browser.execute_script("return window.bodies")
    assert [b["reason"] for b in bodies] == ["seek", "play", "pause"]
    assert browser.execute_script("return window.endedAfter") == 3
    seek, play, pause = bodies
    assert seek["from"] == 0 and abs(seek["position"] - 118) < 0.5
    end = browser.execute_script(f"return Math.min({VIDEO}.duration, 120)")
    assert abs(pause["position"] - end) < 0.01
    assert pause["watched"] and abs(pause["watched"][-1][1] - end) < 0.01  # it carries the last segment
    assert set(browser.execute_script("return window.statuses")) == {SAVED}


def test_opening_at_the_resume_second_is_no_seek_and_an_unplayed_visit_no_leave(browser):
    student = "gus_reasons"
    open_video(browser, student)
    browser.execute_script(f"{VIDEO}.currentTime = 70")
    wait_for(browser, "return window.bodies.length === 1", message="the seek report")
    wait_for(browser, "return window.statuses.slice(-1)[0] === 'Progress saved.'")
    assert progress_events(browser, student)[-1]["reason"] == "seek"
    seen = len(progress_events(browser, student))

    # Reopened, the player puts the video at the learner's 1:10 by itself: a "progress" report, not a seek.
    browser.get(browser.preview.url(f"{SCENARIO}?student={student}"))
    wait_for(browser, f"return Math.abs({VIDEO}.currentTime - 70) < 1", message="placed at the resume second")
    wait_for(
        browser,
        "return document.querySelector('.cv-status').textContent === 'Progress saved.'",
        message="the placement's report answered",
    )
    assert len(progress_events(browser, student)) == seen  # no moment published: it added no second either

    # Leaving a page where the video was never played is no end of a viewing: "progress", not "leave".
    browser.execute_script(WATCH_STATUS + RECORD_REPORTS)
    browser.execute_script("window.dispatchEvent(new Event('pagehide'))")
    assert [b["reason"] for b in browser.execute_script("return window.bodies")] == ["progress"]
