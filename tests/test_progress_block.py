"""The facilitator_progress block: OLX, learner view through the real blocks, search, staff and 403."""

import json
from xml.sax.saxutils import quoteattr

import pytest
import webob
from xblock.fields import ScopeIds

from xblocks.chaptered_video import block as video_block
from xblocks.facilitator_progress import FacilitatorProgressBlock
from xblocks.facilitator_progress.scenarios import DEMO_PAGE, PROGRESS

HOSTILE = '<script>alert("x")</script>'


class Clock:
    """Replaces the video block's server clock so reports may add watched time."""

    def __init__(self):
        self.value = 1_000_000.0

    def __call__(self):
        return self.value

    def advance(self, seconds):
        self.value += seconds


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(video_block, "now", fake)
    return fake


@pytest.fixture
def page(harness):
    root = harness.parse(DEMO_PAGE)
    children = {harness.block(c).scope_ids.block_type: c for c in root.children}
    return root, children


def watch(harness, video, user, clock, upto):
    """Play the demo clip from 0 to ``upto`` seconds in reports the server accepts."""
    start = 0.0
    status, _ = harness.call_handler(
        video, "report_progress", {"watched": [[0, 1]], "position": 1}, user=user
    )
    assert status == 200
    while start < upto:
        end = min(upto, start + 30)
        clock.advance(30)
        status, body = harness.call_handler(
            video, "report_progress", {"watched": [[start, end]], "position": end}, user=user
        )
        assert status == 200, body
        start = end
    return body


def view(harness, children, user):
    status, body = harness.call_handler(children["facilitator_progress"], "snapshot", {}, user=user)
    assert status == 200, body
    return body


# --- OLX ---------------------------------------------------------------------------------------


def test_olx_round_trip(harness):
    block = harness.parse(PROGRESS)
    from lxml import etree

    node = etree.Element("x")
    block.add_xml_to_node(node)
    again = harness.parse(etree.tostring(node, encoding="unicode"))
    assert again.tracks == block.tracks and again.transcripts == block.transcripts
    assert again.display_name == block.display_name and again.module_id == "demo-progress"
    assert len(block.transcripts[0]["cues"]) == 12 and block.transcripts[0]["chapters"][1] == [
        30.0,
        "Finding the shared opportunities",
    ]


def test_olx_ignores_url_name_and_family(harness):
    xml = PROGRESS.replace(
        "<facilitator_progress ", '<facilitator_progress url_name="p1" xblock-family="xblock.v1" '
    )
    assert harness.parse(xml).tracks


BAD_OLX = [
    (
        '<facilitator_progress colour="red">'
        '<track block_type="stage_toolkit" ref="t" label="T" kind="toolkit"/>'
        "</facilitator_progress>",
        'unknown attribute "colour"',
    ),
    ("<facilitator_progress/>", "nothing to track"),
    (
        "<facilitator_progress>"
        '<track block_type="html" ref="t" label="T" kind="toolkit"/></facilitator_progress>',
        "block_type must be one of",
    ),
    (
        "<facilitator_progress>"
        '<track block_type="stage_toolkit" ref="t" label="T" kind="quiz"/></facilitator_progress>',
        "kind quiz goes with block_type checkpoint_quiz",
    ),
    (
        "<facilitator_progress>"
        '<track block_type="stage_toolkit" ref="t" label="T" kind="toolkit"/>'
        '<track block_type="stage_toolkit" ref="t" label="U" kind="toolkit"/></facilitator_progress>',
        "tracked twice",
    ),
    (
        "<facilitator_progress>"
        '<track block_type="stage_toolkit" ref="../x" label="T" kind="toolkit"/>'
        "</facilitator_progress>",
        "ref must be",
    ),
    (
        "<facilitator_progress>"
        '<track block_type="stage_toolkit" ref="t" label=" " kind="toolkit"/>'
        "</facilitator_progress>",
        "label is empty",
    ),
    (
        "<facilitator_progress>"
        '<track block_type="stage_toolkit" ref="t" label="T" kind="toolkit" '
        'href="javascript:alert(1)"/></facilitator_progress>',
        "href must start",
    ),
    (
        "<facilitator_progress>"
        '<track block_type="stage_toolkit" ref="t" label="T" kind="toolkit"/>'
        '<transcript session="s9" title="x"/></facilitator_progress>',
        'no track of kind session has session="s9"',
    ),
    (
        "<facilitator_progress>"
        '<track block_type="chaptered_video" ref="v" label="V" kind="session" session="s"/>'
        '<transcript session="s"><segment start="soon" title="x"/></transcript></facilitator_progress>',
        "not a time",
    ),
    (
        "<facilitator_progress>"
        '<track block_type="chaptered_video" ref="v" label="V" kind="session" session="s"/>'
        '<transcript session="s"><cues>WEBVTT\n\n00:00:09.000 --> 00:00:01.000\nback\n</cues></transcript>'
        "</facilitator_progress>",
        "ends before it starts",
    ),
    (
        '<facilitator_progress><chapter/><track block_type="stage_toolkit" ref="t" label="T" kind="toolkit"/>'
        "</facilitator_progress>",
        "unknown element <chapter>",
    ),
]


@pytest.mark.parametrize(("xml", "message"), BAD_OLX)
def test_bad_olx_says_what_and_where(harness, xml, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace("[", r"\[")):
        harness.parse(xml)


def test_validate_reports_track_problems(harness):
    block = harness.parse(PROGRESS)
    assert block.validate().empty
    block.tracks = [dict(block.tracks[0], kind="toolkit")]
    assert any("goes with block_type" in m.text for m in block.validate().messages)


# --- learner view through the real blocks (preview path: progress_summary through the runtime) ----


def test_fresh_learner_sees_start_and_no_completion(harness, page):
    _root, children = page
    body = view(harness, children, "ana")
    assert body["source"] == "runtime"
    assert body["overall_percent"] == 0 and not body["course_complete"]
    assert body["next"]["text"] == "Start Demo session: a partnership meeting"
    html = harness.render(children["facilitator_progress"], user="ana")
    assert "Start Demo session" in html and "Course complete" not in html
    assert "0 of 4 chapters watched" in html and "Not taken yet" in html and "0 of 2 items checked" in html
    assert "Staff:" not in html


def test_progress_follows_what_the_learner_did(harness, page, clock):
    _root, children = page
    watch(harness, children["chaptered_video"], "ben", clock, 45)
    body = view(harness, children, "ben")
    video_part = body["rows"][0]["parts"][0]
    assert video_part["text"] == "1 of 4 chapters watched"
    assert body["next"]["text"] == "Resume Demo session: a partnership meeting at 0:45"
    assert body["next"]["seconds"] == 45.0 and body["next"]["usage_id"] == str(children["chaptered_video"])
    status, answer = harness.call_handler(
        children["checkpoint_quiz"], "submit", {"answers": {"lead": ["colleges"]}}, user="ben"
    )
    assert status == 200, answer
    body = view(harness, children, "ben")
    assert body["rows"][0]["parts"][1]["text"].startswith("Not passed yet (0%)")
    # another learner's work changes nothing for ben
    watch(harness, children["chaptered_video"], "ana", clock, 120)
    assert view(harness, children, "ben")["rows"][0]["parts"][0]["text"] == "1 of 4 chapters watched"


def test_course_complete_state(harness, page, clock):
    _root, children = page
    watch(harness, children["chaptered_video"], "ana", clock, 120)
    assert (
        harness.call_handler(
            children["checkpoint_quiz"], "submit", {"answers": {"lead": ["industry"]}}, user="ana"
        )[0]
        == 200
    )
    for item in ("team-agreed", "industry"):
        assert (
            harness.call_handler(
                children["stage_toolkit"], "toggle_item", {"item": item, "checked": True}, user="ana"
            )[0]
            == 200
        )
    body = view(harness, children, "ana")
    assert body["course_complete"] and body["overall_percent"] == 100 and body["next"] is None
    html = harness.render(children["facilitator_progress"], user="ana")
    assert "Course complete" in html and "Resume" not in html and "Start Demo" not in html
    events = harness.events("ana", "edx.facilitator_progress.progress_viewed")
    assert events[-1][1] == {
        "module_id": "demo-progress",
        "overall": 1.0,
        "modules_complete": 3,
        "modules_total": 3,
        "source": "runtime",
    }


# --- Open edX path: the completion service --------------------------------------------------------


class FakeUsageKey:
    def __init__(self, course, block_type, block_id):
        self.course_key = FakeCourseKey(course)
        self.block_type, self.block_id = block_type, block_id

    def __eq__(self, other):
        return isinstance(other, FakeUsageKey) and str(self) == str(other)

    def __hash__(self):
        return hash(str(self))

    def __str__(self):
        return f"block-v1:{self.course_key.name}+type@{self.block_type}+block@{self.block_id}"


class FakeCourseKey:
    def __init__(self, name):
        self.name = name

    def make_usage_key(self, block_type, block_id):
        return FakeUsageKey(self.name, block_type, block_id)

    def __str__(self):
        return f"course-v1:{self.name}"


class FakeCompletionService:
    """openedx/completion's CompletionService interface, answering from a dict."""

    def __init__(self, values, enabled=True):
        self.values = values
        self.enabled = enabled
        self.asked = []

    def completion_tracking_enabled(self):
        return self.enabled

    def get_completions(self, candidates):
        self.asked.append(list(candidates))
        return {key: self.values.get(str(key), 0.0) for key in candidates}

    def vertical_is_complete(self, item):
        return False

    def get_completable_children(self, node):
        return []

    def submit_completion(self, block_key, completion):
        raise AssertionError("the progress block never submits completion")


def lms_block(harness, user="ana"):
    template = harness.parse(PROGRESS)
    runtime = harness.runtime(user)
    usage = FakeUsageKey("NGSP+Facilitator+2025", "facilitator_progress", "progress")
    block = runtime.construct_xblock_from_class(
        FacilitatorProgressBlock, ScopeIds(user, "facilitator_progress", "progress-def", usage)
    )
    block.tracks, block.transcripts, block.module_id = template.tracks, template.transcripts, "progress"
    return block


def call(block, name, payload):
    request = webob.Request.blank("/", method="POST", body=json.dumps(payload).encode())
    response = block.runtime.handle(block, name, request)
    return response.status_code, json.loads(response.body)


def test_reads_the_completion_service_when_present():
    from tests.runtime import Harness

    service = FakeCompletionService(
        {
            "block-v1:NGSP+Facilitator+2025+type@chaptered_video+block@demo-video": 1.0,
            "block-v1:NGSP+Facilitator+2025+type@checkpoint_quiz+block@demo-quiz": 0.0,
            "block-v1:NGSP+Facilitator+2025+type@stage_toolkit+block@demo-toolkit": 0.5,
        }
    )
    harness = Harness(services={"completion": service})
    status, body = call(lms_block(harness), "snapshot", {})
    assert status == 200 and body["source"] == "completion"
    assert [str(k) for k in service.asked[0]] == [
        "block-v1:NGSP+Facilitator+2025+type@chaptered_video+block@demo-video",
        "block-v1:NGSP+Facilitator+2025+type@checkpoint_quiz+block@demo-quiz",
        "block-v1:NGSP+Facilitator+2025+type@stage_toolkit+block@demo-toolkit",
    ]
    assert body["modules_complete"] == 1 and body["overall_percent"] == 33
    assert body["next"]["text"] == "Take Demo checkpoint"
    toolkit = body["rows"][1]["parts"][0]
    assert toolkit["text"] == "50% done"
    assert toolkit["href"] == "/courses/course-v1:NGSP+Facilitator+2025/jump_to_id/demo-toolkit"


def test_completion_service_switched_off_falls_back_to_the_runtime():
    from tests.runtime import Harness

    harness = Harness(services={"completion": FakeCompletionService({}, enabled=False)})
    root = harness.parse(DEMO_PAGE)
    status, body = harness.call_handler(root.children[0], "snapshot", {}, user="ana")
    assert status == 200 and body["source"] == "runtime"


# --- transcript search ------------------------------------------------------------------------------


def test_search_finds_session_chapter_and_time(harness, page):
    _root, children = page
    status, body = harness.call_handler(
        children["facilitator_progress"],
        "search_transcripts",
        {"query": "PARTNERSHIP line at 70"},
        user="ana",
    )
    assert status == 200
    assert body["total"] == 1
    hit = body["results"][0]
    assert (
        hit["session"] == "demo"
        and hit["chapter"] == 3
        and hit["chapter_title"] == "Public partners in a support role"
    )
    assert hit["seconds"] == 70.0 and hit["time"] == "0:01:10"
    assert hit["usage_id"] == str(children["chaptered_video"])
    status, body = harness.call_handler(
        children["facilitator_progress"], "search_transcripts", {"query": "partnership"}, user="ana"
    )
    assert body["total"] == 12 and [r["seconds"] for r in body["results"]] == [
        float(s) for s in range(0, 120, 10)
    ]
    assert harness.events("ana", "edx.facilitator_progress.transcripts_searched")[-1][1]["results"] == 12


BAD_SEARCHES = [
    ({}, 400, '"query" is missing'),
    ({"query": 5}, 400, "must be a string"),
    ({"query": None}, 400, "must be a string"),
    ({"query": ["a", "b"]}, 400, "must be a string"),
    ({"query": " a "}, 400, "at least 2"),
    ({"query": "x" * 201}, 400, "too long"),
]


@pytest.mark.parametrize(("payload", "status", "message"), BAD_SEARCHES)
def test_search_bad_input(harness, page, payload, status, message):
    _root, children = page
    got, body = harness.call_handler(
        children["facilitator_progress"], "search_transcripts", payload, user="ana"
    )
    assert got == status and message in body["error"]


def test_search_refuses_bad_json_get_nan_and_huge_bodies(harness, page):
    block = page[1]["facilitator_progress"]
    assert harness.call_handler(block, "search_transcripts", raw=b"{not json")[0] == 400
    assert harness.call_handler(block, "search_transcripts", raw=b'{"query": NaN}')[0] == 400
    assert harness.call_handler(block, "search_transcripts", raw=b"[]")[0] == 400
    assert (
        harness.call_handler(block, "search_transcripts", raw=b'{"query": "' + b"a" * 70000 + b'"}')[0] == 400
    )
    assert harness.call_handler(block, "search_transcripts", {"query": "line"}, method="GET")[0] == 405


def test_search_hostile_query_comes_back_as_data(harness, page):
    status, body = harness.call_handler(
        page[1]["facilitator_progress"], "search_transcripts", {"query": HOSTILE}
    )
    assert status == 200 and body == {"results": [], "total": 0, "shown": 0}


def test_snapshot_takes_an_empty_object(harness, page):
    status, body = harness.call_handler(page[1]["facilitator_progress"], "snapshot", {"learners": {"x": 1}})
    assert status == 400 and "empty JSON object" in body["error"]


# --- staff -------------------------------------------------------------------------------------------


def test_staff_view_matrix_charts_and_csv(harness, page, clock):
    _root, children = page
    watch(harness, children["chaptered_video"], "ana", clock, 120)
    watch(harness, children["chaptered_video"], "ben", clock, 45)
    harness.call_handler(
        children["stage_toolkit"], "toggle_item", {"item": "industry", "checked": True}, user="ben"
    )
    for user in ("ana", "ben"):
        view(harness, children, user)
    block = children["facilitator_progress"]
    html = harness.render(block, user="staff_1")
    assert "Staff: progress of the cohort" in html
    assert "2 learners have opened this page" in html
    assert html.count("<svg") == 2  # cohort funnel + the session's chapter reach
    assert "fp-cell fp-complete" in html and "100% ✓" in html and "50%" in html
    status, body = harness.call_handler(block, "staff_report", {}, user="staff_1")
    assert status == 200 and [r["username"] for r in body["matrix"]] == ["ana", "ben"]
    assert body["cohort"][0] == {
        "ref": "demo-video",
        "label": "Demo session: a partnership meeting",
        "started": 2,
        "completed": 1,
        "percent": 50,
    }
    request = webob.Request.blank("/", method="GET")
    response = harness.block(block, "staff_1").runtime.handle(
        harness.block(block, "staff_1"), "download_csv", request
    )
    assert response.status_code == 200 and response.content_type == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    lines = response.body.decode().splitlines()
    assert lines[0] == "username,last_visit,demo-video,demo-quiz,demo-toolkit"
    assert lines[1].startswith("ana,") and lines[1].endswith(",1.00,0.00,0.00")
    assert lines[2].startswith("ben,") and lines[2].endswith(",0.38,0.00,0.50")


def test_staff_drop_off_counts_chapters_reached(harness, page, clock):
    from xblocks.facilitator_progress import staff

    _root, children = page
    watch(harness, children["chaptered_video"], "ana", clock, 120)
    watch(harness, children["chaptered_video"], "ben", clock, 45)
    for user in ("ana", "ben", "cy"):
        view(harness, children, user)
    block = harness.block(children["facilitator_progress"], "staff_1")
    started, chapters = staff.dropoff(block.tracks[0], block.learners, block.chapter_titles()["demo"])
    assert started == 2
    assert [(title, reached) for title, reached, _ in chapters] == [
        ("Welcome and why industry leads", 2),
        ("Finding the shared opportunities", 2),
        ("Public partners in a support role", 1),
        ("Next steps after the launch meeting", 1),
    ]


def test_non_staff_gets_403_and_learns_nothing(harness, page, clock):
    _root, children = page
    watch(harness, children["chaptered_video"], "ana", clock, 30)
    view(harness, children, "ana")
    block = children["facilitator_progress"]
    status, body = harness.call_handler(block, "staff_report", {}, user="ben")
    assert status == 403 and body == {"error": "You are not allowed to do this."}
    for method in ("GET", "POST"):
        request = webob.Request.blank("/", method=method)
        learner = harness.block(block, "ben")
        response = learner.runtime.handle(learner, "download_csv", request)
        assert response.status_code == 403
        assert b"ana" not in response.body and b"demo-video" not in response.body
    html = harness.render(block, user="ben")
    assert "ana" not in html and "Staff:" not in html
    assert not harness.events("ben", "edx.facilitator_progress.report_downloaded")


def test_hostile_labels_and_usernames_are_escaped(harness, clock):
    xml = (
        f"<vertical_demo><facilitator_progress display_name={quoteattr(HOSTILE)}>"
        '<track block_type="stage_toolkit" ref="tk" label="&lt;img src=x onerror=alert(1)&gt;" '
        'kind="toolkit"/>'
        "</facilitator_progress></vertical_demo>"
    )
    root = harness.parse(xml)
    block = root.children[0]
    assert harness.call_handler(block, "snapshot", {}, user="<b>mallory</b>")[0] == 200
    html = harness.render(block, user="staff_1")
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<script>alert" not in html and "<b>mallory</b>" not in html and "&lt;b&gt;mallory" in html


# --- audit fixes: live refresh, fewer shared writes, honest percentages, completed chapters ------------


def test_snapshot_answers_the_learner_part_rendered_again(harness, page, clock):
    """The page swaps this HTML in when the block comes into view: it shows work done since it loaded."""
    _root, children = page
    first = view(harness, children, "ana")["html"]
    assert "0 of 2 items checked" in first and "Start Demo session" in first
    assert "<section" not in first and "Search the session transcripts" not in first  # learner part only
    # In a session row the video is "Recording" (the row names the session); the quiz keeps its label.
    assert "Recording:</span>" in first and "Demo checkpoint:</span>" in first
    assert "Demo session: a partnership meeting:</span>" not in first
    harness.call_handler(
        children["stage_toolkit"], "toggle_item", {"item": "industry", "checked": True}, user="ana"
    )
    watch(harness, children["chaptered_video"], "ana", clock, 45)
    again = view(harness, children, "ana")["html"]
    assert "1 of 2 items checked" in again and "1 of 4 chapters watched" in again
    assert "Resume Demo session: a partnership meeting at 0:45" in again and 'data-seconds="45.0"' in again
    page_html = harness.render(children["facilitator_progress"], user="ana")
    assert again.strip() in page_html  # the same markup as the page's own learner part


def test_snapshot_html_escapes_hostile_labels(harness):
    xml = (
        "<vertical_demo><facilitator_progress>"
        f'<track block_type="stage_toolkit" ref="tk" label={quoteattr(HOSTILE)} kind="toolkit"/>'
        "</facilitator_progress></vertical_demo>"
    )
    block = harness.parse(xml).children[0]
    status, body = harness.call_handler(block, "snapshot", {}, user="ana")
    assert status == 200 and "<script>" not in body["html"] and "&lt;script&gt;" in body["html"]


def test_unchanged_progress_does_not_rewrite_the_shared_record(harness, page, clock):
    import datetime

    _root, children = page
    view(harness, children, "ana")
    block = harness.block(children["facilitator_progress"], "staff_1")
    five_minutes_ago = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)
    block.learners = {"ana": dict(block.learners["ana"], at=five_minutes_ago.isoformat(timespec="seconds"))}
    block.save()
    first = harness.block(children["facilitator_progress"], "staff_1").learners["ana"]
    view(harness, children, "ana")
    assert harness.block(children["facilitator_progress"], "staff_1").learners["ana"] == first
    harness.call_handler(
        children["stage_toolkit"], "toggle_item", {"item": "industry", "checked": True}, user="ana"
    )
    view(harness, children, "ana")
    changed = harness.block(children["facilitator_progress"], "staff_1").learners["ana"]
    assert changed["modules"]["demo-toolkit"][0] == 0.5 and changed["modules"] != first["modules"]


def test_needs_write_rules():
    import datetime

    from xblocks.facilitator_progress.block import needs_write

    now = datetime.datetime(2025, 6, 2, 9, 0, tzinfo=datetime.UTC)
    modules = {"tk": [0.5, None, None, None]}
    record = {"at": (now - datetime.timedelta(minutes=9)).isoformat(), "modules": modules}
    assert not needs_write(record, modules, now)
    assert needs_write(record, {"tk": [1.0, None, None, None]}, now)
    assert needs_write(dict(record, at=(now - datetime.timedelta(minutes=11)).isoformat()), modules, now)
    assert needs_write(dict(record, at=(now + datetime.timedelta(minutes=1)).isoformat()), modules, now)
    for bad in ("yesterday", None, "2025-06-02T08:59:00", 5):
        assert needs_write(dict(record, at=bad), modules, now)
    assert needs_write(None, modules, now) and needs_write("junk", modules, now)


def test_started_is_never_shown_as_0_percent_nor_unfinished_as_100():
    from xblocks.facilitator_progress.progress import Status, display_percent, rows

    assert display_percent(0) == 0 and display_percent(0.0007) == 1 and display_percent(0.999) == 99
    assert display_percent(1.0) == 100 and display_percent(0.999, complete=True) == 100
    assert display_percent(float("nan")) == 0 and display_percent("x") == 0
    track = {"ref": "tk", "kind": "toolkit", "label": "Toolkit", "block_type": "stage_toolkit"}
    row = rows([track], {"tk": Status(completion=0.004)})[0]
    assert row["state"] == "started" and row["percent"] == 1 and row["parts"][0]["text"] == "1% done"


def test_staff_drop_off_counts_completed_chapters_too(harness, page, clock):
    from xblocks.facilitator_progress import staff

    _root, children = page
    watch(harness, children["chaptered_video"], "ana", clock, 120)
    watch(harness, children["chaptered_video"], "ben", clock, 45)
    for user in ("ana", "ben"):
        view(harness, children, user)
    block = harness.block(children["facilitator_progress"], "staff_1")
    learners = dict(block.learners)
    started, chapters = staff.dropoff(block.tracks[0], learners)
    assert started == 2 and [(r, c) for _t, r, c in chapters] == [(2, 2), (2, 1), (1, 1), (1, 1)]
    # A record kept before completed chapters were recorded (three items) counts as reached only.
    learners["old"] = {"at": "", "modules": {"demo-video": [0.3, [0, 1], 4]}}
    learners["junk"] = {"at": "", "modules": {"demo-video": [0.3, [0, "x", -1, 99], 4, [True, 7, "1"]]}}
    started, chapters = staff.dropoff(block.tracks[0], learners)
    assert started == 4 and [(r, c) for _t, r, c in chapters] == [(4, 2), (3, 1), (1, 1), (1, 1)]
    html = harness.render(children["facilitator_progress"], user="staff_1")
    assert "reached by 2, completed by 1" in html


def test_staff_count_of_one_learner_is_singular(harness, page):
    view(harness, page[1], "ana")
    html = harness.render(page[1]["facilitator_progress"], user="staff_1")
    assert "1 learner has opened this page" in html and "1 learners" not in html
