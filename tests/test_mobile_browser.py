"""The four blocks on a phone, in real headless Chromium: 360 x 740 CSS px, touch, the page at device width.

The Open edX LMS and Learning MFE lay a unit out at the device's width; the preview's pages declare the
same viewport. Each block page must fit without sideways scrolling, keep every control at least
24 x 24 px, put the video's chapter list below the video, and answer real taps (touch events).
"""

import pytest

from tests.a11y import BLOCK_ROOTS, HORIZONTAL, SMALL_TARGETS, STAFF, open_page, phone
from tests.browser import screenshot

pytestmark = pytest.mark.browser

BLOCK_PAGES = (
    "/scenario/chaptered_video.0/",
    "/scenario/chaptered_video.1/",
    "/scenario/checkpoint_quiz.0/",
    "/scenario/stage_toolkit.0/",
    "/scenario/facilitator_progress.0/",
)

# Each block's root and everything in it within the window (a block may not be wider than the phone).
WIDE_BLOCKS = """
var w = document.documentElement.clientWidth;
return Array.prototype.filter.call(document.querySelectorAll(arguments[0]), function (root) {
  return root.getBoundingClientRect().right > w + 0.5 || root.scrollWidth > root.clientWidth + 1;
}).map(function (root) { return root.className + " " + root.scrollWidth + "px"; });
"""


def wait_for(driver, script, timeout=20, message=""):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.2).until(
        lambda d: d.execute_script(script), message or script
    )


def tap(driver, element):
    """A real tap (touch pointer down and up at the element's centre), after scrolling it into view."""
    from selenium.webdriver.common.actions import interaction
    from selenium.webdriver.common.actions.action_builder import ActionBuilder
    from selenium.webdriver.common.actions.pointer_input import PointerInput

    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    hit = driver.execute_script(
        "var r = arguments[0].getBoundingClientRect();"
        "var el = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);"
        "return el === arguments[0] || arguments[0].contains(el) ||"
        "  (arguments[0].labels && Array.prototype.some.call(arguments[0].labels, function (l) {"
        "    return l.contains(el); }));",
        element,
    )
    assert hit, "something covers the control: a tap would miss it"
    finger = PointerInput(interaction.POINTER_TOUCH, "finger")
    actions = ActionBuilder(driver, mouse=finger)
    actions.pointer_action.move_to(element).pointer_down().pause(0.05).pointer_up()
    actions.perform()


@pytest.fixture
def handset(browser):
    with phone(browser):
        yield browser


@pytest.mark.parametrize("user", ["phone_learner", STAFF])
def test_every_block_fits_a_phone_with_24px_controls(handset, user):
    problems = []
    for page in BLOCK_PAGES:
        open_page(handset, handset.preview.url(f"{page}?student={user}"))
        width, client = handset.execute_script(HORIZONTAL)
        assert client == 360, "the page is not laid out at the device's width"
        if width > client:
            problems.append(f"{page}: the page is {width} px wide")
        problems += [f"{page}: block {b}" for b in handset.execute_script(WIDE_BLOCKS, BLOCK_ROOTS)]
        problems += [f"{page}: small target {t}" for t in handset.execute_script(SMALL_TARGETS, BLOCK_ROOTS)]
    assert problems == []


def test_video_chapters_sit_below_the_video_and_answer_a_tap(handset):
    open_page(handset, handset.preview.url("/scenario/chaptered_video.0/?student=phone_video"))
    wait_for(handset, "return document.querySelector('.cv-video').readyState >= 1", message="metadata")
    layout = handset.execute_script(
        "var v = document.querySelector('.cv-video').getBoundingClientRect(),"
        "    c = document.querySelector('.cv-chapters').getBoundingClientRect();"
        "return {videoBottom: v.bottom, videoWidth: v.width, chaptersTop: c.top, chaptersWidth: c.width};"
    )
    assert layout["chaptersTop"] >= layout["videoBottom"]  # below, not beside
    assert layout["videoWidth"] > 300 and layout["chaptersWidth"] > 300  # each the width of the phone
    third = handset.find_element("css selector", '.cv-chapter[data-index="2"] .cv-chapter-button')
    tap(handset, third)
    wait_for(handset, "return Math.abs(document.querySelector('.cv-video').currentTime - 60) < 0.5")
    play = handset.find_element("css selector", ".cv-play")
    tap(handset, play)
    wait_for(handset, "return !document.querySelector('.cv-video').paused", message="a tap plays")
    tap(handset, play)
    wait_for(handset, "return document.querySelector('.cv-video').paused", message="a tap pauses")
    screenshot(handset, "phone-video")


def test_quiz_is_answered_and_submitted_by_touch(handset):
    right = {
        "industry-driven": ["industry"],
        "stages": ["planning", "emerging", "sustaining"],
        "wioa": ["true"],
    }
    open_page(handset, handset.preview.url("/scenario/checkpoint_quiz.0/?student=phone_quiz"))
    for qid, wanted in right.items():
        for choice in wanted:
            selector = f'.cq-question[data-question="{qid}"] input[value="{choice}"]'
            label = handset.find_element("css selector", f"{selector} + label")
            tap(handset, label)  # the label is the larger target: tapping it checks its input
            assert handset.find_element("css selector", selector).is_selected(), selector
    tap(handset, handset.find_element("css selector", ".cq-submit"))
    wait_for(handset, "return document.querySelector('.cq-verdict') !== null", message="the server's answer")
    assert "You passed." in handset.find_element("css selector", ".cq-result").text
    width, client = handset.execute_script(HORIZONTAL)
    assert width <= client  # the feedback and answers shown after passing still fit
    screenshot(handset, "phone-quiz")


def test_checklist_is_ticked_by_touch_and_kept(handset):
    url = handset.preview.url("/scenario/stage_toolkit.0/?student=phone_toolkit")
    open_page(handset, url)
    boxes = handset.find_elements("css selector", ".tk-checklist input[type=checkbox]")
    tap(handset, boxes[0])
    tap(handset, handset.find_element("css selector", f'label[for="{boxes[2].get_attribute("id")}"]'))
    wait_for(handset, "return /^2 of 4/.test(document.querySelector('.tk-progress').textContent.trim())")
    open_page(handset, url)
    ticked = handset.execute_script(
        "return Array.prototype.map.call(document.querySelectorAll('.tk-checklist input'),"
        " function (b) { return b.checked; })"
    )
    assert ticked == [True, False, True, False]
    screenshot(handset, "phone-toolkit")


def test_staff_charts_keep_their_text_size_and_scroll_on_a_phone(handset):
    open_page(handset, handset.preview.url(f"/scenario/facilitator_progress.0/?student={STAFF}"))
    charts = handset.execute_script(
        "return Array.prototype.map.call(document.querySelectorAll('.fp-chart-scroll'), function (box) {"
        "  var svg = box.querySelector('svg');"
        "  return {drawn: svg.width.baseVal.value, shown: svg.getBoundingClientRect().width,"
        "          scrolls: box.scrollWidth > box.clientWidth, tabindex: box.getAttribute('tabindex')}; })"
    )
    assert charts, "the staff view draws its charts"
    for chart in charts:
        assert abs(chart["shown"] - chart["drawn"]) < 1  # not shrunk: 12 px labels stay 12 px
        assert chart["tabindex"] == "0"  # a keyboard can scroll what does not fit
    assert any(chart["scrolls"] for chart in charts)
    width, client = handset.execute_script(HORIZONTAL)
    assert width <= client
