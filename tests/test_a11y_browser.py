"""Accessibility of every preview page in real headless Chromium: axe-core, the console, a keyboard walk.

One crawl per test module visits every page the preview lists (the index, each scenario, the whole
course) as a learner and as staff, at desktop width and as a 360 x 740 phone; it runs axe-core on each
and keeps the console's errors and the media each page asks for. The tests below assert on that crawl;
the keyboard walk then does everything a learner and a trainer do with the keyboard alone. Last, every
unit of the preview's Learning MFE page (another origin framing the unit from the LMS origin) is checked
with axe-core on both documents, the console, and sideways scrolling on a phone.
"""

import contextlib
import urllib.parse
import urllib.request

import pytest

from tests.a11y import (
    FOCUS_STYLE,
    HORIZONTAL,
    LEARNER,
    SETTLED,
    STAFF,
    axe_source,
    open_page,
    phone,
    preview_pages,
    serious_violations,
)
from tests.browser import console_errors, screenshot

pytestmark = pytest.mark.browser

MEDIA_URLS = """
return Array.prototype.map.call(document.querySelectorAll("video source, video track"), function (el) {
  return el.getAttribute("data-srt-src") || el.getAttribute("src") || "";
}).filter(function (src) { return src && src.indexOf("blob:") !== 0; });
"""


@pytest.fixture(scope="module")
def crawl(_driver, preview_server):
    """``[{width, user, page, violations, errors, size, media}]`` for every page, user and width."""
    source = axe_source()
    pages = preview_pages(preview_server)
    driver = _driver
    console_errors(driver)  # what earlier modules left in the log is theirs
    found = []
    for width in ("desktop", "phone"):
        with phone(driver) if width == "phone" else contextlib.nullcontext():
            for user in (LEARNER, STAFF):
                for page in pages:
                    url = preview_server.url(f"{page}?student={user}")
                    open_page(driver, url)
                    violations = serious_violations(driver, source)
                    found.append(
                        {
                            "width": width,
                            "user": user,
                            "page": page,
                            "url": url,
                            "violations": violations,
                            "size": driver.execute_script(HORIZONTAL),
                            "media": driver.execute_script(MEDIA_URLS),
                            "errors": console_errors(driver),
                        }
                    )
    return found


def _describe(entries):
    lines = []
    for entry in entries:
        for v in entry["violations"]:
            lines.append(
                f"{entry['page']} as {entry['user']} ({entry['width']}): {v['impact']} {v['id']} "
                f"({v['help']}) at {'; '.join(v['targets'][:5])}"
            )
    return "\n".join(lines)


def test_the_crawl_covers_every_listed_page(crawl):
    from xblocks.chaptered_video.scenarios import SCENARIOS as VIDEO
    from xblocks.checkpoint_quiz.scenarios import SCENARIOS as QUIZ
    from xblocks.facilitator_progress.scenarios import workbench_scenarios as progress
    from xblocks.stage_toolkit.scenarios import workbench_scenarios as toolkit

    pages = {entry["page"] for entry in crawl}
    expected = {"/", "/scenario/whole_course/"}
    for name, scenarios in (
        ("chaptered_video", VIDEO),
        ("checkpoint_quiz", QUIZ),
        ("stage_toolkit", toolkit()),
        ("facilitator_progress", progress()),
    ):
        expected |= {f"/scenario/{name}.{i}/" for i in range(len(scenarios))}
    assert expected <= pages
    assert {(e["width"], e["user"]) for e in crawl} == {
        (w, u) for w in ("desktop", "phone") for u in (LEARNER, STAFF)
    }
    assert len(crawl) == 4 * len(pages)


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_axe_finds_no_serious_or_critical_violation(crawl, width):
    entries = [e for e in crawl if e["width"] == width]
    assert entries
    assert not [e for e in entries if e["violations"]], "\n" + _describe(entries)


def test_console_has_no_error_on_any_page(crawl):
    errors = [f"{e['page']} as {e['user']} ({e['width']}): {m}" for e in crawl for m in e["errors"]]
    assert errors == []


def test_no_page_scrolls_sideways_on_a_phone(crawl):
    wide = [
        (e["page"], e["user"], e["size"])
        for e in crawl
        if e["width"] == "phone" and e["size"][0] > e["size"][1]
    ]
    assert wide == []
    assert all(e["size"][1] == 360 for e in crawl if e["width"] == "phone")  # laid out at device width


def _get(url, limit=4096):
    request = urllib.request.Request(url, headers={"Range": f"bytes=0-{limit - 1}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read()


def test_every_media_file_and_track_the_pages_ask_for_is_served(crawl):
    asked = {}
    for entry in crawl:
        for src in entry["media"]:
            asked.setdefault(urllib.parse.urljoin(entry["url"], src), entry["page"])
    assert any(url.endswith("/static/demo-clip.m3u8") for url in asked)
    assert any(url.endswith("/static/demo-clip.en.srt") for url in asked)
    missing = []
    for url, page in sorted(asked.items()):
        try:
            status, body = _get(url)
        except OSError as err:
            missing.append(f"{url} (on {page}): {err}")
            continue
        assert status in (200, 206) and body, url
        if url.endswith(".m3u8"):  # the playlist's segments too
            text = _get(url, 1 << 20)[1].decode("utf-8")
            for line in text.splitlines():
                if line and not line.startswith("#"):
                    try:
                        _get(urllib.parse.urljoin(url, line), 188)
                    except OSError as err:
                        missing.append(f"{line} of {url}: {err}")
    assert missing == []


# --- the keyboard walk ------------------------------------------------------------------------------


def wait_for(driver, script, timeout=20, message=""):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.2).until(
        lambda d: d.execute_script(script), message or script
    )


class Keyboard:
    """Real key presses (to whatever has focus); every stop of Tab is checked for a visible focus style."""

    def __init__(self, driver):
        self.driver = driver
        self.unstyled = []

    def press(self, *keys):
        from selenium.webdriver.common.action_chains import ActionChains

        ActionChains(self.driver).send_keys(*keys).perform()

    def focused(self, selector):
        return self.driver.execute_script(
            "return !!document.activeElement && document.activeElement.matches(arguments[0])", selector
        )

    def check_focus(self):
        style = self.driver.execute_script(FOCUS_STYLE)
        if style and style["tag"] != "VIDEO" and not style["visible"]:  # <video>: the browser's own controls
            self.unstyled.append(f"{style['tag']}.{style['cls']}: {style['outline']}")

    def tab_to(self, selector, limit=80, back=False):
        from selenium.webdriver.common.keys import Keys

        for _ in range(limit):
            self.press(Keys.SHIFT + Keys.TAB if back else Keys.TAB)
            self.check_focus()
            if self.focused(selector):
                return
        raise AssertionError(f"Tab never reached {selector}")


def test_keyboard_only_video_walk(browser):
    from selenium.webdriver.common.keys import Keys

    keys = Keyboard(browser)
    open_page(browser, browser.preview.url(f"/scenario/chaptered_video.0/?student={LEARNER}_video"))
    wait_for(browser, "return document.querySelector('.cv-video').readyState >= 1", message="metadata")
    video = "document.querySelector('.cv-video')"

    keys.tab_to(".cv-play")  # play and pause
    keys.press(Keys.ENTER)
    wait_for(browser, f"return !{video}.paused && {video}.currentTime > 0.3", message="playing")
    keys.press(Keys.SPACE)
    wait_for(browser, f"return {video}.paused", message="paused")

    keys.tab_to(".cv-captions")  # captions on
    keys.press(Keys.ENTER)
    assert (
        browser.execute_script("return document.querySelector('.cv-captions-track').track.mode") == "showing"
    )
    assert (
        browser.execute_script("return document.querySelector('.cv-captions').getAttribute('aria-pressed')")
        == "true"
    )

    keys.tab_to(".cv-chapter-button")  # jump to chapter 3 (1:00): arrows move between chapters
    keys.press(Keys.ARROW_DOWN, Keys.ARROW_DOWN)
    keys.check_focus()
    keys.press(Keys.ENTER)
    wait_for(browser, f"return Math.abs({video}.currentTime - 60) < 0.5", message="chapter 3")
    wait_for(
        browser,
        "return document.querySelector('.cv-chapter[data-index=\"2\"]').classList.contains('cv-current')",
    )

    keys.tab_to(".cv-search")  # search the transcript, open a result
    keys.press("line at 90")
    wait_for(browser, "return document.querySelectorAll('.cv-match').length === 1", message="one match")
    keys.tab_to(".cv-match")
    keys.press(Keys.ENTER)
    wait_for(browser, f"return Math.abs({video}.currentTime - 90) < 0.5", message="seek from search")

    keys.tab_to('.cv-cue[data-cue="3"]')  # seek by a transcript line (0:30)
    keys.press(Keys.ENTER)
    wait_for(browser, f"return Math.abs({video}.currentTime - 30) < 0.5", message="seek from the transcript")

    keys.tab_to(".cv-player", back=True)  # the player's own keys: K plays and pauses
    keys.press("k")
    wait_for(browser, f"return !{video}.paused", message="K plays")
    keys.press("k")
    wait_for(browser, f"return {video}.paused", message="K pauses")
    assert keys.unstyled == []
    screenshot(browser, "a11y-keyboard-video")


def test_keyboard_only_quiz_walk(browser):
    from selenium.webdriver.common.keys import Keys

    keys = Keyboard(browser)
    open_page(browser, browser.preview.url(f"/scenario/checkpoint_quiz.0/?student={LEARNER}_quiz"))
    right = {
        "industry-driven": ["industry"],
        "stages": ["planning", "emerging", "sustaining"],
        "wioa": ["true"],
    }
    for number in (1, 2, 3):
        question = f'.cq-question[id$="-q{number}"]'
        keys.tab_to(f"{question} input")
        qid = browser.execute_script(f"return document.querySelector('{question}').dataset.question")
        kind = browser.execute_script("return document.activeElement.type")
        wanted = right[qid]
        if kind == "radio":  # arrows move the choice within the group
            for _ in range(6):
                if browser.execute_script("return document.activeElement.value") in wanted:
                    break
                keys.press(Keys.ARROW_DOWN)
            keys.press(Keys.SPACE)
        else:  # checkboxes: Space ticks, Tab moves on
            count = browser.execute_script(f"return document.querySelectorAll('{question} input').length")
            for index in range(count):
                if browser.execute_script("return document.activeElement.value") in wanted:
                    keys.press(Keys.SPACE)
                if index < count - 1:
                    keys.press(Keys.TAB)
                    keys.check_focus()
    chosen = browser.execute_script(
        "var a = {}; document.querySelectorAll('.cq-question').forEach(function (q) {"
        "  a[q.dataset.question] = Array.prototype.filter.call(q.querySelectorAll('input'),"
        "    function (i) { return i.checked; }).map(function (i) { return i.value; }).sort(); });"
        "return a;"
    )
    assert chosen == {qid: sorted(ids) for qid, ids in right.items()}
    keys.tab_to(".cq-submit")
    keys.press(Keys.ENTER)
    wait_for(browser, "return document.querySelector('.cq-verdict') !== null", message="the server's answer")
    assert "You passed." in browser.find_element("css selector", ".cq-result").text
    assert keys.focused(".cq-result")  # focus follows the answer (the submit button is now disabled)
    keys.check_focus()
    assert keys.unstyled == []


def test_keyboard_only_toolkit_walk(browser):
    from selenium.webdriver.common.keys import Keys

    keys = Keyboard(browser)
    user = f"{LEARNER}_toolkit"
    open_page(browser, browser.preview.url(f"/scenario/stage_toolkit.0/?student={user}"))
    keys.tab_to(".tk-checklist input[type=checkbox]")  # tick the first item
    keys.press(Keys.SPACE)
    wait_for(browser, "return /^1 of 4/.test(document.querySelector('.tk-progress').textContent.trim())")
    keys.tab_to(".tk-reflection textarea")  # write and save a reflection (saved as it is typed)
    keys.press("Advanced manufacturing: shared hiring needs.")
    wait_for(
        browser,
        "return document.querySelector('.tk-reflection [data-role=status]').textContent.trim() === 'Saved'",
        message="reflection saved",
    )
    assert keys.unstyled == []
    open_page(
        browser, browser.preview.url(f"/scenario/stage_toolkit.0/?student={user}")
    )  # the server kept both
    assert browser.execute_script("return document.querySelector('.tk-checklist input').checked") is True
    text = browser.execute_script("return document.querySelector('.tk-reflection textarea').value")
    assert text == "Advanced manufacturing: shared hiring needs."


def test_keyboard_reaches_the_staff_table_on_a_phone(browser):
    from selenium.webdriver.common.keys import Keys

    keys = Keyboard(browser)
    # A learner's visit puts a row in the staff matrix (the page records it through its snapshot handler).
    open_page(browser, browser.preview.url(f"/scenario/facilitator_progress.0/?student={LEARNER}_matrix"))
    wait_for(
        browser,
        "return performance.getEntriesByType('resource').some(function (e) {"
        "  return e.name.indexOf('/snapshot') !== -1 && e.responseEnd > 0; })",
        message="the visit recorded",
    )
    with phone(browser):
        open_page(browser, browser.preview.url(f"/scenario/facilitator_progress.0/?student={STAFF}"))
        keys.tab_to(".fp-matrix-wrap")
        name = browser.execute_script(
            "var el = document.activeElement;"
            "return document.getElementById(el.getAttribute('aria-labelledby')).textContent.trim()"
        )
        assert name.startswith("Completion per learner and module")
        wide = browser.execute_script(
            "var w = document.querySelector('.fp-matrix-wrap'); return w.scrollWidth > w.clientWidth"
        )
        if wide:  # scrolled sideways by the arrow keys once it has focus
            keys.press(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
            wait_for(browser, "return document.querySelector('.fp-matrix-wrap').scrollLeft > 0")
        assert keys.unstyled == []
        screenshot(browser, "a11y-staff-matrix-phone")


# --- the Learning MFE page (scripts/preview/mfe.py): each unit framed from the LMS origin ---------------

MFE_COURSE = "course-v1:NGSP+Facilitator+preview"
# Every unit is checked once, the four (width, user) pairs taking turns; the whole-course page above holds
# the same blocks and is checked in all four.
MFE_TURNS = (("desktop", LEARNER), ("phone", STAFF), ("phone", LEARNER), ("desktop", STAFF))


def _with_student(url, user):
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query) + [("student", user)]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def test_every_unit_in_the_learning_mfe_page_passes_axe_and_the_console(browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    source = axe_source()
    url = f"http://apps.lms.localhost:{browser.preview.port}/learning/course/{MFE_COURSE}/"
    console_errors(browser)
    problems, visited = [], 0
    while url and visited < 60:
        width, user = MFE_TURNS[visited % len(MFE_TURNS)]
        visited += 1
        with phone(browser) if width == "phone" else contextlib.nullcontext():
            browser.get(_with_student(url, user))
            WebDriverWait(browser, 30).until(
                lambda d: int(d.find_element(By.ID, "unit-iframe").get_attribute("height") or 0) > 50
            )
            frame = browser.find_element(By.ID, "unit-iframe")
            where = f"{browser.current_url.rsplit('@', 1)[-1]} as {user} ({width})"
            found = [(where, v) for v in serious_violations(browser, source)]
            top = browser.execute_script(HORIZONTAL)
            nexts = browser.find_elements(By.CSS_SELECTOR, "a.mfe-next")
            url = nexts[0].get_attribute("href") if nexts else None
            browser.switch_to.frame(frame)
            try:
                WebDriverWait(browser, 20, 0.2).until(lambda d: d.execute_script(SETTLED), where)
                found += [(f"{where}, in the unit's iframe", v) for v in serious_violations(browser, source)]
                inside = browser.execute_script(HORIZONTAL)
            finally:
                browser.switch_to.default_content()
        problems += [f"{w}: {v['impact']} {v['id']} at {'; '.join(v['targets'][:5])}" for w, v in found]
        problems += [f"{where}: console: {message}" for message in console_errors(browser)]
        if width == "phone" and (top[0] > top[1] or inside[0] > inside[1]):
            problems.append(f"{where}: scrolls sideways (page {top}, unit {inside})")
    assert visited >= 10, "the Learning MFE page lists the course's units"
    assert problems == []
