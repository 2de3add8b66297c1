"""Deep links through the preview's Learning MFE page (real Chromium): units in iframes of another origin.

The MFE page is ``http://apps.lms.localhost:PORT``, the units come from ``http://lms.localhost:PORT`` (see
``scripts/preview/mfe.py``). Session 3 runs its full 1:31:12 in the test preview (``tests/preview_build.py``),
so a link to 0:42:10 can really land there. Every test checks the video inside the unit's iframe: its
``currentTime`` and the chapter the player highlights.
"""

import json
import os
import subprocess
import sys
import urllib.request
import uuid
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.a11y import axe_source, serious_violations
from tests.browser import REPO, screenshot

pytestmark = pytest.mark.browser

COURSE = "course-v1:NGSP+Facilitator+preview"
KEY = "block-v1:NGSP+Facilitator+preview+type@"
SESSION_3 = "session-3-video"
AT_42_10 = 42 * 60 + 10
CHAPTER_5 = 4  # "Building action teams around the priorities", 0:41:00 to 0:53:00 (0-based index)
IFRAME_ALLOW = (
    "microphone *; camera *; midi *; geolocation *; encrypted-media *; clipboard-write *; autoplay *"
)


def learner():
    return f"mfe-{uuid.uuid4().hex[:8]}"


def lms(browser, path):
    return f"http://lms.localhost:{browser.preview.port}{path}"


def mfe(browser, path):
    return f"http://apps.lms.localhost:{browser.preview.port}{path}"


def jump(browser, ref, student):
    """Open ``ref``'s unit as a learner gets there from an LMS link: ``jump_to_id`` on the LMS origin."""
    browser.switch_to.default_content()
    browser.get(lms(browser, f"/courses/{COURSE}/jump_to_id/{ref}?student={student}"))
    return unit_frame(browser)


def unit_frame(browser):
    """The unit's iframe once its page has told the MFE page its height (then its blocks are there)."""
    frame = WebDriverWait(browser, 30).until(lambda d: d.find_element(By.ID, "unit-iframe"))
    try:
        WebDriverWait(browser, 30).until(lambda d: int(frame.get_attribute("height") or 0) > 100)
    except Exception:
        browser.switch_to.frame(frame)
        inside = browser.find_element(By.TAG_NAME, "body").text[:500]
        browser.switch_to.default_content()
        raise AssertionError(f"the unit did not load: {browser.current_url}\n{inside}") from None
    return frame


def video_state(browser):
    """``(currentTime, highlighted chapter)`` of the video in the unit's iframe; None before its metadata."""
    browser.switch_to.default_content()
    browser.switch_to.frame(browser.find_element(By.ID, "unit-iframe"))
    state = browser.execute_script(
        "var v = document.querySelector('.cv-video');"
        "if (!v || v.readyState < 1) { return null; }"
        "var c = document.querySelector('.cv-chapter.cv-current');"
        "return [v.currentTime, c ? Number(c.getAttribute('data-index')) : -1];"
    )
    browser.switch_to.default_content()
    return state


def wait_for_video_at(browser, second, chapter):
    def there(d):
        state = video_state(d)
        return state if state and abs(state[0] - second) <= 1 and state[1] == chapter else False

    try:
        return WebDriverWait(browser, 30).until(there)
    except Exception:
        raise AssertionError(
            f"video at {video_state(browser)}, wanted {second} s and chapter {chapter}"
        ) from None


def assert_only_jump_to_id_reached_the_iframe(browser):
    """The unit's iframe URL: the LMS's /xblock/ URL of Session 3's unit; of the link, only jumpToId."""
    src = browser.find_element(By.ID, "unit-iframe").get_attribute("src")
    parts = urlsplit(src)
    assert parts.netloc == f"lms.localhost:{browser.preview.port}"
    assert parts.path == f"/xblock/{KEY}vertical+block@session-3-watch-unit"
    query = parse_qs(parts.query)
    assert query["jumpToId"] == [f"{KEY}chaptered_video+block@{SESSION_3}"]
    assert {k: v[0] for k, v in query.items() if k not in ("jumpToId", "student")} == {
        "view": "student_view",
        "show_title": "0",
        "show_bookmark": "0",
        "recheck_access": "1",
    }
    assert parts.fragment == query["jumpToId"][0]  # "#<block id>", never "#t=..."


def test_the_mfe_page_frames_a_unit_as_the_learning_mfe_does(browser):
    student = learner()
    browser.get(mfe(browser, f"/learning/course/{COURSE}/?student={student}"))
    frame = unit_frame(browser)
    assert urlsplit(browser.current_url).netloc == f"apps.lms.localhost:{browser.preview.port}"
    assert frame.get_attribute("allow") == IFRAME_ALLOW
    assert frame.get_attribute("allowfullscreen") == "true"
    assert frame.get_attribute("scrolling") == "no"
    assert frame.get_attribute("referrerPolicy") == "origin"
    src = urlsplit(frame.get_attribute("src"))
    assert src.netloc == f"lms.localhost:{browser.preview.port}"
    assert src.path == "/xblock/block-v1:NGSP+Facilitator+preview+type@vertical+block@welcome-about-unit"
    assert "jumpToId" not in src.query and not src.fragment
    assert "Unit 1 of 18" in browser.find_element(By.CSS_SELECTOR, ".mfe-position").text
    # WCAG 2.1 AA as the rest of the preview: no serious or critical axe-core finding, page or unit.
    axe = axe_source()
    assert serious_violations(browser, axe) == []
    browser.switch_to.frame(frame)
    assert serious_violations(browser, axe) == []
    browser.switch_to.default_content()
    # The height follows the unit page's own: no scrolling inside the frame, nothing cut off.
    browser.switch_to.frame(frame)
    inner = browser.execute_script("return document.getElementById('content').offsetHeight;")
    browser.switch_to.default_content()
    assert abs(int(frame.get_attribute("height")) - inner) <= 1
    # Next: the following unit, one at a time, for the same learner.
    browser.find_element(By.CSS_SELECTOR, "a.mfe-next").click()
    frame = WebDriverWait(browser, 30).until(
        lambda d: (
            "welcome-how-unit" in d.find_element(By.ID, "unit-iframe").get_attribute("src")
            and d.find_element(By.ID, "unit-iframe")
        )
    )
    assert "Unit 2 of 18" in browser.find_element(By.CSS_SELECTOR, ".mfe-position").text
    assert f"student={student}" in frame.get_attribute("src")


def test_a_transcript_search_result_opens_session_3_at_42_10(browser):
    student = learner()
    jump(browser, "progress", student)  # the welcome module's progress page, in its own unit
    browser.switch_to.frame(browser.find_element(By.ID, "unit-iframe"))
    query = WebDriverWait(browser, 30).until(lambda d: d.find_element(By.CSS_SELECTOR, ".fp-search input"))
    query.send_keys("caption line 254 at")
    browser.find_element(By.CSS_SELECTOR, ".fp-search button").click()
    result = WebDriverWait(browser, 30).until(
        lambda d: d.find_element(By.CSS_SELECTOR, ".fp-results a.fp-result")
    )
    assert "Session 3" in result.text and "42:10" in result.text
    assert result.get_attribute("target") == "_top"
    result.click()
    browser.switch_to.default_content()
    WebDriverWait(browser, 30).until(lambda d: "session-3-watch-unit" in d.current_url)
    unit_frame(browser)
    assert_only_jump_to_id_reached_the_iframe(browser)
    wait_for_video_at(browser, AT_42_10, CHAPTER_5)
    screenshot(browser, "mfe-search-result-session-3-at-42-10")


def complete_in_edx_completion(preview, student, refs):
    """Mark ``refs`` complete for ``student`` in the preview's edx-completion store, as the LMS does."""
    script = (
        "import json, sys\n"
        "from scripts.preview.server import setup_django\n"
        "setup_django()\n"
        "from completion.models import BlockCompletion\n"
        "from scripts.preview.completion import course_key, learner\n"
        "student, refs = json.loads(sys.argv[1])\n"
        "user = learner(student)\n"
        "for block_type, ref in refs:\n"
        "    key = course_key().make_usage_key(block_type, ref)\n"
        "    BlockCompletion.objects.submit_completion(user, key, 1.0)\n"
    )
    env = {
        **os.environ,
        "FACILITATOR_VAR": str(preview.var),
        "DJANGO_SETTINGS_MODULE": "scripts.preview.settings",
    }
    if preview.build_dir:
        env["FACILITATOR_BUILD"] = str(preview.build_dir)
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps([student, refs])],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_continue_opens_session_3_at_the_learners_resume_point(browser):
    student = learner()
    # Sessions 1 and 2 and their checkpoints are done (in Open edX's completion store)...
    complete_in_edx_completion(
        browser.preview,
        student,
        [
            ["chaptered_video", "session-1-video"],
            ["checkpoint_quiz", "session-1-quiz"],
            ["chaptered_video", "session-2-video"],
            ["checkpoint_quiz", "session-2-quiz"],
        ],
    )
    # ...and the learner stopped Session 3 at 42:10: the player reports that position to the server.
    jump(browser, SESSION_3, student)
    browser.switch_to.frame(browser.find_element(By.ID, "unit-iframe"))
    WebDriverWait(browser, 30).until(
        lambda d: d.execute_script(
            "var v = document.querySelector('.cv-video'); return v && v.readyState >= 1;"
        )
    )
    browser.execute_script("document.querySelector('.cv-video').currentTime = arguments[0];", AT_42_10)
    WebDriverWait(browser, 30).until(  # the seek's report answered: the server keeps the position
        lambda d: d.find_element(By.CSS_SELECTOR, ".cv-status").text == "Progress saved."
    )
    # The progress page now says "Resume Session 3: ... at 42:10"; Continue goes there.
    jump(browser, "progress", student)
    browser.switch_to.frame(browser.find_element(By.ID, "unit-iframe"))

    # The block swaps its learner part in again after a refresh: find the link afresh until a click lands.
    def click_resume(d):
        try:
            link = d.find_element(By.CSS_SELECTOR, ".fp-continue")
            if "Session 3" not in link.text or "at 42:10" not in link.text:
                return False
            assert link.get_attribute("target") == "_top"
            link.click()
            return True
        except StaleElementReferenceException:
            return False

    # The learner's state is the preview's: the whole-course page (127.0.0.1) offers the same Continue.
    with urllib.request.urlopen(browser.preview.url(f"/scenario/whole_course/?student={student}")) as page:
        assert "Resume Session 3: The Launch and Afterparty at 42:10" in page.read().decode("utf-8")
    WebDriverWait(browser, 30).until(click_resume)
    browser.switch_to.default_content()
    WebDriverWait(browser, 30).until(lambda d: "session-3-watch-unit" in d.current_url)
    unit_frame(browser)
    assert_only_jump_to_id_reached_the_iframe(browser)
    wait_for_video_at(browser, AT_42_10, CHAPTER_5)


def test_a_toolkit_watch_link_opens_session_3_at_its_chapter(browser):
    student = learner()
    jump(browser, "toolkit-emerging", student)
    browser.switch_to.frame(browser.find_element(By.ID, "unit-iframe"))
    link = WebDriverWait(browser, 30).until(
        lambda d: d.find_element(By.XPATH, "//p[@class='tk-watch']/a[.='Watch: Session 3, chapter 5']")
    )
    assert link.get_attribute("target") == "_top"
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", link)
    link.click()
    browser.switch_to.default_content()
    WebDriverWait(browser, 30).until(lambda d: "session-3-watch-unit" in d.current_url)
    unit_frame(browser)
    assert_only_jump_to_id_reached_the_iframe(browser)
    wait_for_video_at(browser, 41 * 60, CHAPTER_5)  # chapter 5 starts at 0:41:00


def test_a_watch_link_on_the_whole_course_page_opens_the_mfe_at_its_chapter(browser):
    """From the preview's own pages (127.0.0.1) the jump lands in the MFE; the fragment carries the second."""
    student = learner()
    browser.get(browser.preview.url(f"/scenario/whole_course/?student={student}"))
    link = WebDriverWait(browser, 30).until(
        lambda d: d.find_element(By.XPATH, "//p[@class='tk-watch']/a[.='Watch: Session 3, chapter 5']")
    )
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", link)
    link.click()
    WebDriverWait(browser, 30).until(lambda d: "session-3-watch-unit" in d.current_url)
    assert urlsplit(browser.current_url).netloc == f"apps.lms.localhost:{browser.preview.port}"
    unit_frame(browser)
    assert_only_jump_to_id_reached_the_iframe(browser)
    assert f"student={student}" in browser.find_element(By.ID, "unit-iframe").get_attribute("src")
    wait_for_video_at(browser, 41 * 60, CHAPTER_5)


def session_3_unit(browser, student, jump_to=True, fragment=""):
    sequence, unit = f"{KEY}sequential+block@session-3-watch", f"{KEY}vertical+block@session-3-watch-unit"
    path = f"/learning/course/{COURSE}/{sequence}/{unit}"
    query = {"student": student}
    if jump_to:
        query["jumpToId"] = f"{KEY}chaptered_video+block@{SESSION_3}"
    return mfe(browser, f"{path}?{urlencode(query)}{fragment}")


def hand_off(browser, student, seconds, age_ms=0):
    """What a link's click leaves: the hand-off record in the LMS origin's sessionStorage of this tab."""
    browser.switch_to.default_content()
    browser.get(lms(browser, "/jsi18n/"))  # any page of the LMS origin, at the top of this tab
    browser.execute_script(
        "sessionStorage.setItem('chaptered-video:seek:' + arguments[0],"
        " JSON.stringify({t: arguments[1], at: Date.now() - arguments[2]}));",
        SESSION_3,
        seconds,
        age_ms,
    )


def test_the_hand_off_alone_opens_the_video_when_the_mfe_dropped_the_fragment(browser):
    """The channel every link relies on: no fragment anywhere, only jumpToId and the tab's sessionStorage."""
    student = learner()
    hand_off(browser, student, AT_42_10)
    browser.get(session_3_unit(browser, student))
    unit_frame(browser)
    wait_for_video_at(browser, AT_42_10, CHAPTER_5)
    # Taken once: opening the unit again starts where the learner is, not at the hand-off.
    browser.switch_to.frame(browser.find_element(By.ID, "unit-iframe"))
    left = browser.execute_script(
        "return sessionStorage.getItem('chaptered-video:seek:' + arguments[0]);", SESSION_3
    )
    browser.switch_to.default_content()
    assert left is None


@pytest.mark.parametrize(
    "jump_to, age_ms",
    [(False, 0), (True, 10 * 60 * 1000)],
    ids=["unit-opened-without-a-jump-to-the-video", "hand-off-older-than-two-minutes"],
)
def test_a_hand_off_is_ignored_unless_fresh_and_meant_for_this_jump(browser, jump_to, age_ms):
    student = learner()
    hand_off(browser, student, AT_42_10, age_ms)
    browser.get(session_3_unit(browser, student, jump_to=jump_to))
    unit_frame(browser)
    WebDriverWait(browser, 30).until(lambda d: video_state(d) is not None)
    assert video_state(browser)[0] < 1


def test_the_mfes_hash_message_seeks_once(browser):
    """Channel 2: the MFE posts its page's fragment into the iframe after load and on every resize."""
    student = learner()
    browser.get(session_3_unit(browser, student, jump_to=False, fragment=f"#t={AT_42_10}&module={SESSION_3}"))
    unit_frame(browser)
    wait_for_video_at(browser, AT_42_10, CHAPTER_5)
    # The same fragment posted again (as the MFE does on each height change) does not pull the video back.
    browser.switch_to.frame(browser.find_element(By.ID, "unit-iframe"))
    browser.execute_script("document.querySelector('.cv-video').currentTime = 100;")
    browser.switch_to.default_content()
    browser.execute_script(
        "var f = document.getElementById('unit-iframe');"
        "f.contentWindow.postMessage({hashName: window.location.hash}, f.getAttribute('data-lms-origin'));"
    )
    wait_for_video_at(browser, 100, 0)
