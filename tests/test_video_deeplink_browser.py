"""A link to the video page with ``#t=SECONDS`` opens the player at that second (real Chromium)."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.browser


def _current_time(browser):
    return browser.execute_script("var v = document.querySelector('video'); return v ? v.currentTime : -1;")


def test_hash_time_opens_the_video_at_that_second(browser):
    browser.get(browser.preview.url("/scenario/chaptered_video.0/?student=deeplink_ana#t=70"))
    WebDriverWait(browser, 30).until(lambda b: abs(_current_time(b) - 70) < 1.5)
    assert browser.find_element(By.CSS_SELECTOR, "video")


def test_hash_naming_another_module_is_ignored(browser):
    browser.get(
        browser.preview.url("/scenario/chaptered_video.0/?student=deeplink_ben#t=70&module=elsewhere")
    )
    WebDriverWait(browser, 30).until(
        lambda b: b.execute_script("var v = document.querySelector('video'); return v && v.readyState >= 1;")
    )
    assert _current_time(browser) < 1
