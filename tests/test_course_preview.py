"""The whole course as one workbench scenario: every unit in order, real blocks, navigable."""

import re

import pytest
from lxml import etree

from course.build import build
from course.cli import DEFAULT_SOURCE
from course.preview import whole_course_xml
from course.validate import validate
from tests.test_course_validate import make_source


@pytest.fixture(scope="module")
def checked():
    result = validate(DEFAULT_SOURCE)
    assert result.problems == []
    return result


@pytest.fixture(scope="module")
def scenario(checked):
    return whole_course_xml(checked)


def unit_ids(checked):
    return [unit.id for module in checked.course.modules for unit in module.units]


def test_first_line_names_the_page(scenario):
    assert scenario.split("\n", 1)[0] == "<!-- title: Whole course -->"


def test_every_unit_appears_in_order_with_toc_and_navigation(checked, scenario):
    root = etree.fromstring(scenario.encode())
    assert root.tag == "vertical_demo"
    toc = root[0]
    assert toc.tag == "html_demo" and toc.find(".//nav").get("id") == "top"
    toc_links = [a.get("href") for a in toc.iter("a")]
    units = unit_ids(checked)
    assert [link for link in toc_links if link.startswith("#u-")] == [f"#u-{u}" for u in units]
    anchors = re.findall(r'id="u-([a-z0-9-]+)"', scenario)
    assert anchors == units
    assert scenario.index('id="u-welcome-about"') < scenario.index('id="u-assessment"')
    # previous / next links chain the units together
    for before, after in zip(units, units[1:], strict=False):
        assert f'href="#u-{after}" class="next"' in scenario or f'class="next" href="#u-{after}"' in scenario
        assert (
            f'href="#u-{before}" class="prev"' in scenario or f'class="prev" href="#u-{before}"' in scenario
        )


def test_custom_blocks_are_the_export_elements_in_course_order(checked, scenario):
    root = etree.fromstring(scenario.encode())
    custom = [
        e
        for e in root.iter()
        if e.tag in ("chaptered_video", "checkpoint_quiz", "stage_toolkit", "facilitator_progress")
    ]
    expected = [block.id for _m, _u, block in checked.course.blocks() if block.type != "html"]
    assert [e.get("module_id") for e in custom] == expected


def test_jump_links_become_anchors_and_dollars_are_escaped(tmp_path):
    root = make_source(tmp_path)
    (root / "bodies" / "welcome.html").write_text(
        '<p>Costs $5 or ${x}. See <a href="/jump_to_id/progress">progress</a> &amp; more.</p>'
    )
    checked = validate(root, root / "manifest.yaml")
    assert checked.problems == []
    text = whole_course_xml(checked)
    assert "Costs $$5 or $${x}" in text
    assert 'href="#u-welcome-about"' in text and "/jump_to_id/" not in text


def test_html_demo_renders_the_escaped_text(tmp_path, harness):
    root = make_source(tmp_path)
    (root / "bodies" / "welcome.html").write_text("<p>Costs $5 &lt;script&gt;</p>")
    checked = validate(root, root / "manifest.yaml")
    html_demo = etree.fromstring(whole_course_xml(checked).split("\n", 1)[1].encode())
    body = next(e for e in html_demo.iter("html_demo") if "Costs" in etree.tostring(e, encoding="unicode"))
    block = harness.parse(etree.tostring(body, encoding="unicode"))
    rendered = harness.render(block, "student_view")
    assert "Costs $5 &lt;script&gt;" in rendered


def test_whole_course_renders_in_the_workbench(workbench, client, tmp_path):
    from workbench.scenarios import SCENARIOS, add_xml_scenario

    build(DEFAULT_SOURCE, tmp_path)
    text = (tmp_path / "preview" / "whole_course.xml").read_text()
    SCENARIOS.pop("whole_course_test", None)
    add_xml_scenario("whole_course_test", "Whole course (test)", text)
    try:
        response = client.get("/scenario/whole_course_test/?student=course_walker")
    finally:
        SCENARIOS.pop("whole_course_test", None)
    assert response.status_code == 200
    page = response.content.decode()
    checked = validate(DEFAULT_SOURCE)
    positions = [page.index(f'id="u-{unit}"') for unit in unit_ids(checked)]
    assert positions == sorted(positions)
    for block_type, count in (
        ("chaptered_video", 5),
        ("checkpoint_quiz", 6),
        ("stage_toolkit", 3),
        ("facilitator_progress", 2),
    ):
        assert page.count(f"data-block-type='{block_type}'") == count, block_type


def test_markdown_body_shows_its_quotations_as_quotations(scenario):
    root = etree.fromstring(scenario.split("\n", 1)[1].encode())
    body = root.xpath("//div[@id='b-welcome-about-text']")[0]
    quotes = body.xpath(".//blockquote")
    assert len(quotes) == 10
    assert quotes[0].xpath("string()").split()[:3] == ["Sector", "partnerships", "are"]
    assert "> " not in body.xpath("string()")
    assert ".course-html blockquote{" in scenario  # the page styles quotations apart from the course's text
