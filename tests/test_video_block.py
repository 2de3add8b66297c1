"""The chaptered video block through the runtime: handlers, events, views, Studio, staff, reports."""

import json
import re

import pytest
import webob
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from xblock.fields import String

from xblocks.chaptered_video import ChapteredVideoBlock
from xblocks.chaptered_video import block as block_module
from xblocks.chaptered_video.scenarios import DEMO, SESSION_1
from xblocks.chaptered_video.state import LearnerState
from xblocks.common.fields import FastString

REPORT = "report_progress"


@pytest.fixture
def clock(monkeypatch):
    """The server clock, moved by tests: ``clock.now`` seconds."""

    class Clock:
        now = 1_700_000_000.0

        def tick(self, seconds):
            self.now += seconds

    fake = Clock()
    monkeypatch.setattr(block_module, "now", lambda: fake.now)
    return fake


@pytest.fixture
def video(harness, clock):
    return harness.parse(DEMO)


def user_state(harness, user):
    """Every stored user_state value of ``user`` (to check nothing changed)."""
    return {k: v for k, v in harness.kvs.db_dict.items() if getattr(k, "user_id", None) == user}


def watch(harness, video, clock, user, intervals, position=None, wait=10):
    clock.tick(wait)
    body = {"watched": intervals}
    if position is not None:
        body["position"] = position
    return harness.call_handler(video, REPORT, body, user=user)


def test_learner_reports_merge_and_answer_the_servers_view(harness, video, clock):
    harness.render(video, user="ana")
    status, answer = watch(harness, video, clock, "ana", [[0, 10.2]], position=10.2)
    assert status == 200
    assert set(answer) >= {"coverage", "completion", "position", "chapters"}
    assert answer["position"] == 10.2 and answer["added"] == 10
    assert answer["chapters"][0] == {"index": 0, "coverage": 0.3333, "complete": False}
    status, again = watch(harness, video, clock, "ana", [[0, 10.2]], position=10.2)
    assert again["added"] == 0 and again["coverage"] == answer["coverage"]
    ben = harness.block(video, "ben")
    assert ben.progress_summary()["coverage"] == 0.0 and ben.progress_summary()["position"] == 0.0


def test_learner_state_is_one_field_written_once_per_report(harness, video, clock):
    harness.render(video, user="ana")
    watch(harness, video, clock, "ana", [[0, 10]], position=10)
    stored = user_state(harness, "ana")
    assert [key.field_name for key in stored] == ["learner_state"]
    state = LearnerState.from_text(next(iter(stored.values())))
    assert state.position == 10.0 and state.last_report_at == clock.now
    assert state.watched(120).seconds == 10 and state.completion_published == pytest.approx(10 / 120)
    assert harness.block(video, "ana").completion_published == 0.0  # the mixin's own field stays unused


def test_trust_one_request_right_after_opening_adds_almost_nothing(harness, video, clock):
    harness.render(video, user="ana")
    status, answer = harness.call_handler(video, REPORT, {"watched": [[0, 120]], "position": 120}, user="ana")
    assert status == 200
    assert answer["added"] <= 10 and answer["dropped"] >= 110
    assert answer["completion"] < 0.1
    clock.tick(30)  # thirty seconds of wall clock: at most 2x speed plus the allowance
    status, answer = harness.call_handler(video, REPORT, {"watched": [[0, 120]], "position": 120}, user="ana")
    assert answer["added"] == 70
    assert [e for e, _ in harness.events("ana")].count("edx.chaptered_video.completed") == 0


def test_chapter_and_completion_events_fire_once(harness, video, clock):
    harness.render(video, user="ana")
    for start in range(0, 120, 10):
        status, answer = watch(harness, video, clock, "ana", [[start, start + 10]], position=start + 10)
        assert status == 200 and answer["added"] == 10
    assert answer["completion"] == 1.0 and all(c["complete"] for c in answer["chapters"])
    events = harness.events("ana")
    names = [name for name, _ in events]
    assert names.count("edx.chaptered_video.chapter_reached") == 4
    assert names.count("edx.chaptered_video.chapter_completed") == 4
    assert names.count("edx.chaptered_video.completed") == 1
    assert names.count("edx.chaptered_video.progress") == 12
    reached = [d for n, d in events if n == "edx.chaptered_video.chapter_reached"]
    assert reached[1] == {
        "module_id": "demo-video",
        "chapter": 1,
        "title": "Finding the shared opportunities",
        "chapters_total": 4,
    }
    done = [d for n, d in events if n == "edx.chaptered_video.chapter_completed"][0]
    assert done["chapter"] == 0 and done["coverage"] >= 0.9 and done["chapters_total"] == 4
    progress = [d for n, d in events if n == "edx.chaptered_video.progress"][-1]
    assert progress == {
        "module_id": "demo-video",
        "coverage": 1.0,
        "position": 120.0,
        "added_seconds": 10,
        "dropped_seconds": 0,
        "duration": 120.0,
        "segments": [[110.0, 120.0]],
        "reason": "progress",
        "chapter": 3,
    }
    completions = [d["completion"] for n, d in events if n == "completion"]
    assert completions == sorted(completions) and completions[-1] == 1.0
    assert len(completions) == len(set(completions))
    status, answer = watch(harness, video, clock, "ana", [[0, 120]])
    assert status == 200 and answer["added"] == 0
    assert len(harness.events("ana", "edx.chaptered_video.completed")) == 1
    assert len(harness.events("ana")) == len(events)


def test_two_tabs_merge(harness, video, clock):
    harness.render(video, user="ana")
    clock.tick(10)
    harness.call_handler(video, REPORT, {"watched": [[0, 10]], "position": 10}, user="ana")
    harness.call_handler(video, REPORT, {"watched": [[60, 70]], "position": 70}, user="ana")
    clock.tick(10)
    harness.call_handler(video, REPORT, {"watched": [[10, 20]], "position": 20}, user="ana")
    status, answer = harness.call_handler(video, REPORT, {"watched": [[70, 80]], "position": 80}, user="ana")
    assert status == 200 and answer["coverage"] == pytest.approx(40 / 120, abs=1e-4)
    assert [c["coverage"] for c in answer["chapters"]] == [pytest.approx(2 / 3, abs=1e-4), 0.0, 0.6667, 0.0]


BAD_BODIES = [
    (b"not json", "not valid JSON"),
    (b'{"watched": [[0, NaN]]}', "NaN"),
    (b'{"watched": [[0, Infinity]]}', "Infinity"),
    (b'{"watched": [[0, 10]], "position": -Infinity}', "Infinity"),
    (b"[]", "JSON object"),
    (b'{"position": 10}', '"watched" is missing'),
    (b'{"watched": {"0": 10}}', "must be a list"),
    (b'{"watched": [["a", "b"]]}', "must be a number"),
    (b'{"watched": [[0, 10]], "position": "10"}', '"position" must be a number'),
    (b'{"watched": [[-5, 10]]}', "must not be negative"),
    (b'{"watched": [[30, 10]]}', "reversed"),
    (json.dumps({"watched": [[0, 1]] * 1001}).encode(), "at most 1000"),
    (b'{"watched": [], "pad": "' + b"x" * 70000 + b'"}', "too large"),
    (b"\xff\xfe", "not UTF-8"),
    (b'{"watched": [[0, 10]], "reason": "rewind"}', '"reason" must be one of progress, play, pause'),
    (b'{"watched": [], "reason": ["play"]}', "(got 'list')"),
    (b'{"watched": [], "reason": 7}', "(got 'int')"),
    (b'{"watched": [], "reason": "<script>alert(1)</script>"}', "must be one of"),
    (b'{"watched": [[10, 20]], "position": 50, "reason": "seek"}', '"from" is missing'),
    (b'{"watched": [], "position": 50, "reason": "seek", "from": "10"}', '"from" must be a number'),
    (b'{"watched": [], "position": 50, "reason": "seek", "from": -3}', '"from" must not be negative'),
    (b'{"watched": [], "position": 50, "reason": "seek", "from": NaN}', "NaN"),
    (b'{"watched": [], "position": 50, "reason": "seek", "from": 900}', '"from" (900 s) is past the end'),
]


@pytest.mark.parametrize("raw, words", BAD_BODIES)
def test_bad_reports_are_refused_and_change_nothing(harness, video, clock, raw, words):
    harness.render(video, user="ana")
    watch(harness, video, clock, "ana", [[0, 10]], position=10)
    before = user_state(harness, "ana")
    events = len(harness.published)
    clock.tick(10)
    status, answer = harness.call_handler(video, REPORT, raw=raw, user="ana")
    assert status == 400
    assert words in answer["error"]
    assert user_state(harness, "ana") == before and len(harness.published) == events


def moments(harness, user):
    return [
        (d["reason"], d.get("from"), d["position"], d["added_seconds"], d["chapter"])
        for n, d in harness.events(user)
        if n == "edx.chaptered_video.progress"
    ]


def test_play_pause_seek_and_leave_are_published_even_when_they_add_nothing(harness, video, clock):
    harness.render(video, user="ana")
    say = lambda body: harness.call_handler(video, REPORT, body, user="ana")  # noqa: E731
    clock.tick(1)
    assert say({"watched": [], "position": 0, "reason": "play"})[0] == 200
    clock.tick(10)
    assert say({"watched": [[0, 10]], "position": 10, "reason": "progress"})[0] == 200
    assert say({"watched": [], "position": 10})[0] == 200  # nothing new, no reason: nothing published
    clock.tick(5)
    status, answer = say({"watched": [[10, 15]], "position": 60, "reason": "seek", "from": 15})
    assert status == 200 and answer["position"] == 60.0 and answer["added"] == 5
    assert say({"watched": [], "position": 60, "reason": "pause"})[0] == 200
    clock.tick(1)
    assert say({"watched": [[60, 61]], "position": 61, "reason": "leave"})[0] == 200
    assert say({"watched": [], "position": 61, "reason": "progress"})[0] == 200  # nothing new: nothing sent
    assert moments(harness, "ana") == [  # the demo's chapters start at 0, 30, 60 and 90 s
        ("play", None, 0.0, 0, 0),
        ("progress", None, 10.0, 10, 0),
        ("seek", 15.0, 60.0, 5, 2),
        ("pause", None, 60.0, 0, 2),
        ("leave", None, 61.0, 1, 2),
    ]
    pause = [d for n, d in harness.events("ana") if n == "edx.chaptered_video.progress"][3]
    assert pause["segments"] == [] and pause["coverage"] == pytest.approx(15 / 120, abs=1e-4)


def test_a_seek_past_the_end_is_clamped_and_from_is_ignored_elsewhere(harness, video, clock):
    harness.render(video, user="ana")
    clock.tick(1)
    body = {"watched": [], "position": 120.5, "reason": "seek", "from": 121}
    assert harness.call_handler(video, REPORT, body, user="ana")[0] == 200
    body = {"watched": [], "position": 30, "reason": "pause", "from": "not read"}
    assert harness.call_handler(video, REPORT, body, user="ana")[0] == 200
    assert moments(harness, "ana") == [("seek", 120.0, 120.0, 0, 3), ("pause", None, 30.0, 0, 1)]


def test_report_needs_post(harness, video):
    status, answer = harness.call_handler(video, REPORT, method="GET", user="ana")
    assert status == 405 and "POST" in answer["error"]


def test_slightly_past_end_is_clamped(harness, video, clock):
    harness.render(video, user="ana")
    status, answer = watch(harness, video, clock, "ana", [[115, 120.6]], position=120.6)
    assert status == 200 and answer["position"] == 120.0 and answer["chapters"][3]["coverage"] > 0


def test_huge_numbers_are_refused(harness, video, clock):
    status, answer = watch(harness, video, clock, "ana", [[0, 1e308]], position=1e308)
    assert status == 400 and "too large" in answer["error"]


def test_chapters_vtt_handler(harness, video):
    status, text = harness.call_handler(video, "chapters_vtt", method="GET", user="ana")
    assert status == 200 and text.startswith("WEBVTT")
    assert "00:01:30.000 --> 00:02:00.000\nNext steps after the launch meeting" in text
    status, _ = harness.call_handler(video, "chapters_vtt", {"x": 1}, user="ana")
    assert status == 405


def test_inline_captions_are_served(harness):
    video = harness.parse(
        '<chaptered_video duration="1:00"><source src="/static/a.mp4"/>'
        '<track srclang="en" label="English">1\n00:00:01,000 --> 00:00:02,000\nHello\n</track>'
        '<segment start="0" title="All"/></chaptered_video>'
    )
    block = harness.block(video, "ana")

    response = block.runtime.handle(block, "captions", webob.Request.blank("/"), "0")
    assert response.status_code == 200 and "00:00:01.000 --> 00:00:02.000\nHello" in response.text
    for suffix in ("1", "x", "../0", ""):
        assert block.runtime.handle(block, "captions", webob.Request.blank("/"), suffix).status_code == 404
    html = harness.render(video, user="ana")
    assert 'src="/handler/' in html and "/captions/0" in html


def test_srt_file_track_is_left_to_the_player_to_convert(harness, clock):
    video = harness.parse(
        '<chaptered_video duration="1:00"><source src="/static/a.mp4"/>'
        '<track src="/static/a.en.srt" srclang="en" label="English"/>'
        '<track src="/static/a.fr.vtt" srclang="fr" label="Français"/>'
        '<segment start="0" title="All"/></chaptered_video>'
    )
    assert video.validate().empty
    html = harness.render(video, user="ana")
    assert 'data-srt-src="/static/a.en.srt"' in html and ' src="/static/a.en.srt"' not in html
    assert 'src="/static/a.fr.vtt"' in html and 'data-srt-src="/static/a.fr.vtt"' not in html
    args = json.loads(re.search(r'class="xblock_json_init_args">(.*?)</script>', html, re.S).group(1))
    assert args["strings"]["captionsFailed"] and args["strings"]["cannotPlay"]


def test_studio_json_without_optional_keys_renders_and_bad_kind_is_refused(harness, clock):
    video = harness.parse(DEMO)
    body = {
        "values": {
            "sources": [{"src": "/static/b.webm"}],
            "tracks": [{"src": "/static/b.vtt", "srclang": "de"}],
        },
        "defaults": [],
    }
    assert harness.call_handler(video, "submit_studio_edits", body, user="author")[0] == 200
    html = harness.render(video, user="ana")
    assert '<source src="/static/b.webm" type="video/webm">' in html
    assert 'kind="captions" src="/static/b.vtt" srclang="de" label="de"' in html
    body["values"]["tracks"] = [{"src": "/static/b.vtt", "srclang": "de", "kind": "metadata"}]
    status, answer = harness.call_handler(video, "submit_studio_edits", body, user="author")
    assert status == 400 and 'has kind \\"metadata\\"' in json.dumps(answer)
    assert harness.block(video, "author").tracks == [{"src": "/static/b.vtt", "srclang": "de"}]


def test_hls_only_sources_warn_in_studio_but_save_and_play(harness, clock):
    video = harness.parse(DEMO)
    body = {"values": {"sources": [{"src": "https://cdn.example/s/master.m3u8"}]}, "defaults": []}
    status, _answer = harness.call_handler(video, "submit_studio_edits", body, user="author")
    assert status == 200
    author = harness.block(video, "author")
    messages = author.validate().messages
    assert [m.type for m in messages] == ["warning"] and "add an MP4 source" in messages[0].text
    assert 'src="https://cdn.example/s/master.m3u8"' in harness.render(video, user="ana")
    assert 'class="cv-media-error" role="alert" hidden' in harness.render(video, user="ana")
    author.sources = [{"src": "https://cdn.example/s/master.m3u8"}, {"src": "/static/a.mp4"}]
    assert author.validate().empty


def test_learner_view_and_resume(harness, video, clock):
    html = harness.render(video, user="ana")
    assert "Welcome and why industry leads" in html and 'kind="chapters"' in html
    assert 'class="cv-resume" hidden' in html and "cv-staff" not in html
    assert 'src="/static/demo-clip.mp4"' in html and 'src="/static/demo-clip.en.vtt"' in html
    watch(harness, video, clock, "ana", [[30, 40]], position=42.7)
    html = harness.render(video, user="ana")
    assert "Resume at 0:42" in html and "Start over" in html
    assert 'data-mark="partial"' in html and "Partly watched (33%)" in html
    args = json.loads(re.search(r'class="xblock_json_init_args">(.*?)</script>', html, re.S).group(1))
    assert args["position"] == 42.7 and args["duration"] == 120.0
    assert args["reportUrl"].endswith("/report_progress/")
    assert args["strings"]["resume"] == "Resume at {time}"
    assert args["progress"]["chapters"][1]["coverage"] == 0.3333


def test_long_video_shows_hours(harness, clock):
    video = harness.parse(SESSION_1)
    block = harness.block(video, "ana")
    block.learner_state = LearnerState(position=2530.0).to_text()
    block.save()
    html = harness.render(video, user="ana")
    assert "Resume at 0:42:10" in html and "1:10:00" in html


HOSTILE = """
<chaptered_video display_name="&lt;script&gt;alert(1)&lt;/script&gt;" duration="2:00">
  <source src="/static/a&quot; onerror=&quot;alert(1).mp4" type="video/mp4"/>
  <track src="/static/x.vtt&quot;&gt;&lt;script&gt;" srclang="en" label="&lt;img src=x onerror=alert(2)&gt;"/>
  <segment start="0" title="&lt;img src=x onerror=alert(3)&gt;">&lt;b&gt;bold&lt;/b&gt;</segment>
  <segment start="1:00" title="&lt;/script&gt;&lt;script&gt;alert(4)&lt;/script&gt;"/>
</chaptered_video>
"""


def test_hostile_text_is_escaped_everywhere(harness, clock):
    video = harness.parse(HOSTILE)
    for user in ("ana", "staff_1"):
        html = harness.render(video, user=user)
        assert "<script>alert" not in html and "<img" not in html and "<b>" not in html
        assert "&lt;img src=x onerror=alert(3)&gt;" in html
        assert 'onerror="alert(1)' not in html
    status, text = harness.call_handler(video, "chapters_vtt", method="GET", user="ana")
    assert "&lt;/script&gt;" in text and "<script>" not in text
    watch(harness, video, clock, "ana", [[0, 5]])
    title = harness.events("ana", "edx.chaptered_video.chapter_reached")[0][1]["title"]
    assert title == "<img src=x onerror=alert(3)>"  # events carry the text; displays escape it


def test_staff_view_counts_learners_across_users(harness, video, clock):
    for user in ("ana", "ben"):
        harness.render(video, user=user)
    for start in range(0, 60, 10):
        watch(harness, video, clock, "ana", [[start, start + 10]], position=start + 10, wait=10)
    watch(harness, video, clock, "ben", [[0, 10]], position=10)
    reach = harness.block(video, "staff_1").reach
    assert reach == {"learners": 2, "reached": [2, 1, 0, 0], "completed": [1, 1, 0, 0]}
    html = harness.render(video, user="staff_1")
    assert "2 learners started this video." in html
    assert "1. Welcome and why industry leads: reached 2, completed 1" in html
    assert re.search(r'<span class="cv-bar-reached" style="width: 100.0%">', html)  # 2 of 2 reached
    assert re.search(r'<span class="cv-bar-completed" style="width: 50.0%">', html)
    assert "cv-staff" not in harness.render(video, user="ana")


def test_generate_report_data(harness, video, clock):
    harness.render(video, user="ana")
    for start in range(0, 120, 10):
        watch(harness, video, clock, "ana", [[start, start + 10]], position=start + 10)
    watch(harness, video, clock, "ben", [[0, 10]], position=10)

    class State:
        def __init__(self, username, state):
            self.username, self.state = username, state

    def states():
        for user in ("ana", "ben", "cleo"):
            block = harness.block(video, user)
            yield State(user, {"learner_state": block.learner_state} if user != "cleo" else {})

    block = harness.block(video, "staff_1")
    rows = list(block.generate_report_data(states()))
    assert rows == [
        ("ana", {"coverage": 1.0, "chapters_completed": 4, "last_position": "0:02:00", "completed": "yes"}),
        ("ben", {"coverage": 0.0833, "chapters_completed": 0, "last_position": "0:00:10", "completed": "no"}),
        ("cleo", {"coverage": 0.0, "chapters_completed": 0, "last_position": "0:00:00", "completed": "no"}),
    ]
    assert len(list(block.generate_report_data(states(), limit_responses=1))) == 1
    hostile = [
        State("eve", {"learner_state": "1;nan;NaN;2;%%%"}),
        State("fay", {"learner_state": ["not", "text"]}),
        State("gus", None),
        State("hal", {"learner_state": "1;0;-inf;0;" + "=" * 9000}),
    ]
    for _user, row in block.generate_report_data(hostile):
        assert row == {
            "coverage": 0.0,
            "chapters_completed": 0,
            "last_position": "0:00:00",
            "completed": "no",
        }


def test_progress_summary_contract(harness, video, clock):
    harness.render(video, user="ana")
    watch(harness, video, clock, "ana", [[0, 28]], position=28)
    summary = harness.block(video, "ana").progress_summary()
    assert summary == {
        "completion": pytest.approx(28 / 120, abs=1e-4),
        "coverage": pytest.approx(28 / 120, abs=1e-4),
        "position": 28.0,
        "chapters_total": 4,
        "chapters_complete": 1,
        "chapters": [
            {
                "index": 0,
                "title": "Welcome and why industry leads",
                "start": 0.0,
                "coverage": 0.9333,
                "complete": True,
            },
            {
                "index": 1,
                "title": "Finding the shared opportunities",
                "start": 30.0,
                "coverage": 0.0,
                "complete": False,
            },
            {
                "index": 2,
                "title": "Public partners in a support role",
                "start": 60.0,
                "coverage": 0.0,
                "complete": False,
            },
            {
                "index": 3,
                "title": "Next steps after the launch meeting",
                "start": 90.0,
                "coverage": 0.0,
                "complete": False,
            },
        ],
        "duration": 120.0,
    }
    json.dumps(summary, allow_nan=False)


def test_olx_export_round_trip_through_the_runtime(harness):
    video = harness.parse(DEMO)
    node = etree.Element("x")
    video.add_xml_to_node(node)
    text = etree.tostring(node, encoding="unicode")
    assert text.startswith("<chaptered_video") and 'module_id="demo-video"' in text
    again = harness.parse(text)
    for name in (
        "display_name",
        "duration",
        "completion_threshold",
        "sources",
        "tracks",
        "chapters",
        "module_id",
    ):
        assert getattr(again, name) == getattr(video, name), name


def test_validate_names_the_chapter(harness):
    video = harness.parse(DEMO)
    assert video.validate().empty
    video.chapters = "0:00 Intro\n0:30 Too short\n0:35 \n3:00 Late\nsoon Oops"
    video.duration = "2:00"
    messages = [m.text for m in video.validate().messages]
    assert any(m.startswith('line 5 "soon Oops"') for m in messages)
    assert any('chapter 2 "Too short" lasts' in m for m in messages)
    assert any("chapter 3: the title is empty" in m for m in messages)
    assert any('chapter 4 "Late" starts at 0:03:00, past the end' in m for m in messages)
    video.chapters, video.duration, video.sources = "0:00 Intro", "soon", []
    messages = [m.text for m in video.validate().messages]
    assert any("duration does not parse" in m for m in messages)
    assert any("no video source" in m for m in messages)


def test_studio_edit_refuses_bad_chapters_and_keeps_the_old_ones(harness):
    video = harness.parse(DEMO)
    old = video.chapters
    body = {"values": {"chapters": "0:00 A\n0:03 B"}, "defaults": []}
    status, answer = harness.call_handler(video, "submit_studio_edits", body, user="author")
    assert status == 400 and 'chapter 1 \\"A\\" lasts 3 s' in json.dumps(answer)
    assert harness.block(video, "author").chapters == old
    body = {"values": {"chapters": "0:00 Start\n1:00 Middle", "display_name": "New"}, "defaults": []}
    status, answer = harness.call_handler(video, "submit_studio_edits", body, user="author")
    assert status == 200
    fresh = harness.block(video, "author")
    assert fresh.chapters == "0:00 Start\n1:00 Middle" and fresh.display_name == "New"


def test_studio_view_lists_the_fields(harness):
    video = harness.parse(DEMO)
    html = harness.render(video, "studio_view", user="author")
    for label in (
        "Title",
        "Duration",
        "Video sources",
        "Caption tracks",
        "Chapters",
        "Chapter completion threshold",
    ):
        assert label in html


def test_broken_settings_show_a_message_and_refuse_reports(harness, clock):
    video = harness.parse(DEMO)
    author = harness.block(video, "author")
    author.duration = "soon"
    author.save()
    html = harness.render(video, user="ana")
    assert "not set up correctly" in html and "<video" not in html and "does not parse" not in html
    assert "does not parse" in harness.render(video, user="staff_1")
    status, answer = harness.call_handler(video, REPORT, {"watched": [[0, 5]]}, user="ana")
    assert status == 409 and "not set up correctly" in answer["error"]
    assert harness.block(video, "ana").progress_summary()["duration"] is None
    assert harness.call_handler(video, "chapters_vtt", method="GET")[1] == "WEBVTT\n"


def test_demo_scenario_renders_in_the_workbench(workbench, client):
    response = client.get("/scenario/chaptered_video.0/?student=ana")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Welcome and why industry leads" in page and "ChapteredVideoInit" in page


def test_raise_completion_keeps_the_published_value_in_the_packed_state(harness, video, clock):
    block = harness.block(video, "ana")
    block.learner_state = LearnerState("", position=33.0, last_report_at=5.0).to_text()
    assert block.raise_completion(0.4) is True
    assert block.raise_completion(0.3) is False and block.raise_completion(0.4) is False
    state = LearnerState.from_text(block.learner_state)
    assert (state.completion_published, state.position, state.last_report_at) == (0.4, 33.0, 5.0)
    assert [d for n, d in harness.events("ana") if n == "completion"] == [{"completion": 0.4}]


@pytest.mark.parametrize("threshold", [0.0, 1.5, -1.0, None])
def test_broken_threshold_refuses_reports_without_touching_state(harness, clock, threshold):
    video = harness.parse(DEMO)
    author = harness.block(video, "author")
    author.completion_threshold = threshold
    author.save()
    status, answer = harness.call_handler(video, REPORT, {"watched": [[0, 5]]}, user="ana")
    assert status == 409 and "not set up correctly" in answer["error"]
    assert user_state(harness, "ana") == {} and harness.events("ana") == []


def test_report_answer_is_the_views_progress(harness, video, clock):
    harness.render(video, user="ana")
    status, answer = watch(harness, video, clock, "ana", [[25, 38.4]], position=38.4)
    summary = harness.block(video, "ana").progress_summary()
    assert answer["coverage"] == summary["coverage"] and answer["completion"] == summary["completion"]
    assert [c["coverage"] for c in answer["chapters"]] == [c["coverage"] for c in summary["chapters"]]
    assert answer == {
        "coverage": 0.1083,
        "completion": 0.1083,
        "position": 38.4,
        "chapters": [
            {"index": 0, "coverage": 0.1667, "complete": False},
            {"index": 1, "coverage": 0.2667, "complete": False},
            {"index": 2, "coverage": 0.0, "complete": False},
            {"index": 3, "coverage": 0.0, "complete": False},
        ],
        "added": 13,
        "dropped": 0,
    }


@settings(max_examples=300, deadline=None)
@given(st.text() | st.text(alphabet=st.characters(max_codepoint=0x7F)) | st.binary())
def test_fast_string_check_equals_strings_own(value):
    fast = ChapteredVideoBlock.fields["learner_state"]
    assert isinstance(fast, FastString)
    try:
        expected = String()._sanitize(value)
    except UnicodeDecodeError:
        with pytest.raises(UnicodeDecodeError):
            fast._sanitize(value)
        return
    assert fast._sanitize(value) == expected


def test_fast_string_keeps_strings_behaviour_on_the_fields():
    for name in ("learner_state", "duration", "chapters"):
        assert isinstance(ChapteredVideoBlock.fields[name], FastString)
    text = "0:00 Intro\n\t0:30 Next\r\n"
    assert FastString()._sanitize(text) is text
    assert FastString()._sanitize("a\x00b\x1fc\x0b") == "abc"
    assert FastString()._sanitize("é\x01") == "é"
