"""A step's "Watch: Session 2, chapter 2" line as a link into the course, and the instructor report rows."""

from collections import namedtuple

import pytest
from xblock.fields import ScopeIds

from xblocks.stage_toolkit import olx, report
from xblocks.stage_toolkit.block import StageToolkitBlock, jump_link, olx_string

UserState = namedtuple("UserState", "username state")

LINKED = """
<stage_toolkit display_name="Planning" stage="planning" module_id="toolkit-planning">
  <step id="team" title="Build the team" session="session-2" chapter="2" ref="session-2-video" start="5:12">
    Advice.</step>
  <step id="focus" title="Choose the industry" session="session-2" ref="session-2-video">More.</step>
  <step id="plain" title="Prepare" session="session-2" chapter="3">No video ref.</step>
  <checklist_item id="a">A</checklist_item>
</stage_toolkit>
"""


class CourseKey:
    """Enough of an opaque_keys CourseLocator for the block (it has make_usage_key)."""

    def __str__(self):
        return "course-v1:NGSP+Facilitator+2025"

    def make_usage_key(self, block_type, block_id):
        return UsageKey()


class UsageKey:
    course_key = CourseKey()

    def __str__(self):
        return "block-v1:NGSP+Facilitator+2025+type@stage_toolkit+block@toolkit-planning"


def in_course(harness, template, user="ana"):
    """The toolkit as the LMS binds it: its usage key belongs to a course."""
    runtime = harness.runtime(user)
    block = runtime.construct_xblock_from_class(
        StageToolkitBlock, ScopeIds(user, "stage_toolkit", "toolkit-def", UsageKey())
    )
    block.stage, block.body, block.module_id = template.stage, template.body, template.module_id
    return block


def test_ref_and_start_are_read_and_kept_in_the_round_trip(harness):
    block = harness.parse(LINKED)
    team, focus, plain = block.toolkit.steps
    assert (team.ref, team.start, team.chapter) == ("session-2-video", 312.0, 2)
    assert (focus.ref, focus.start) == ("session-2-video", None)
    assert (plain.ref, plain.start) == ("", None)
    assert block.validate().messages == []
    again = harness.parse(olx_string(block))
    assert again.toolkit == block.toolkit


def test_watch_line_links_to_the_video_at_the_chapter_start_in_the_lms(harness):
    page = in_course(harness, harness.parse(LINKED)).student_view().content
    course = "/courses/course-v1:NGSP+Facilitator+2025/jump_to_id/session-2-video"
    # target="_top": in the Learning MFE the link leaves the unit's iframe and navigates the MFE page.
    at = f"{course}#t=312&amp;module=session-2-video"
    assert f'<a href="{at}" target="_top">Watch: Session 2, chapter 2</a>' in page
    assert f'<a href="{course}" target="_top">Watch: Session 2</a>' in page
    assert '<p class="tk-watch">Watch: Session 2, chapter 3</p>' in page  # no ref: the line stays text


def test_without_a_course_the_watch_line_is_text(harness):
    page = harness.render(harness.parse(LINKED), user="ana")
    assert "Watch: Session 2, chapter 2" in page and "jump_to_id" not in page


def test_jump_link_quotes_its_parts():
    assert jump_link("course-v1:A+B+C", "v", 59.6) == "/courses/course-v1:A+B+C/jump_to_id/v#t=60&module=v"
    assert jump_link("course-v1:A+B+C", 'a b"<', None) == "/courses/course-v1:A+B+C/jump_to_id/a%20b%22%3C"


# --- the instructor report -----------------------------------------------------------------------------

REPORT_TOOLKIT = """
<stage_toolkit stage="emerging">
  <resource id="r1" title="Guide" href="/static/guide.pdf"/>
  <resource id="r2" title="=HYPERLINK(&quot;x&quot;)" href="https://example.org/"/>
  <checklist_item id="a">Alpha</checklist_item>
  <checklist_item id="b">Beta</checklist_item>
  <reflection id="r" prompt="Why?"/>
  <reflection id="again" prompt="Why?"/>
</stage_toolkit>
"""


def rows(harness, states, **kwargs):
    block = harness.block(harness.parse(REPORT_TOOLKIT), "staff_1")
    return list(block.generate_report_data(iter(states), **kwargs))


def test_report_keeps_text_as_written_and_defuses_spreadsheet_formulas(harness):
    hostile = UserState(
        "ana",
        {
            "checked_items": ["b"],
            "reflection_texts": {"r": '=HYPERLINK("http://evil","x")', "again": "<script>alert(1)</script>"},
            "resource_opens": {"r2": 1},
        },
    )
    [(name, row)] = rows(harness, [hostile])
    assert name == "ana"
    assert row == {
        "Stage": "emerging",
        "Items checked": "1/2",
        "Checked items": "Beta",
        "Resources opened": '\'=HYPERLINK("x")',
        "Reflection: Why?": '\'=HYPERLINK("http://evil","x")',
        "Reflection (again): Why?": "<script>alert(1)</script>",  # a CSV cell: text, not a page
    }


@pytest.mark.parametrize("text", ["+1", "-2", "@SUM(A1)", "\tx", "\rx", "=1+1"])
def test_every_formula_start_is_defused(text):
    assert report.safe_cell(text) == "'" + text
    assert report.safe_cell("plain " + text) == "plain " + text
    assert report.safe_cell(3) == 3


ODD_STATES = [
    None,
    "text",
    {"checked_items": 5},
    {"checked_items": [["a"], {"b": 1}, None, "a"]},
    {"checked_items": "ab"},
    {"reflection_texts": "x", "resource_opens": [1]},
    {"reflection_texts": {"r": 5, "again": None}},
    {"resource_opens": {"r1": "3", "r2": True}},
    {"resource_opens": {"r1": -1, "r2": 2.5}},
]


@pytest.mark.parametrize("state", ODD_STATES, ids=[repr(s)[:30] for s in ODD_STATES])
def test_one_odd_stored_state_never_stops_the_report(harness, state):
    good = UserState("ben", {"checked_items": ["a", "b"], "resource_opens": {"r1": 2}})
    found = dict(rows(harness, [UserState("odd", state), good]))
    assert found["ben"]["Items checked"] == "2/2" and found["ben"]["Resources opened"] == "Guide"
    odd = found["odd"]
    assert odd["Items checked"] in ("0/2", "1/2")
    assert odd["Resources opened"] == "" and odd["Reflection: Why?"] == ""


def test_report_limit(harness):
    states = [UserState(f"u{i}", {}) for i in range(5)]
    assert [name for name, _ in rows(harness, states, limit_responses=2)] == ["u0", "u1"]
    assert len(rows(harness, states)) == 5


def test_reflection_columns_are_unique():
    toolkit = olx.parse_body(
        '<reflection id="x" prompt="P"/><reflection id="y" prompt="P"/><reflection id="z" prompt="Q"/>'
    ).toolkit
    assert list(report.reflection_columns(toolkit).values()) == [
        "Reflection: P",
        "Reflection (y): P",
        "Reflection: Q",
    ]
