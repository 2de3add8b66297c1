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


def test_hash_changed_on_the_open_page_seeks_and_highlights(browser):
    browser.get(browser.preview.url("/scenario/chaptered_video.0/?student=deeplink_cy#t=70"))
    WebDriverWait(browser, 30).until(lambda b: abs(_current_time(b) - 70) < 1.5)
    browser.execute_script("window.location.hash = 't=100&module=demo-video'")
    WebDriverWait(browser, 10).until(lambda b: abs(_current_time(b) - 100) < 1.5)
    current = browser.find_element(By.CSS_SELECTOR, ".cv-chapter.cv-current")
    assert current.get_attribute("data-index") == "3"
    # A listener added after the block's runs after it: it reads the time once the block has had its turn.
    after = browser.execute_async_script(
        "var done = arguments[0];"
        "window.addEventListener('hashchange', function () {"
        "  done(document.querySelector('video').currentTime); }, {once: true});"
        "window.location.hash = 't=10&module=elsewhere';"
    )
    assert abs(after - 100) < 1.5
