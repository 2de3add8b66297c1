"""SubRip captions and an HLS stream listed first, in real headless Chromium against the preview.

Scenario 2 lists ``/static/demo-clip.m3u8`` (the HLS stand-in: played where the browser has native HLS,
else skipped for the MP4) and a ``<track src="/static/demo-clip.en.srt">``, which the player fetches and
converts to WebVTT in the page. Both are made by ``media stand-ins``; these tests swap the SRT for their own
and put the built one back.
"""

import pytest

from tests.browser import screenshot
from xblocks.chaptered_video import olx

SCENARIO = "/scenario/chaptered_video.2/"

# A BOM, CRLF line ends, a one-digit fraction, a cue number missing, a multi-line cue and a stray line.
SRT = (
    "\ufeff1\r\n00:00:02,5 --> 00:00:04,000\r\nSRT line one & <i>two</i>\r\n\r\n"
    "00:00:45,250 --> 00:00:48,000\r\nFacilitators listen first\r\nthen convene\r\n\r\n"
    "garbage without a time\r\n\r\n"
    "3\r\n00:01:10,000 --> 00:01:12,500\r\nBusiness champions lead\r\n"
)

CUES_JS = (
    "var t = document.querySelector('.cv-captions-track').track;"
    "return t.cues ? Array.prototype.map.call(t.cues, function (c) {"
    "  return [c.startTime, c.endTime, c.text]; }) : [];"
)


def wait_for(driver, script, timeout=30, message=""):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.2).until(
        lambda d: d.execute_script(script), message or script
    )


def expected_cues():
    """The server's own conversion (``olx.srt_to_vtt``) of SRT, read back as (start, end, text)."""
    cues = []
    for block in olx.srt_to_vtt(SRT).split("\n\n")[1:]:
        lines = block.strip().split("\n")
        if len(lines) < 2:
            continue
        start, end = (_seconds(part) for part in lines[0].split(" --> "))
        cues.append([start, end, "\n".join(lines[1:])])
    return cues


def _seconds(text):
    hours, minutes, seconds = text.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


@pytest.fixture
def srt_file(browser):
    path = browser.preview.build_dir / "media" / "stand-ins" / "demo-clip.en.srt"
    built = path.read_bytes() if path.exists() else None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(SRT.encode("utf-8"))
    yield path
    if built is None:
        path.unlink(missing_ok=True)
    else:
        path.write_bytes(built)


@pytest.fixture
def no_srt_file(browser):
    path = browser.preview.build_dir / "media" / "stand-ins" / "demo-clip.en.srt"
    aside = path.with_name("demo-clip.en.srt.aside")
    if path.exists():
        path.replace(aside)
    yield path
    if aside.exists():
        aside.replace(path)


@pytest.mark.browser
def test_srt_track_is_converted_in_the_page_and_the_mp4_plays(browser, srt_file):
    from selenium.webdriver.common.by import By

    browser.get(browser.preview.url(f"{SCENARIO}?student=srt_ana"))
    wait_for(browser, "return document.querySelectorAll('.cv-cue').length === 3", message="SRT cues")
    assert browser.execute_script(CUES_JS) == expected_cues()
    texts = [b.text for b in browser.find_elements(By.CSS_SELECTOR, ".cv-cue")]
    assert texts == [
        "0:02 SRT line one & two",
        "0:45 Facilitators listen first then convene",
        "1:10 Business champions lead",
    ]

    roles = (
        "var b = document.querySelector('.cv-cue');"
        "return [b.getAttribute('role'), b.parentNode.getAttribute('role')]"
    )
    assert browser.execute_script(roles) == [None, "listitem"]  # cues stay buttons to screen readers

    search = browser.find_element(By.CSS_SELECTOR, ".cv-search")
    search.send_keys("champions")
    browser.find_element(By.CSS_SELECTOR, ".cv-match").click()
    wait_for(browser, "return Math.abs(document.querySelector('.cv-video').currentTime - 70) < 0.5")
    native_hls = browser.execute_script(
        "return document.querySelector('.cv-video').canPlayType('application/x-mpegURL') !== ''"
    )
    assert browser.execute_script("return document.querySelector('.cv-video').currentSrc").endswith(
        "/static/demo-clip.m3u8" if native_hls else "/static/demo-clip.mp4"
    )
    browser.find_element(By.CSS_SELECTOR, ".cv-captions").click()
    assert (
        browser.execute_script("return document.querySelector('.cv-captions-track').track.mode") == "showing"
    )
    assert not browser.find_element(By.CSS_SELECTOR, ".cv-media-error").is_displayed()
    screenshot(browser, "chaptered-video-srt")


@pytest.mark.browser
def test_missing_srt_file_says_so(browser, no_srt_file):
    from selenium.webdriver.common.by import By

    browser.get(browser.preview.url(f"{SCENARIO}?student=srt_ben"))
    wait_for(browser, "return document.querySelector('.cv-status').textContent.length > 0")
    assert browser.find_element(By.CSS_SELECTOR, ".cv-status").text == "The captions could not be loaded."
    assert (
        browser.find_element(By.CSS_SELECTOR, ".cv-cues").text == "No transcript is available for this video."
    )


@pytest.mark.browser
def test_no_playable_source_shows_a_message(browser):
    from selenium.webdriver.common.by import By

    browser.get(browser.preview.url(f"{SCENARIO}?student=srt_cy"))
    wait_for(browser, "return document.querySelector('.cv-video').readyState >= 1", message="metadata")
    assert not browser.find_element(By.CSS_SELECTOR, ".cv-media-error").is_displayed()
    # What the browser does when the last <source> fails: every source was tried and none plays.
    browser.execute_script(
        "document.querySelector('.cv-video source:last-of-type').dispatchEvent(new Event('error'))"
    )
    message = browser.find_element(By.CSS_SELECTOR, ".cv-media-error")
    assert message.is_displayed() and message.text.startswith("This video cannot be played in this browser.")
