"""A real browser walks the preview's whole-course page from the welcome to the readiness assessment."""

import uuid

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from course.cli import DEFAULT_SOURCE
from course.validate import validate
from tests.browser import screenshot

pytestmark = pytest.mark.browser


def course_units():
    checked = validate(DEFAULT_SOURCE)
    units = []
    for module in checked.course.modules:
        for unit in module.units:
            kinds = [b.type for b in unit.blocks]
            units.append((unit.id, unit.title, kinds))
    return units


def unit_container(driver, unit_id):
    return driver.find_element(
        By.XPATH, f"//*[@id='u-{unit_id}']/ancestor::div[contains(@class,'vertical')][1]"
    )


def test_walk_the_whole_course_from_welcome_to_assessment(browser):
    units = course_units()
    student = f"walker-{uuid.uuid4().hex[:8]}"
    browser.get(browser.preview.url(f"/scenario/whole_course/?student={student}"))
    wait = WebDriverWait(browser, 30)
    wait.until(EC.presence_of_element_located((By.ID, "top")))
    toc = browser.find_element(By.ID, "top")
    toc_targets = [a.get_attribute("href").rsplit("#", 1)[1] for a in toc.find_elements(By.CSS_SELECTOR, "a")]
    assert [t for t in toc_targets if t.startswith("u-")] == [f"u-{unit_id}" for unit_id, _t, _k in units]

    toc.find_element(By.CSS_SELECTOR, f"a[href='#u-{units[0][0]}']").click()
    visited = []
    for index, (unit_id, title, kinds) in enumerate(units):
        wait.until(lambda d, u=unit_id: d.current_url.endswith(f"#u-{u}"))
        head = browser.find_element(By.ID, f"u-{unit_id}")
        assert head.find_element(By.TAG_NAME, "h3").text == title
        top = browser.execute_script("return arguments[0].getBoundingClientRect().top;", head)
        assert -5 <= top < 300, f"unit {unit_id} not scrolled into view (top={top})"
        container = unit_container(browser, unit_id)
        for kind in kinds:
            if kind == "html":
                assert container.find_elements(By.CSS_SELECTOR, ".course-html"), unit_id
            else:
                found = container.find_elements(By.CSS_SELECTOR, f"[data-block-type='{kind}']")
                assert found and found[0].text.strip(), f"{unit_id}: no rendered {kind}"
        visited.append(unit_id)
        if index + 1 < len(units) and unit_id != "assessment":
            head.find_element(By.CSS_SELECTOR, "a.next").click()
        if unit_id == "assessment":
            break
    assert visited[0] == "welcome-about" and visited[-1] == "assessment"
    assert len(visited) == len(units) - 1  # every unit up to the assessment (the progress page follows it)
    assessment = unit_container(browser, "assessment").find_element(
        By.CSS_SELECTOR, "[data-block-type='checkpoint_quiz']"
    )
    assert "Readiness assessment" in assessment.text
    screenshot(browser, "course-whole-course-assessment")

    # the welcome page's link to the progress page jumps to it
    browser.find_element(By.ID, "u-assessment").find_element(By.CSS_SELECTOR, "a.contents").click()
    wait.until(lambda d: d.current_url.endswith("#top"))
    welcome_link = browser.find_element(By.CSS_SELECTOR, ".course-html a[href='#u-welcome-progress']")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", welcome_link)
    welcome_link.click()
    wait.until(lambda d: d.current_url.endswith("#u-welcome-progress"))
    progress = unit_container(browser, "welcome-progress").find_element(
        By.CSS_SELECTOR, "[data-block-type='facilitator_progress']"
    )
    assert progress.text.strip()
