"""The progress block in the preview: the page over HTTP, then a real browser, then ``report`` on its log."""

import csv
import json
import uuid

import pytest

from scripts.cli import main as cli_main
from tests.browser import screenshot

SCENARIO = "/scenario/facilitator_progress.0/"
PREVIEW_COURSE = "course-v1:NGSP+Facilitator+preview"


def test_demo_page_over_http_reads_the_blocks_beside_it(workbench, client):
    response = client.get(f"{SCENARIO}?student=ana")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Your progress" in text and "Start Demo session: a partnership meeting" in text
    assert "0 of 4 chapters watched" in text and "0 of 2 items checked" in text
    assert "FacilitatorProgressInit" in text and "Search the session transcripts" in text
    staff = client.get(f"{SCENARIO}?student=staff_1").content.decode()
    assert "Staff: progress of the cohort" in staff and "Staff:" not in text


@pytest.mark.browser
def test_learner_works_then_report_reads_the_preview_log(browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    student = f"progress-{uuid.uuid4().hex[:8]}"
    browser.get(browser.preview.url(f"{SCENARIO}?student={student}"))
    wait = WebDriverWait(browser, 30)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".fp .fp-search input")))

    # Tick one toolkit item, then reload: the progress block reads the toolkit's new state.
    box = wait.until(
        ec.element_to_be_clickable((By.CSS_SELECTOR, ".stage-toolkit input[data-item='industry']"))
    )
    box.click()
    wait.until(
        lambda d: "edx.stage_toolkit.item_checked" in _log_text(browser) and student in _log_text(browser)
    )
    browser.get(browser.preview.url(f"{SCENARIO}?student={student}"))
    wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".fp"), "1 of 2 items checked"))

    # Search the transcripts; the result opens the session at that second on this page.
    query = browser.find_element(By.CSS_SELECTOR, ".fp .fp-search input")
    query.send_keys("line at 70")
    browser.find_element(By.CSS_SELECTOR, ".fp .fp-search button").click()
    result = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, ".fp .fp-results a.fp-result")))
    assert "1:10" in result.text
    assert (
        "chapter 3: Public partners in a support role"
        in browser.find_element(By.CSS_SELECTOR, ".fp .fp-results .fp-result-meta").text
    )
    result.click()
    wait.until(
        lambda d: (
            d.execute_script(
                "var v = document.querySelector('[data-block-type=chaptered_video] video');"
                "return v ? Math.round(v.currentTime) : -1;"
            )
            == 70
        )
    )
    screenshot(browser, "progress-search-opened-session")

    # The report over the preview's own log counts what this learner did.
    out = tmp_path / "report"
    log = browser.preview.tracking_log
    assert cli_main(["report", str(log), "--out", str(out), "--course", PREVIEW_COURSE, "--quiet"]) == 0
    with open(out / "learners.csv", newline="", encoding="utf-8") as handle:
        row = next(r for r in csv.DictReader(handle) if r["username"] == student)
    assert row["demo-toolkit completion"] == "0.500"
    assert row["course_complete"] == "no"
    searched = [
        json.loads(line)
        for line in log.read_text(encoding="utf-8").splitlines()
        if student in line and "transcripts_searched" in line
    ]
    assert searched and searched[0]["event"]["results"] == 1


def _log_text(browser):
    path = browser.preview.tracking_log
    return path.read_text(encoding="utf-8") if path.exists() else ""


@pytest.mark.browser
def test_whole_course_progress_blocks_follow_work_done_on_the_same_page(browser):
    """No reload: the progress blocks at the top and the end of the whole course refresh when seen again."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    student = f"whole-{uuid.uuid4().hex[:8]}"
    browser.get(browser.preview.url(f"/scenario/whole_course/?student={student}"))
    wait = WebDriverWait(browser, 30)
    blocks = wait.until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "[data-block-type='facilitator_progress']")
    )
    assert len(blocks) == 2
    top, final = blocks
    planning = "Planning stage toolkit"
    wait.until(lambda d: _row(top, planning).endswith("0 of 4 items checked"))

    box = browser.find_element(
        By.CSS_SELECTOR, ".stage-toolkit input[data-item='region-agreed']"
    )  # the planning toolkit, far below the first progress block
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
    box.click()
    wait.until(lambda d: student in _log_text(browser) and "region-agreed" in _log_text(browser))

    # The last progress block was rendered with the page (0 items); scrolled to, it shows the tick.
    browser.execute_script("arguments[0].scrollIntoView({block: 'start'});", final)
    wait.until(lambda d: _row(final, planning).endswith("1 of 4 items checked"))
    # Back up to the first one (the welcome module's progress page): the same.
    browser.execute_script("arguments[0].scrollIntoView({block: 'start'});", top)
    wait.until(lambda d: _row(top, planning).endswith("1 of 4 items checked"))
    screenshot(browser, "progress-whole-course-refreshed")
    # The links still work after the swap: "Go there" brings the toolkit's top into view, not under the
    # preview's fixed banner.
    go = top.find_element(By.XPATH, f".//a[contains(@class,'fp-go')][contains(., '({planning})')]")
    go.click()
    toolkit = box.find_element(By.XPATH, "./ancestor::*[@data-block-type='stage_toolkit'][1]")
    wait.until(
        lambda d: d.execute_script(
            "var r = arguments[0].getBoundingClientRect();"
            "var seen = document.elementFromPoint(r.left + 20, r.top + 20);"
            "return r.top >= 0 && r.top < 200 && arguments[0].contains(seen);",
            toolkit,
        )
    )


def _row(block, label):
    """The text of the progress row labelled ``label`` (whitespace collapsed; read in one script, since the
    learner part is swapped in again when the block refreshes)."""
    texts = block.parent.execute_script(
        "return Array.from(arguments[0].querySelectorAll('.fp-row')).map(function (r) {"
        "  return r.textContent.split(/\\s+/).join(' ').trim(); });",
        block,
    )
    for text in texts:
        if text.startswith(label):
            return text.split(" Go there")[0]
    return ""
