"""The live preview's own ``tracking.log``, written while real Chromium plays the demo video, as xAPI.

The learner plays, jumps to a chapter, pauses and leaves the page; the preview logs what the blocks publish
as the LMS logs it; event-routing-backends reads that log with its own parser and makes the statements; the
video's statements are the xAPI video profile's and pass ``ralph validate -f xapi --fail-on-unknown``.
"""

import json
import time

import pytest

from tests.conftest import read_tracking_log
from tests.xapi_support import LMS_ROOT_URL, ralph_validate, read_log_events, statements_of
from xblocks.xapi import vocabulary as v

SCENARIO = "/scenario/chaptered_video.0/"
STUDENT = "xapi_viewer"


def wait_for(driver, script, timeout=30, message=""):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.2).until(
        lambda d: d.execute_script(script), message or script
    )


def video_lines(log):
    return [
        r for r in read_tracking_log(log) if r["username"] == STUDENT and r["event_type"] == v.VIDEO_PROGRESS
    ]


def logged(browser, reason, timeout=15):
    """Wait until the preview's log holds a report of ``reason`` from the learner."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(r["event"].get("reason") == reason for r in video_lines(browser.preview.tracking_log)):
            return
        time.sleep(0.2)
    pytest.fail(f"no {reason} report in the preview's log within {timeout} s")


@pytest.mark.browser
def test_a_real_play_session_in_the_preview_makes_video_profile_statements(browser, lms, tmp_path):
    from selenium.webdriver.common.by import By

    browser.get(browser.preview.url(f"{SCENARIO}?student={STUDENT}"))
    wait_for(browser, "return document.querySelector('.cv-video').readyState >= 1", message="metadata")
    browser.execute_script("document.querySelector('.cv-video').play()")
    wait_for(browser, "return document.querySelector('.cv-video').currentTime > 2", message="playing")
    browser.find_element(By.CSS_SELECTOR, '.cv-chapter[data-index="2"] .cv-chapter-button').click()
    wait_for(browser, "var t = document.querySelector('.cv-video').currentTime; return t >= 61")
    browser.execute_script("document.querySelector('.cv-video').pause()")
    logged(browser, "pause")
    browser.get(browser.preview.url("/"))  # leaving the page: pagehide sends the last report
    logged(browser, "leave")
    lines = video_lines(browser.preview.tracking_log)
    moments = [r["event"]["reason"] for r in lines if r["event"]["reason"] != "progress"]
    assert moments[0] == "play" and moments[-1] == "leave", moments
    assert "seek" in moments and "pause" in moments, moments

    log = tmp_path / "tracking.log"
    log.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    events = read_log_events(log)
    statements = statements_of(events)
    verbs = [s["verb"]["id"].rsplit("/", 1)[1] for s in statements]
    expected = {"play": "played", "pause": "paused", "seek": "seeked", "leave": "terminated"}
    assert verbs == [expected[m] for m in moments]
    usage_key = lines[0]["context"]["module"]["usage_key"]
    assert usage_key.startswith("block-v1:NGSP+Facilitator+preview+type@chaptered_video+block@")
    assert {s["object"]["id"] for s in statements} == {f"{LMS_ROOT_URL}/xblock/{usage_key}"}
    seek = next(s for s in statements if s["verb"]["id"] == v.SEEKED[0])["result"]["extensions"]
    assert seek[v.VIDEO_TIME_FROM] < 60 <= seek[v.VIDEO_TIME_TO] < 75
    done = ralph_validate(statements)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"Total events: {len(statements)}, Invalid events: 0" in done.stderr
