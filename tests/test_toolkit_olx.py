"""The toolkit's OLX: parse, sanitise on parse, round trip, validation messages, Studio edits."""

from types import SimpleNamespace

import pytest
from lxml import etree

from xblocks.stage_toolkit import olx
from xblocks.stage_toolkit.block import StageToolkitBlock, olx_string
from xblocks.stage_toolkit.scenarios import PLANNING_TOOLKIT

GOOD = """
<stage_toolkit display_name="Emerging stage toolkit" stage="emerging" module_id="toolkit-emerging"
               url_name="toolkit_emerging_abc" xblock-family="xblock.v1">
  <overview><p>After the <strong>launch</strong>.</p></overview>
  <step id="launch" title="Hold the launch" session="session-3" chapter="2">Let <em>business</em> lead.</step>
  <step id="afterparty" title="Organise the afterparty">Follow up.</step>
  <resource id="guide" title="Launch guide" href="/static/launch-guide.pdf" kind="pdf"/>
  <resource id="web" title="On the web" href="https://example.org/guide"/>
  <checklist_item id="teams">Action teams are formed</checklist_item>
  <checklist_item id="owners">Each priority has a business owner</checklist_item>
  <reflection id="next" prompt="What will you do next?" max_length="500" required="true"/>
  <reflection id="notes" prompt="Anything else?"/>
</stage_toolkit>
"""


def body_of(*children):
    return "\n".join(children)


def test_parse_reads_every_element(harness):
    block = harness.parse(GOOD)
    assert block.display_name == "Emerging stage toolkit"
    assert block.stage == "emerging"
    assert block.module_id == "toolkit-emerging"
    toolkit = block.toolkit
    assert toolkit.overview == "<p>After the <strong>launch</strong>.</p>"
    assert [s.id for s in toolkit.steps] == ["launch", "afterparty"]
    assert toolkit.steps[0].session == "session-3" and toolkit.steps[0].chapter == 2
    assert toolkit.steps[0].html == "Let <em>business</em> lead."
    assert toolkit.steps[1].session == "" and toolkit.steps[1].chapter is None
    assert [(r.id, r.href, r.kind) for r in toolkit.resources] == [
        ("guide", "/static/launch-guide.pdf", "pdf"),
        ("web", "https://example.org/guide", "link"),
    ]
    assert [(i.id, i.text) for i in toolkit.items] == [
        ("teams", "Action teams are formed"),
        ("owners", "Each priority has a business owner"),
    ]
    assert [(r.id, r.max_length, r.required) for r in toolkit.reflections] == [
        ("next", 500, True),
        ("notes", olx.DEFAULT_MAX_LENGTH, False),
    ]
    assert olx.problems(block.stage, block.body) == []
    assert "url_name" not in olx_string(block)


def test_round_trip_olx_block_olx(harness):
    first = harness.parse(GOOD)
    exported = olx_string(first)
    second = harness.parse(exported)
    assert second.toolkit == first.toolkit
    assert (second.display_name, second.stage, second.module_id) == (
        first.display_name,
        first.stage,
        first.module_id,
    )
    assert olx_string(second) == exported
    assert etree.fromstring(exported).get("xblock-family") == "xblock.v1"


def test_round_trip_of_the_scenario(harness):
    block = harness.parse(PLANNING_TOOLKIT)
    again = harness.parse(olx_string(block))
    assert again.toolkit == block.toolkit
    assert olx.problems(again.stage, again.body) == []
    assert len(block.toolkit.steps) == 3 and len(block.toolkit.resources) == 2
    assert len(block.toolkit.items) == 4 and [r.required for r in block.toolkit.reflections] == [True]


def test_hostile_html_is_sanitised_on_parse(harness):
    block = harness.parse(
        """<stage_toolkit stage="planning">
          <overview><p onclick="x()">Hi<script>alert(1)</script></p><img src="x" onerror="alert(2)"/>
          </overview>
          <step id="s" title="T"><a href="javascript:alert(3)">bad</a><a href="https://ok.example/">ok</a></step>
          <checklist_item id="i">Item</checklist_item>
        </stage_toolkit>"""
    )
    stored = block.body.lower()
    for bad in ("onclick", "<script", "alert", "onerror", "<img", "javascript"):
        assert bad not in stored
    assert 'href="https://ok.example/"' in block.body
    assert block.toolkit.overview == "<p>Hi</p>"


def test_stored_body_is_sanitised_again_on_render(harness):
    block = harness.parse(GOOD)
    # Content that bypassed parse_xml (e.g. written straight into the field) is still cleaned on render.
    block.body = body_of(
        '<overview><p onclick="x()">Over</p><script>alert(1)</script></overview>',
        '<step id="s" title="T"><a href="javascript:alert(2)">go</a></step>',
        '<resource id="r" title="Bad link" href="javascript:alert(3)"/>',
        '<checklist_item id="i">Item &lt;b&gt;</checklist_item>',
    )
    block.save()
    page = harness.render(block, user="ana").split('<script type="json/xblock-args"')[0]
    for bad in ("onclick", "<script", "alert(", "javascript:"):
        assert bad not in page
    assert "Item &lt;b&gt;" in page
    assert "Bad link" in page and "link not available" in page


def test_chapter_link_is_shown_as_watch_line(harness):
    page = harness.render(harness.parse(PLANNING_TOOLKIT), user="ana")
    assert "Watch: Session 2, chapter 2" in page
    assert "Watch: Session 2<" in page


BROKEN = [
    ('<stage_toolkit stage="launching">', [], '<stage_toolkit stage="launching">: unknown stage'),
    (
        '<stage_toolkit stage="planning">',
        ['<step id="a" title="A">x</step>', '<checklist_item id="a">dup</checklist_item>'],
        '<checklist_item id="a">: duplicate id "a" (already used by <step>)',
    ),
    ('<stage_toolkit stage="planning">', ['<step id="a" title="A">x</step>'], "the checklist is empty"),
    (
        '<stage_toolkit stage="planning">',
        ['<resource id="r" title="R" href="javascript:alert(1)"/>'],
        '<resource id="r">: the link "javascript:alert(1)" is refused',
    ),
    (
        '<stage_toolkit stage="planning">',
        ['<resource id="r" title="R" href="http://example.org/x"/>'],
        '<resource id="r">: the link "http://example.org/x" is refused',
    ),
    (
        '<stage_toolkit stage="planning">',
        ['<resource id="r" title="R" href="data:text/html,hi"/>'],
        '<resource id="r">: the link "data:text/html,hi" is refused',
    ),
    (
        '<stage_toolkit stage="planning">',
        ['<reflection id="q" prompt="P" max_length="0"/>'],
        '<reflection id="q">: max_length 0 is out of range (1..10000 characters)',
    ),
    (
        '<stage_toolkit stage="planning">',
        ['<reflection id="q" prompt="P" max_length="10001"/>'],
        '<reflection id="q">: max_length 10001 is out of range',
    ),
    (
        '<stage_toolkit stage="planning">',
        ['<reflection id="q" prompt="P" max_length="-5"/>'],
        '<reflection id="q">: max_length -5 is out of range',
    ),
    (
        '<stage_toolkit stage="planning">',
        ['<reflection id="q" prompt="P" max_length="lots"/>'],
        '<reflection id="q">: max_length "lots" must be a whole number',
    ),
    (
        '<stage_toolkit stage="planning">',
        ['<reflection id="q" prompt="P" required="maybe"/>'],
        '<reflection id="q">: required "maybe" must be true or false',
    ),
    (
        '<stage_toolkit stage="planning">',
        ['<reflection id="q" prompt=""/>'],
        '<reflection id="q">: the prompt',
    ),
    ('<stage_toolkit stage="planning">', ['<step title="No id">x</step>'], "<step>: the id is missing"),
    (
        '<stage_toolkit stage="planning">',
        ['<step id="bad id!" title="T">x</step>'],
        '<step id="bad id!">: the id must be',
    ),
    (
        '<stage_toolkit stage="planning">',
        ['<step id="s" title=" ">x</step>'],
        '<step id="s">: the title is empty',
    ),
    (
        '<stage_toolkit stage="planning">',
        ['<step id="s" title="T" chapter="2">x</step>'],
        '<step id="s">: a chapter needs a session',
    ),
    (
        '<stage_toolkit stage="planning">',
        ['<step id="s" title="T" session="session-2" chapter="two">x</step>'],
        '<step id="s">: chapter "two" must be a whole number',
    ),
    (
        '<stage_toolkit stage="planning">',
        ['<step id="s" title="T" session="Session 2!">x</step>'],
        '<step id="s">: session "Session 2!" is not a session id',
    ),
    (
        '<stage_toolkit stage="planning">',
        ['<step id="s" title="T" session="session-2" ref="v" start="soon">x</step>'],
        "<step id=\"s\">: start: 'soon' is not a time",
    ),
    (
        '<stage_toolkit stage="planning">',
        ['<step id="s" title="T" session="session-2" ref="v" start="-5">x</step>'],
        "<step id=\"s\">: start: '-5' is not a time",
    ),
    (
        '<stage_toolkit stage="planning">',
        ['<step id="s" title="T" session="session-2" start="1:00">x</step>'],
        '<step id="s">: a start needs a ref',
    ),
    (
        '<stage_toolkit stage="planning">',
        ['<step id="s" title="T" ref="session-2-video">x</step>'],
        '<step id="s">: a ref needs a session',
    ),
    (
        '<stage_toolkit stage="planning">',
        ['<step id="s" title="T" session="session-2" ref="../x&quot;&gt;">x</step>'],
        '<step id="s">: ref "../x">" must be the module id of a video',
    ),
    ('<stage_toolkit stage="planning">', ["<video/>"], "<video>: unknown element"),
    (
        '<stage_toolkit stage="planning">',
        ['<checklist_item id="i" onclick="x">I</checklist_item>'],
        '<checklist_item id="i">: unknown attribute "onclick"',
    ),
    (
        '<stage_toolkit stage="planning">',
        ['<checklist_item id="i"> </checklist_item>'],
        "the item has no text",
    ),
    (
        '<stage_toolkit stage="planning">',
        ['<resource id="r" title="R" href="/static/r.pdf" kind="virus"/>'],
        '<resource id="r">: kind "virus" is not one of',
    ),
    (
        '<stage_toolkit stage="planning">',
        ["<overview>a</overview>", "<overview>b</overview>"],
        "more than one",
    ),
]


@pytest.mark.parametrize(("root", "children", "expected"), BROKEN, ids=[row[2][:40] for row in BROKEN])
def test_validate_names_the_element(harness, root, children, expected):
    filler = (
        ['<checklist_item id="filler">Filler</checklist_item>']
        if "checklist is empty" not in expected
        else []
    )
    block = harness.parse(f"{root}{''.join(children + filler)}</stage_toolkit>")
    messages = [message.text for message in block.validate().messages]
    assert any(expected in message for message in messages), messages
    assert all(m.type == "error" for m in block.validate().messages)


def test_valid_block_validates_clean(harness):
    assert harness.parse(GOOD).validate().messages == []


def test_malformed_body_is_reported_not_raised():
    parsed = olx.parse_body("<step id='a' title='A'>unclosed")
    assert parsed.toolkit == olx.Toolkit()
    assert "not well-formed XML (line 1" in parsed.problems[0]
    with pytest.raises(olx.OlxError):
        olx.clean_body("<step>")


def test_entities_are_not_expanded():
    body = '<!DOCTYPE x [<!ENTITY big "boom">]><checklist_item id="i">&big;</checklist_item>'
    parsed = olx.parse_body(body)
    assert "boom" not in repr(parsed.toolkit)


def test_studio_edit_validation_refuses_bad_content(harness):
    from xblock.validation import Validation

    block = harness.parse(GOOD)
    validation = Validation(block.scope_ids.usage_id)
    block.validate_field_data(validation, SimpleNamespace(stage="planning", body="<step id='a'"))
    assert not validation
    assert "not well-formed XML" in validation.messages[0].text
    validation = Validation(block.scope_ids.usage_id)
    block.validate_field_data(validation, SimpleNamespace(stage="nowhere", body=block.body))
    assert [m.text for m in validation.messages] == [
        '<stage_toolkit stage="nowhere">: unknown stage: use one of planning, emerging, sustaining'
    ]


def test_studio_save_through_handler(harness):
    block = harness.parse(GOOD)
    good_body = (
        '<overview><p onclick="x">New</p></overview><checklist_item id="only">Only one</checklist_item>'
    )
    status, answer = harness.call_handler(
        block, "submit_studio_edits", {"values": {"body": good_body, "stage": "sustaining"}, "defaults": []}
    )
    assert status == 200, answer
    saved = harness.block(block, "author")
    assert saved.stage == "sustaining"
    assert "onclick" not in saved.body and saved.toolkit.overview == "<p>New</p>"
    status, answer = harness.call_handler(
        block, "submit_studio_edits", {"values": {"body": "<checklist_item id='x'>"}, "defaults": []}
    )
    assert status == 400
    assert "not well-formed XML" in str(answer)
    assert harness.block(block, "author").toolkit.items[0].id == "only"


def test_editable_fields_have_help():
    for name in StageToolkitBlock.editable_fields:
        field = StageToolkitBlock.fields[name]
        assert field.help and field.display_name, name
    for name, field in StageToolkitBlock.fields.items():
        if name not in ("parent", "children", "has_score", "icon_class", "xml_attributes"):
            assert field.help, name


def test_default_body_is_valid():
    assert olx.problems("planning", StageToolkitBlock.fields["body"].default) == []


def test_studio_view_offers_the_content_as_text(harness, settings):
    block = harness.parse(GOOD)
    html = harness.render(block, "studio_view", user="staff_author")
    assert "Toolkit content (OLX)" in html and "Stage" in html and "Module id" in html
    assert (
        "&lt;checklist_item id=&quot;teams&quot;&gt;" in html
        or "&lt;checklist_item id=&#34;teams&#34;&gt;" in html
    )
