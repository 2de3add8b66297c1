"""The live preview in real headless Chromium: the index lists every block; staff see more than learners."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser import screenshot

pytestmark = pytest.mark.browser

BLOCKS = ("chaptered_video", "checkpoint_quiz", "stage_toolkit", "facilitator_progress")


def _visible_lines(browser):
    body = browser.find_element(By.CSS_SELECTOR, ".preview")
    return {line.strip() for line in body.text.splitlines() if line.strip()}


def test_index_lists_every_block_scenario(browser):
    browser.get(browser.preview.url("/"))
    WebDriverWait(browser, 20).until(EC.presence_of_element_located((By.CSS_SELECTOR, "a")))
    hrefs = [a.get_attribute("href") or "" for a in browser.find_elements(By.CSS_SELECTOR, "a")]
    for block in BLOCKS:
        assert any(f"/scenario/{block}.0/" in href for href in hrefs), f"no preview page for {block}"
    screenshot(browser, "preview-index")


@pytest.mark.parametrize("block", ["checkpoint_quiz", "stage_toolkit", "chaptered_video"])
def test_staff_see_a_staff_view_learners_do_not(browser, block):
    browser.get(browser.preview.url(f"/scenario/{block}.0/?student=gf_learner"))
    WebDriverWait(browser, 20).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, ".preview [data-block-type]"))
    )
    learner = _visible_lines(browser)
    browser.get(browser.preview.url(f"/scenario/{block}.0/?student=staff_gf"))
    WebDriverWait(browser, 20).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, ".preview [data-block-type]"))
    )
    staff = _visible_lines(browser)
    assert staff - learner, f"{block}: the staff page shows nothing the learner page does not"
    screenshot(browser, f"staff-{block}")
