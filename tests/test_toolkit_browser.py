"""The toolkit in the preview: the workbench page over HTTP, then a real browser that ticks and writes."""

import json
import uuid

import pytest

from tests.browser import screenshot
from tests.conftest import read_tracking_log

SCENARIO = "/scenario/stage_toolkit.0/"


def test_workbench_page_and_handler_over_http(workbench, client):
    response = client.get(f"{SCENARIO}?student=ana")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Planning stage toolkit" in text and "Watch: Session 2, chapter 2" in text
    assert "StageToolkitInit" in text
    marker = "data-usage='"
    usage = text[text.index(marker) + len(marker) :].split("'", 1)[0]
    url = f"/handler/{usage}/toggle_item/?student=ana"
    answer = client.post(
        url, json.dumps({"item": "region", "checked": True}), content_type="application/json"
    )
    assert answer.status_code == 200 and json.loads(answer.content)["checked"] == ["region"]
    bad = client.post(url, json.dumps({"item": "nope", "checked": True}), content_type="application/json")
    assert bad.status_code == 400 and "nope" in json.loads(bad.content)["error"]
    records = [
        r
        for r in read_tracking_log(workbench.TRACKING_LOG)
        if r["event_type"].startswith("edx.stage_toolkit")
    ]
    assert [(r["event_type"], r["username"], r["event"]["item"]) for r in records] == [
        ("edx.stage_toolkit.item_checked", "ana", "region")
    ]
    again = client.get(f"{SCENARIO}?student=ana").content.decode()
    assert 'data-item="region" checked>' in again
    assert 'data-item="region">' in client.get(f"{SCENARIO}?student=ben").content.decode()


@pytest.mark.browser
def test_ticks_and_reflection_survive_a_reload(browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    student = f"toolkit-{uuid.uuid4().hex[:8]}"
    browser.get(browser.preview.url(f"{SCENARIO}?student={student}"))
    wait = WebDriverWait(browser, 20)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".stage-toolkit input[data-item='region']")))

    def box(item):
        return browser.find_element(By.CSS_SELECTOR, f".stage-toolkit input[data-item='{item}']")

    progress = browser.find_element(By.CSS_SELECTOR, ".stage-toolkit [data-role=progress]")
    box("region").click()
    wait.until(lambda d: "1 of 4" in progress.text)
    box("industry").send_keys(" ")  # keyboard: space toggles a focused checkbox
    wait.until(lambda d: "2 of 4" in progress.text)

    area = browser.find_element(By.CSS_SELECTOR, ".stage-toolkit textarea[data-reflection='industry-scope']")
    status = browser.find_element(By.CSS_SELECTOR, ".stage-toolkit .tk-reflection [data-role=status]")
    text = "Advanced manufacturing <b>first</b>: the region's largest employers share the need."
    area.send_keys(text)
    wait.until(lambda d: status.text == "Saved")  # debounced save while typing, no blur needed
    assert status.get_attribute("aria-live") == "polite"
    screenshot(browser, "stage-toolkit-saved")

    browser.refresh()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".stage-toolkit input[data-item='region']")))
    assert box("region").is_selected() and box("industry").is_selected()
    assert not box("team-agreed").is_selected()
    area = browser.find_element(By.CSS_SELECTOR, ".stage-toolkit textarea[data-reflection='industry-scope']")
    assert area.get_attribute("value") == text
    assert (
        "2 of 4 checklist items checked"
        in browser.find_element(By.CSS_SELECTOR, ".stage-toolkit [data-role=progress]").text
    )

    browser.execute_script("window.scrollTo(0, 0)")
    screenshot(browser, "stage-toolkit-reloaded")

    browser.get(browser.preview.url(f"{SCENARIO}?student=staff_{student}"))
    staff = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".stage-toolkit .tk-staff")))
    assert "learners have used this toolkit" in staff.text or "learner has used this toolkit" in staff.text
    browser.execute_script("arguments[0].scrollIntoView()", staff)
    screenshot(browser, "stage-toolkit-staff")

    events = [
        r
        for r in read_tracking_log(browser.preview.tracking_log)
        if r["username"] == student and r["event_type"].startswith("edx.stage_toolkit")
    ]
    kinds = [r["event_type"] for r in events]
    assert kinds.count("edx.stage_toolkit.item_checked") == 2
    assert "edx.stage_toolkit.reflection_saved" in kinds


@pytest.mark.browser
def test_too_long_reflection_shows_the_server_error(browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    student = f"toolkit-{uuid.uuid4().hex[:8]}"
    browser.get(browser.preview.url(f"{SCENARIO}?student={student}"))
    wait = WebDriverWait(browser, 20)
    area = wait.until(
        ec.presence_of_element_located(
            (By.CSS_SELECTOR, ".stage-toolkit textarea[data-reflection='industry-scope']")
        )
    )
    # The page's maxlength stops typing past the limit; a script can still set more, and the server says no.
    browser.execute_script(
        "arguments[0].value = 'x'.repeat(2500); arguments[0].dispatchEvent(new Event('input'));", area
    )
    status = browser.find_element(By.CSS_SELECTOR, ".stage-toolkit .tk-reflection [data-role=status]")
    wait.until(lambda d: "at most 2000 characters" in status.text)
    screenshot(browser, "stage-toolkit-too-long")
    browser.refresh()
    area = wait.until(
        ec.presence_of_element_located(
            (By.CSS_SELECTOR, ".stage-toolkit textarea[data-reflection='industry-scope']")
        )
    )
    assert area.get_attribute("value") == ""


@pytest.mark.browser
def test_saved_clears_while_typing_and_leaving_the_page_saves_the_last_words(browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    student = f"toolkit-{uuid.uuid4().hex[:8]}"
    selector = ".stage-toolkit textarea[data-reflection='industry-scope']"
    browser.get(browser.preview.url(f"{SCENARIO}?student={student}"))
    wait = WebDriverWait(browser, 20)
    area = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, selector)))
    status = browser.find_element(By.CSS_SELECTOR, ".stage-toolkit .tk-reflection [data-role=status]")
    area.send_keys("Health care")
    wait.until(lambda d: status.text == "Saved")
    area.send_keys(" and logistics")
    assert status.text != "Saved"  # not saved yet: the page must not claim it is
    # Leave before the debounce fires: the page's pagehide sends the last words on the way out.
    browser.get(browser.preview.url(f"/scenario/stage_toolkit.0/?student=other-{student}"))
    browser.get(browser.preview.url(f"{SCENARIO}?student={student}"))
    area = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, selector)))
    assert area.get_attribute("value") == "Health care and logistics"


@pytest.mark.browser
def test_opening_a_resource_is_recorded_and_shown(browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    student = f"toolkit-{uuid.uuid4().hex[:8]}"
    browser.get(browser.preview.url(f"{SCENARIO}?student={student}"))
    wait = WebDriverWait(browser, 20)
    link = wait.until(
        ec.presence_of_element_located((By.CSS_SELECTOR, ".stage-toolkit a[data-resource='sector-report']"))
    )
    mark = link.find_element(By.XPATH, "..").find_element(By.CSS_SELECTOR, "[data-role=opened]")
    assert not mark.is_displayed()
    home = browser.current_window_handle
    link.click()
    browser.switch_to.window(home)
    wait.until(lambda d: mark.is_displayed())
    events = [
        r
        for r in read_tracking_log(browser.preview.tracking_log)
        if r["username"] == student and r["event_type"] == "edx.stage_toolkit.resource_opened"
    ]
    assert [r["event"]["resource"] for r in events] == ["sector-report"]
