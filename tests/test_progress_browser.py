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
