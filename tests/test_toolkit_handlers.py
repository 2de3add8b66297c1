"""The toolkit's handlers through the runtime: two learners and staff, events, counters, bad input."""

import html
import json
from collections import namedtuple

import pytest

from xblocks.stage_toolkit.progress import WAITING_FOR_REFLECTION
from xblocks.stage_toolkit.scenarios import PLANNING_TOOLKIT

ITEMS = ["team-agreed", "region", "industry", "invitations"]
REFLECTION = "industry-scope"
UserState = namedtuple("UserState", "username state")


@pytest.fixture
def toolkit(harness):
    return harness.parse(PLANNING_TOOLKIT)


def snapshot(harness, block, user):
    """Everything a handler could change for ``user``, plus the shared counters."""
    seen = harness.block(block, user)
    return {
        "learner": seen.learner_state(),
        "fields": (seen.checked_items, seen.reflection_texts, seen.resource_opens, seen.counted),
        "published": seen.completion_published,
        "summary": (
            seen.summary_learners,
            seen.summary_items,
            seen.summary_reflections,
            seen.summary_resource_learners,
            seen.summary_resource_opens,
        ),
    }


def page(harness, block, user):
    """The rendered page without the runtime's init-args script."""
    return harness.render(block, user=user).split('<script type="json/xblock-args"')[0]


def test_toggle_item_answers_with_server_state_and_events(harness, toolkit):
    status, state = harness.call_handler(
        toolkit, "toggle_item", {"item": "region", "checked": True}, user="ana"
    )
    assert status == 200
    assert state["checked"] == ["region"] and state["items_checked"] == 1 and state["items_total"] == 4
    assert state["completion"] == 0.25 and state["complete"] is False
    assert harness.events("ana", "edx.stage_toolkit.item_checked") == [
        (
            "edx.stage_toolkit.item_checked",
            {
                "module_id": "toolkit-planning",
                "stage": "planning",
                "item": "region",
                "checked": True,
                "items_checked": 1,
                "items_total": 4,
                "completion": 0.25,
            },
        )
    ]
    assert harness.events("ana", "completion") == [("completion", {"completion": 0.25})]
    # Checking again changes nothing and publishes nothing.
    status, again = harness.call_handler(
        toolkit, "toggle_item", {"item": "region", "checked": True}, user="ana"
    )
    assert status == 200 and again == state
    assert len(harness.events("ana")) == 2


def test_two_learners_keep_separate_state_and_shared_counters(harness, toolkit):
    for item in ("region", "industry"):
        harness.call_handler(toolkit, "toggle_item", {"item": item, "checked": True}, user="ana")
    harness.call_handler(toolkit, "toggle_item", {"item": "region", "checked": True}, user="ben")
    harness.call_handler(toolkit, "toggle_item", {"item": "region", "checked": False}, user="ana")
    harness.call_handler(toolkit, "toggle_item", {"item": "region", "checked": False}, user="ana")
    assert harness.block(toolkit, "ana").learner_state()["checked"] == ["industry"]
    assert harness.block(toolkit, "ben").learner_state()["checked"] == ["region"]
    staff = harness.block(toolkit, "staff_1").staff_summary()
    assert staff["learners"] == 2
    assert [(row["count"], row["share"]) for row in staff["items"]] == [(0, 0), (1, 50), (1, 50), (0, 0)]
    harness.call_handler(toolkit, "toggle_item", {"item": "region", "checked": False}, user="ben")
    assert harness.block(toolkit, "staff_1").summary_items["region"] == 0


def test_completion_is_published_only_when_it_rises(harness, toolkit):
    for item in ITEMS:
        harness.call_handler(toolkit, "toggle_item", {"item": item, "checked": True}, user="ana")
    published = [data["completion"] for _, data in harness.events("ana", "completion")]
    assert published == [0.25, 0.5, 0.75, WAITING_FOR_REFLECTION]
    harness.call_handler(toolkit, "toggle_item", {"item": "region", "checked": False}, user="ana")
    harness.call_handler(toolkit, "toggle_item", {"item": "region", "checked": True}, user="ana")
    assert len(harness.events("ana", "completion")) == 4
    status, state = harness.call_handler(
        toolkit, "save_reflection", {"reflection": REFLECTION, "text": "Advanced manufacturing."}, user="ana"
    )
    assert status == 200 and state["completion"] == 1.0 and state["complete"] is True
    assert harness.events("ana", "completion")[-1] == ("completion", {"completion": 1.0})
    # Unchecking lowers the learner's current completion, never the published one.
    _, state = harness.call_handler(toolkit, "toggle_item", {"item": "region", "checked": False}, user="ana")
    assert state["completion"] == 0.75
    assert harness.block(toolkit, "ana").completion_published == 1.0
    assert len(harness.events("ana", "completion")) == 5


def test_save_reflection_keeps_text_and_counts_writers(harness, toolkit):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes"'
    status, state = harness.call_handler(
        toolkit, "save_reflection", {"reflection": REFLECTION, "text": hostile}, user="ana"
    )
    assert status == 200 and (state["reflection"], state["text"]) == (REFLECTION, hostile)
    assert state["reflections_written"] == 1 and state["completion"] == 0.0
    assert harness.block(toolkit, "ana").reflection_texts == {REFLECTION: hostile}
    assert harness.events("ana", "edx.stage_toolkit.reflection_saved") == [
        (
            "edx.stage_toolkit.reflection_saved",
            {
                "module_id": "toolkit-planning",
                "stage": "planning",
                "reflection": REFLECTION,
                "length": len(hostile),
                "completion": 0.0,
            },
        )
    ]
    # Saving the same text again is quiet; emptying it takes the writer out of the count.
    harness.call_handler(toolkit, "save_reflection", {"reflection": REFLECTION, "text": hostile}, user="ana")
    assert len(harness.events("ana", "edx.stage_toolkit.reflection_saved")) == 1
    harness.call_handler(toolkit, "save_reflection", {"reflection": REFLECTION, "text": "Mine"}, user="ben")
    assert harness.block(toolkit, "staff_1").summary_reflections == {REFLECTION: 2}
    harness.call_handler(toolkit, "save_reflection", {"reflection": REFLECTION, "text": "  "}, user="ben")
    assert harness.block(toolkit, "staff_1").summary_reflections == {REFLECTION: 1}


def test_reflection_html_is_shown_escaped(harness, toolkit):
    hostile = "</textarea><script>alert(1)</script><b onmouseover=x>bold</b>"
    harness.call_handler(toolkit, "save_reflection", {"reflection": REFLECTION, "text": hostile}, user="ana")
    harness.call_handler(
        toolkit, "save_reflection", {"reflection": REFLECTION, "text": hostile}, user="staff_1"
    )
    for user in ("ana", "staff_1"):
        full = harness.render(toolkit, user=user)
        assert (
            "<script>alert" not in full and "<b onmouseover" not in full and "</textarea><script" not in full
        )
        assert html.escape(hostile, quote=True) in full or html.escape(hostile, quote=False) in full
    assert "Staff view" in page(harness, toolkit, "staff_1")


def test_open_resource_counts_learners_and_opens(harness, toolkit):
    status, state = harness.call_handler(toolkit, "open_resource", {"resource": "nga"}, user="ana")
    assert status == 200 and state["opened"] == ["nga"]
    harness.call_handler(toolkit, "open_resource", {"resource": "nga"}, user="ana")
    harness.call_handler(toolkit, "open_resource", {"resource": "sector-report"}, user="ben")
    assert harness.events("ana", "edx.stage_toolkit.resource_opened")[0] == (
        "edx.stage_toolkit.resource_opened",
        {
            "module_id": "toolkit-planning",
            "stage": "planning",
            "resource": "nga",
            "href": "https://www.nga.org/publications/",
        },
    )
    rows = harness.block(toolkit, "staff_1").staff_summary()["resources"]
    assert [(r["title"], r["learners"], r["opens"]) for r in rows] == [
        ("Sector partnership report", 1, 1),
        ("National Governors Association publications", 1, 2),
    ]
    assert harness.events("ana", "completion") == []


def test_staff_view_shows_counts_learners_do_not_see_it(harness, toolkit):
    harness.call_handler(toolkit, "toggle_item", {"item": "industry", "checked": True}, user="ana")
    harness.call_handler(toolkit, "open_resource", {"resource": "nga"}, user="ben")
    staff_page = page(harness, toolkit, "staff_1")
    assert "2 learners have used this toolkit." in staff_page
    assert "<td>1</td><td>50%</td>" in staff_page
    assert "Staff view" not in page(harness, toolkit, "ana")


def test_learner_page_shows_stage_journey_and_saved_state(harness, toolkit):
    harness.call_handler(toolkit, "toggle_item", {"item": "industry", "checked": True}, user="ana")
    harness.call_handler(
        toolkit, "save_reflection", {"reflection": REFLECTION, "text": "Health care"}, user="ana"
    )
    ana = page(harness, toolkit, "ana")
    assert "Planning stage toolkit" in ana and 'aria-current="step"' in ana
    assert ana.index("Planning") < ana.index("Emerging") < ana.index("Sustaining")
    assert 'data-item="industry" checked' in ana and 'data-item="region">' in ana
    assert ">Health care</textarea>" in ana
    assert "1 of 4 checklist items checked" in ana
    assert 'href="/static/sector-partnership-report.pdf"' in ana
    ben = page(harness, toolkit, "ben")
    assert " checked>" not in ben and ">Health care<" not in ben


def test_progress_summary_and_report(harness, toolkit):
    harness.call_handler(toolkit, "toggle_item", {"item": "region", "checked": True}, user="ana")
    harness.call_handler(
        toolkit, "save_reflection", {"reflection": REFLECTION, "text": "<b>Ag</b>"}, user="ana"
    )
    harness.call_handler(toolkit, "open_resource", {"resource": "nga"}, user="ana")
    summary = harness.block(toolkit, "ana").progress_summary()
    assert summary == {
        "completion": 0.25,
        "completion_published": 0.25,
        "stage": "planning",
        "items_checked": 1,
        "items_total": 4,
        "reflections_written": 1,
        "reflections_total": 1,
    }
    json.dumps(summary, allow_nan=False)
    states = []
    for user in ("ana", "ben"):
        seen = harness.block(toolkit, user)
        states.append(
            UserState(
                user,
                {
                    "checked_items": seen.checked_items,
                    "reflection_texts": seen.reflection_texts,
                    "resource_opens": seen.resource_opens,
                },
            )
        )
    rows = list(harness.block(toolkit, "staff_1").generate_report_data(iter(states)))
    assert rows[0] == (
        "ana",
        {
            "Stage": "planning",
            "Items checked": "1/4",
            "Checked items": "The labor market region is defined, beyond municipal and county lines",
            "Resources opened": "National Governors Association publications",
            "Reflection: Which industry will your partnership focus on, and why?": "<b>Ag</b>",
        },
    )
    assert rows[1][1]["Items checked"] == "0/4" and rows[1][1]["Checked items"] == ""
    assert (
        len(list(harness.block(toolkit, "staff_1").generate_report_data(iter(states), limit_responses=1)))
        == 1
    )


def test_report_tolerates_odd_stored_state(harness, toolkit):
    odd = [
        UserState("eve", {"checked_items": ["gone", "region"], "reflection_texts": {REFLECTION: 5}}),
        UserState("x", {}),
    ]
    rows = dict(harness.block(toolkit, "staff_1").generate_report_data(iter(odd)))
    assert rows["eve"]["Items checked"] == "1/4"
    assert rows["eve"]["Reflection: Which industry will your partnership focus on, and why?"] == ""
    assert rows["x"]["Resources opened"] == ""


BAD = [
    ("toggle_item", {}, '"item" is missing'),
    ("toggle_item", {"item": "region"}, '"checked" is missing'),
    ("toggle_item", {"item": "nope", "checked": True}, 'There is no checklist item "nope"'),
    ("toggle_item", {"item": "industry-scope", "checked": True}, "There is no checklist item"),
    ("toggle_item", {"item": 3, "checked": True}, '"item" must be a string'),
    ("toggle_item", {"item": None, "checked": True}, '"item" must be a string'),
    ("toggle_item", {"item": ["region"], "checked": True}, '"item" must be a string'),
    ("toggle_item", {"item": "region", "checked": "true"}, '"checked" must be true or false'),
    ("toggle_item", {"item": "region", "checked": 1}, '"checked" must be true or false'),
    ("toggle_item", {"item": "region", "checked": None}, '"checked" must be true or false'),
    ("toggle_item", {"item": "<script>alert(1)</script>", "checked": True}, "There is no checklist item"),
    ("save_reflection", {"text": "x"}, '"reflection" is missing'),
    ("save_reflection", {"reflection": REFLECTION}, '"text" is missing'),
    ("save_reflection", {"reflection": "nope", "text": "x"}, 'There is no reflection "nope"'),
    ("save_reflection", {"reflection": REFLECTION, "text": 42}, '"text" must be a string'),
    ("save_reflection", {"reflection": REFLECTION, "text": True}, '"text" must be a string'),
    ("save_reflection", {"reflection": REFLECTION, "text": {"a": 1}}, '"text" must be a string'),
    (
        "save_reflection",
        {"reflection": REFLECTION, "text": "x" * 2001},
        "at most 2000 characters and yours has 2001",
    ),
    ("save_reflection", {"reflection": REFLECTION, "text": "a\x00b"}, "cannot be stored"),
    ("open_resource", {}, '"resource" is missing'),
    ("open_resource", {"resource": "region"}, 'There is no resource "region"'),
    ("open_resource", {"resource": 1.5}, '"resource" must be a string'),
]


@pytest.mark.parametrize(("handler", "payload", "message"), BAD, ids=[f"{h}-{m[:30]}" for h, _, m in BAD])
def test_bad_input_is_refused_and_changes_nothing(harness, toolkit, handler, payload, message):
    harness.call_handler(toolkit, "toggle_item", {"item": "region", "checked": True}, user="ana")
    harness.call_handler(toolkit, "save_reflection", {"reflection": REFLECTION, "text": "Kept"}, user="ana")
    before = snapshot(harness, toolkit, "ana")
    harness.clear_events()
    status, answer = harness.call_handler(toolkit, handler, payload, user="ana")
    assert status == 400
    assert message in answer["error"]
    assert snapshot(harness, toolkit, "ana") == before
    assert harness.events() == []


RAW = [
    (b"not json", "not valid JSON"),
    (b'{"item": "region", "checked": NaN}', "not valid JSON"),
    (b'["region", true]', "must be a JSON object"),
    (b"\xff\xfe", "not UTF-8"),
    (b"", "not valid JSON"),
    (json.dumps({"item": "region", "checked": True, "pad": "x" * 70000}).encode(), "too large"),
]


@pytest.mark.parametrize(("raw", "message"), RAW, ids=[m for _, m in RAW])
@pytest.mark.parametrize("handler", ["toggle_item", "save_reflection", "open_resource"])
def test_malformed_bodies_are_refused(harness, toolkit, handler, raw, message):
    before = snapshot(harness, toolkit, "ana")
    status, answer = harness.call_handler(toolkit, handler, raw=raw, user="ana")
    assert status == 400 and message in answer["error"]
    assert snapshot(harness, toolkit, "ana") == before


def test_too_long_text_keeps_the_saved_text_and_says_why(harness, toolkit):
    harness.call_handler(
        toolkit, "save_reflection", {"reflection": REFLECTION, "text": "First draft"}, user="ana"
    )
    status, answer = harness.call_handler(
        toolkit, "save_reflection", {"reflection": REFLECTION, "text": "y" * 2500}, user="ana"
    )
    assert status == 400
    assert answer["max_length"] == 2000 and answer["length"] == 2500 and answer["reflection"] == REFLECTION
    assert "Your last saved text is kept." in answer["error"]
    assert harness.block(toolkit, "ana").reflection_texts == {REFLECTION: "First draft"}
    # Exactly at the limit is fine.
    status, _ = harness.call_handler(
        toolkit, "save_reflection", {"reflection": REFLECTION, "text": "z" * 2000}, user="ana"
    )
    assert status == 200


def test_lone_surrogate_is_refused(harness, toolkit):
    raw = b'{"reflection": "industry-scope", "text": "bad \\ud800 half"}'
    status, answer = harness.call_handler(toolkit, "save_reflection", raw=raw, user="ana")
    assert status == 400 and "surrogate" in answer["error"]  # refused by the strict JSON parser
    assert harness.block(toolkit, "ana").reflection_texts == {}


@pytest.mark.parametrize("handler", ["toggle_item", "save_reflection", "open_resource"])
def test_get_is_refused(harness, toolkit, handler):
    status, answer = harness.call_handler(toolkit, handler, {}, user="ana", method="GET")
    assert status == 405 and "POST" in answer["error"]


def test_each_learner_is_counted_once(harness, toolkit):
    harness.call_handler(toolkit, "open_resource", {"resource": "nga"}, user="ana")
    for flag in (True, False, True, False, True):
        harness.call_handler(toolkit, "toggle_item", {"item": "region", "checked": flag}, user="ana")
    harness.call_handler(toolkit, "save_reflection", {"reflection": REFLECTION, "text": "x"}, user="ana")
    harness.call_handler(toolkit, "save_reflection", {"reflection": REFLECTION, "text": "y"}, user="ben")
    harness.call_handler(toolkit, "toggle_item", {"item": "region", "checked": True}, user="ben")
    summary = harness.block(toolkit, "staff_1").staff_summary()
    assert summary["learners"] == 2
    assert summary["items"][1]["count"] == 2 and summary["items"][1]["share"] == 100


def test_page_says_where_the_stage_sits_and_marks_opened_resources(harness, toolkit):
    harness.call_handler(toolkit, "open_resource", {"resource": "nga"}, user="ana")
    ana = page(harness, toolkit, "ana")
    assert "Stage 1 of 3: <strong>Planning</strong>" in ana
    assert '<ol class="tk-journey" aria-label="Where this stage sits in the partnership journey">' in ana
    assert "<nav" not in ana  # a list of stages, not navigation: it holds no links
    assert '(PDF<span data-role="opened" hidden>, opened</span>)' in ana
    assert '(web page<span data-role="opened">, opened</span>)' in ana
    assert '(web page<span data-role="opened" hidden>' in page(harness, toolkit, "ben")


def test_an_unknown_stage_renders_without_a_position(harness):
    block = harness.parse(
        '<stage_toolkit stage="&lt;b&gt;later"><checklist_item id="a">A</checklist_item></stage_toolkit>'
    )
    text = page(harness, block, "ana")
    assert "Stage: <strong>&lt;b&gt;later</strong>" in text and 'aria-current="step"' not in text
