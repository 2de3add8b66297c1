"""Checkpoint quiz in the preview: the workbench over HTTP, and a real browser answering wrong, then right."""

import json
import re
import uuid

import pytest

from tests.browser import screenshot
from tests.conftest import read_tracking_log

SCENARIO = "/scenario/checkpoint_quiz.0/"
RIGHT = {"industry-driven": ["industry"], "stages": ["planning", "emerging", "sustaining"], "wioa": ["true"]}


def _block_part(page):
    """The page without the workbench's debug section (which prints the scenario's XML source)."""
    return page.split('<section class="debug">', 1)[0]


def _usage_id(page):
    match = re.search(r"data-usage=['\"]([^'\"]+)['\"][^>]*data-block-type=['\"]checkpoint_quiz", page)
    return match.group(1)


def test_workbench_scenario_renders_and_submits(workbench, client):
    response = client.get(f"{SCENARIO}?student=ana")
    assert response.status_code == 200
    page = _block_part(response.content.decode())
    assert "Session 1 checkpoint" in page and "Who takes the lead role" in page
    assert "Effective sector partnerships are industry-driven and community-supported" not in page
    url = f"/handler/{_usage_id(page)}/submit/?student=ana"

    bad = client.post(url, data=b'{"answers": {"wioa": ["true"]}}', content_type="application/json")
    assert bad.status_code == 400 and json.loads(bad.content)["unanswered"] == ["industry-driven", "stages"]

    good = client.post(url, data=json.dumps({"answers": RIGHT}), content_type="application/json")
    assert good.status_code == 200
    body = json.loads(good.content)
    assert body["status"]["passed"] is True and body["status"]["attempts_used"] == 1

    records = read_tracking_log(workbench.TRACKING_LOG)
    types = [r["event_type"] for r in records]
    assert "edx.checkpoint_quiz.submitted" in types and "edx.checkpoint_quiz.passed" in types
    assert "edx.grades.problem.submitted" in types
    submitted = next(r for r in records if r["event_type"] == "edx.checkpoint_quiz.submitted")
    assert submitted["username"] == "ana" and submitted["event"]["module_id"] == "session-1-quiz"

    again = _block_part(client.get(f"{SCENARIO}?student=ben").content.decode())
    assert "Effective sector partnerships are industry-driven and community-supported" not in again
    staff = client.get(f"{SCENARIO}?student=staff_1").content.decode()
    assert "Class results (staff only)" in staff and "Pass rate: 100%" in staff


@pytest.mark.browser
def test_browser_wrong_then_right(browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    student = f"quiz-{uuid.uuid4().hex[:8]}"
    browser.get(browser.preview.url(f"{SCENARIO}?student={student}"))
    wait = WebDriverWait(browser, 20)
    quiz = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".checkpoint-quiz")))

    def click(element):
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        element.click()

    def choose(question, labels):
        fieldset = quiz.find_element(By.CSS_SELECTOR, f'fieldset[data-question="{question}"]')
        for label in fieldset.find_elements(By.TAG_NAME, "label"):
            if label.text in labels:
                click(label)  # centred first: at the page's top edge the banner would take the click
        return fieldset

    def result_text():
        return quiz.find_element(By.CSS_SELECTOR, ".cq-result").text

    # Submitting an empty form: refused, the learner lands on the first unanswered question.
    click(quiz.find_element(By.CSS_SELECTOR, ".cq-submit"))
    wait.until(lambda _d: "questions 1, 2, 3 are unanswered" in result_text())
    focused = browser.switch_to.active_element
    assert focused.get_attribute("name") and focused.get_attribute("type") == "radio"
    assert len(quiz.find_elements(By.CSS_SELECTOR, 'fieldset[aria-invalid="true"]')) == 3

    first = choose("industry-driven", {"Community colleges"})
    choose("stages", {"Planning"})
    choose("wioa", {"False"})
    click(quiz.find_element(By.CSS_SELECTOR, ".cq-submit"))
    wait.until(lambda _d: "Your score: 0%" in result_text())
    feedback = first.find_element(By.CSS_SELECTOR, ".cq-feedback").text
    assert "Not right." in feedback and "Education partners play a supportive role" in feedback
    assert "Correct answer" not in quiz.text and "Attempts used: 1 of 3." in result_text()
    screenshot(browser, "checkpoint-quiz-wrong")

    retry = quiz.find_element(By.CSS_SELECTOR, ".cq-retry")
    assert retry.is_displayed() and browser.switch_to.active_element == retry
    retry.send_keys(Keys.ENTER)  # keyboard only
    assert not any(i.is_selected() for i in quiz.find_elements(By.CSS_SELECTOR, "input"))
    assert "Your score: 0%" in result_text()  # the record stays

    choose("industry-driven", {"Industry"})
    choose("stages", {"Planning", "Emerging", "Sustaining"})
    choose("wioa", {"True"})
    click(quiz.find_element(By.CSS_SELECTOR, ".cq-submit"))
    wait.until(lambda _d: "You passed." in result_text())
    assert "Your score: 100%" in result_text()
    assert "Correct answer: Industry" in first.find_element(By.CSS_SELECTOR, ".cq-feedback").text
    # Passing showed the answers: the quiz is closed, and focus moved to the result, not lost.
    assert "the quiz is closed" in result_text()
    assert not quiz.find_element(By.CSS_SELECTOR, ".cq-retry").is_displayed()
    assert "cq-result" in browser.switch_to.active_element.get_attribute("class")
    path = screenshot(browser, "checkpoint-quiz-passed")
    assert path.exists()

    browser.refresh()
    quiz = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".checkpoint-quiz")))
    wait.until(lambda _d: "You passed." in quiz.find_element(By.CSS_SELECTOR, ".cq-result").text)

    records = read_tracking_log(browser.preview.tracking_log)
    mine = [r for r in records if r.get("username") == student]
    assert [r["event_type"] for r in mine if r["event_type"].startswith("edx.checkpoint_quiz")] == [
        "edx.checkpoint_quiz.submitted",
        "edx.checkpoint_quiz.submitted",
        "edx.checkpoint_quiz.passed",
    ]
