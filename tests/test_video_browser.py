"""The chaptered video in real headless Chromium against the preview: play, chapter click, report, resume."""

import pytest

from tests.browser import screenshot
from tests.conftest import read_tracking_log

SCENARIO = "/scenario/chaptered_video.0/"


def wait_for(driver, script, timeout=30, message=""):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.2).until(
        lambda d: d.execute_script(script), message or script
    )


@pytest.mark.browser
def test_demo_plays_seeks_reports_and_resumes(browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(browser.preview.url(f"{SCENARIO}?student=ana_browser"))
    wait_for(browser, "return document.querySelector('.cv-video').readyState >= 1", message="metadata")
    assert browser.find_element(By.CSS_SELECTOR, ".cv-resume").get_attribute("hidden") is not None

    browser.execute_script("document.querySelector('.cv-video').play()")
    wait_for(browser, "return document.querySelector('.cv-video').currentTime > 1.5", message="playing")
    first = browser.find_element(By.CSS_SELECTOR, '.cv-chapter[data-index="0"]')
    assert "cv-current" in first.get_attribute("class")

    # Chapter 3 starts at 1:00: clicking it moves playback and the highlight follows.
    browser.find_element(By.CSS_SELECTOR, '.cv-chapter[data-index="2"] .cv-chapter-button').click()
    wait_for(browser, "var t = document.querySelector('.cv-video').currentTime; return t >= 60 && t < 70")
    third = browser.find_element(By.CSS_SELECTOR, '.cv-chapter[data-index="2"]')
    wait_for(
        browser,
        "return document.querySelector('.cv-chapter[data-index=\"2\"]').classList.contains('cv-current')",
    )
    assert "cv-current" not in first.get_attribute("class")
    assert third.find_element(By.CSS_SELECTOR, "button").get_attribute("aria-current") == "true"

    # Keyboard: Enter on a chapter button seeks too (chapter 4 at 1:30), then back to chapter 3.
    fourth = browser.find_element(By.CSS_SELECTOR, '.cv-chapter[data-index="3"] .cv-chapter-button')
    fourth.send_keys(Keys.ENTER)
    wait_for(browser, "return document.querySelector('.cv-video').currentTime >= 90")
    third.find_element(By.CSS_SELECTOR, "button").click()
    wait_for(browser, "var t = document.querySelector('.cv-video').currentTime; return t >= 62 && t < 75")

    browser.execute_script("document.querySelector('.cv-video').pause()")
    paused_at = browser.execute_script("return document.querySelector('.cv-video').currentTime")
    wait_for(
        browser,
        "return document.querySelector('.cv-chapter[data-index=\"2\"]').dataset.mark === 'partial'",
        message="the server's answer marked chapter 3 as partly watched",
    )
    wait_for(browser, "return document.querySelector('.cv-status').textContent.length > 0")
    assert browser.find_element(By.CSS_SELECTOR, ".cv-status").text == "Progress saved."
    records = [r for r in read_tracking_log(browser.preview.tracking_log) if r["username"] == "ana_browser"]
    kinds = {r["event_type"] for r in records}
    assert {"edx.chaptered_video.progress", "edx.chaptered_video.chapter_reached"} <= kinds
    reached = {
        r["event"]["chapter"] for r in records if r["event_type"] == "edx.chaptered_video.chapter_reached"
    }
    assert {0, 2} <= reached

    browser.refresh()
    wait_for(browser, "return document.querySelector('.cv-video').readyState >= 1", message="metadata again")
    resume = browser.find_element(By.CSS_SELECTOR, ".cv-resume-button")
    assert resume.is_displayed()
    assert resume.text == f"Resume at 1:{int(paused_at) - 60:02d}"
    wait_for(browser, f"return Math.abs(document.querySelector('.cv-video').currentTime - {paused_at}) < 1.5")
    assert (
        browser.find_element(By.CSS_SELECTOR, '.cv-chapter[data-index="2"]').get_attribute("data-mark")
        == "partial"
    )
    screenshot(browser, "chaptered-video-resume")


@pytest.mark.browser
def test_transcript_search_and_keyboard(browser):
    from selenium.webdriver.common.by import By

    browser.get(browser.preview.url(f"{SCENARIO}?student=ben_browser"))
    wait_for(browser, "return document.querySelectorAll('.cv-cue').length === 12", message="transcript cues")
    search = browser.find_element(By.CSS_SELECTOR, ".cv-search")
    search.send_keys("at 40 seconds")
    matches = browser.find_elements(By.CSS_SELECTOR, ".cv-match")
    assert [m.text for m in matches] == ["0:40 Stand-in caption 5: partnership line at 40 seconds"]
    matches[0].click()
    wait_for(browser, "return Math.abs(document.querySelector('.cv-video').currentTime - 40) < 0.5")
    wait_for(browser, "return document.querySelector('.cv-cue-active') !== null")
    assert browser.find_element(By.CSS_SELECTOR, ".cv-cue-active").get_attribute("data-cue") == "4"
    player = browser.find_element(By.CSS_SELECTOR, ".cv-player")
    player.send_keys("k")
    wait_for(browser, "return !document.querySelector('.cv-video').paused", message="K plays")
    player.send_keys("k")
    wait_for(browser, "return document.querySelector('.cv-video').paused", message="K pauses")
    browser.find_element(By.CSS_SELECTOR, ".cv-captions").click()
    assert (
        browser.execute_script("return document.querySelector('.cv-captions-track').track.mode") == "showing"
    )
    browser.find_element(By.CSS_SELECTOR, ".cv-speed option[value='2.0']").click()
    assert browser.execute_script("return document.querySelector('.cv-video').playbackRate") == 2
    screenshot(browser, "chaptered-video-transcript")
