"""The facilitator_progress block: OLX, learner view through the real blocks, search, staff and 403."""

import contextlib
import json
from xml.sax.saxutils import quoteattr

import pytest
import webob
from xblock.fields import ScopeIds

from tests.runtime import Harness
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


# --- Open edX path: edx-completion's CompletionService over SQLite, real course-v1/block-v1 keys -------

COURSE = "course-v1:NGSP+Facilitator+2025"
SWITCH = "completion.enable_completion_tracking"


class LmsCourse:
    """One course of the LMS path: Django users, ``BlockCompletion`` rows, a progress block with real keys."""

    def __init__(self):
        from completion.services import CompletionService
        from opaque_keys.edx.keys import CourseKey

        self.key = CourseKey.from_string(COURSE)
        self.harness = Harness(
            user_services={"completion": lambda u: CompletionService(self.user(u), self.key)}
        )

    @staticmethod
    def user(name):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.get_or_create(username=str(name))[0]

    def usage(self, block_type, ref):
        return self.key.make_usage_key(block_type, ref)

    def complete(self, name, block_type, ref, value):
        """What the LMS runtime does with a block's published completion."""
        from completion.models import BlockCompletion

        return BlockCompletion.objects.submit_completion(self.user(name), self.usage(block_type, ref), value)[
            0
        ]

    def block(self, user, usage=None):
        template = self.harness.parse(PROGRESS)
        usage = usage or self.usage("facilitator_progress", "progress")
        runtime = self.harness.runtime(user)
        block = runtime.construct_xblock_from_class(
            FacilitatorProgressBlock, ScopeIds(user, "facilitator_progress", "progress-def", usage)
        )
        block.tracks, block.transcripts, block.module_id = template.tracks, template.transcripts, "progress"
        block.save()
        return block

    def call(self, block, name, payload=None, user=None):
        """A handler through ``runtime.handle`` as ``user`` (the block's own user by default)."""
        if user is not None:
            block = self.block(user, usage=block.scope_ids.usage_id)
        request = webob.Request.blank("/", method="POST", body=json.dumps(payload or {}).encode())
        response = block.runtime.handle(block, name, request)
        return response

    def render(self, block, user):
        block = self.block(user, usage=block.scope_ids.usage_id)
        return block.runtime.render(block, "student_view", {}).body_html()


@contextlib.contextmanager
def tracking_switch(active):
    """The waffle switch set; edx-toggles' per-request cache cleared as each LMS request does."""
    from edx_django_utils.cache import RequestCache
    from waffle.testutils import override_switch

    RequestCache.clear_all_namespaces()
    try:
        with override_switch(SWITCH, active=active):
            yield
    finally:
        RequestCache.clear_all_namespaces()


@pytest.fixture
def lms(db, settings, tmp_path):
    settings.TRACKING_LOG = tmp_path / "tracking.log"
    with tracking_switch(True):
        yield LmsCourse()


def snapshot_of(lms, block):
    response = lms.call(block, "snapshot")
    assert response.status_code == 200, response.body
    return json.loads(response.body)


def test_reads_the_real_completion_service(lms):
    from completion.models import BlockCompletion

    lms.complete("ana", "chaptered_video", "demo-video", 1.0)
    lms.complete("ana", "stage_toolkit", "demo-toolkit", 0.5)
    lms.complete("ben", "checkpoint_quiz", "demo-quiz", 1.0)  # another learner's row changes nothing for ana
    assert {str(r.block_key) for r in BlockCompletion.objects.filter(user__username="ana")} == {
        "block-v1:NGSP+Facilitator+2025+type@chaptered_video+block@demo-video",
        "block-v1:NGSP+Facilitator+2025+type@stage_toolkit+block@demo-toolkit",
    }
    block = lms.block("ana")
    body = snapshot_of(lms, block)
    assert body["source"] == "completion"
    assert body["modules_complete"] == 1 and body["overall_percent"] == 33
    assert body["next"]["text"] == "Take Demo checkpoint"
    assert body["rows"][0]["parts"][1]["text"] == "Not taken yet"
    assert body["rows"][1]["parts"][0]["text"] == "50% done"
    assert lms.block("staff_1").learners["ana"]["modules"]["demo-toolkit"][0] == 0.5
    # The store changes, the page follows: the LMS's figures, not a copy.
    lms.complete("ana", "checkpoint_quiz", "demo-quiz", 1.0)
    lms.complete("ana", "stage_toolkit", "demo-toolkit", 1.0)
    body = snapshot_of(lms, lms.block("ana"))
    assert body["course_complete"] and body["overall_percent"] == 100 and body["next"] is None
    assert (
        lms.harness.events("ana", "edx.facilitator_progress.progress_viewed")[-1][1]["source"] == "completion"
    )


def test_completion_tracking_switched_off_reads_the_page(lms):
    lms.complete("ana", "chaptered_video", "demo-video", 1.0)
    with tracking_switch(False):
        body = snapshot_of(lms, lms.block("ana"))
    assert body["source"] == "runtime" and body["modules_complete"] == 0
    # On the in-memory page the tracked blocks sit beside the progress block: the runtime reads them.
    harness = Harness(user_services=lms.harness.user_services)
    root = harness.parse(DEMO_PAGE)
    with tracking_switch(False):
        status, body = harness.call_handler(root.children[0], "snapshot", {}, user="ana")
    assert status == 200 and body["source"] == "runtime"


NOT_COURSE_V1 = [
    "block-v1:NGSP+Facilitator+2025+type@facilitator_progress+block@progress",  # control: course-v1 is used
    "i4x://NGSP/Facilitator/facilitator_progress/progress",  # an old Mongo (org/course/run) course
    "lb:NGSP:toolkit:facilitator_progress:progress",  # a content library
]


@pytest.mark.parametrize("usage", NOT_COURSE_V1)
def test_a_course_key_that_is_not_course_v1_reads_the_page(lms, usage, caplog):
    from opaque_keys.edx.keys import UsageKey

    key = UsageKey.from_string(usage)
    if usage.startswith("i4x://"):
        key = key.replace(course_key=key.course_key.replace(run="2025"))
    lms.complete("ana", "chaptered_video", "demo-video", 1.0)
    block = lms.block("ana", usage=key)
    body = snapshot_of(lms, block)
    staff = lms.call(block, "staff_report", user="staff_1")
    assert staff.status_code == 200
    if usage.startswith("block-v1:"):
        assert body["source"] == "completion" and json.loads(staff.body)["source"] == "completion"
        assert "is not a course-v1: key" not in caplog.text
        return
    assert body["source"] == "runtime" and body["modules_complete"] == 0
    assert json.loads(staff.body)["source"] == "snapshot"
    assert "is not a course-v1: key; reading the blocks on the page" in caplog.text
    html = lms.render(block, "staff_1")
    assert "1 learner has opened this page" in html


def test_runtime_course_id_that_is_no_course_key_reads_the_page(lms, caplog):
    harness = lms.harness
    block = harness.parse(DEMO_PAGE).children[0]
    runtime = harness.runtime("ana")
    runtime.course_id = "not a course"
    try:
        status, body = harness.call_handler(block, "snapshot", {}, user="ana")
    finally:
        del runtime.course_id
    assert status == 200 and body["source"] == "runtime"
    assert "'not a course' is not a course key" in caplog.text


# --- staff: every learner of the course from BlockCompletion, a query per page ----------------------


def enrol_cohort(lms, count):
    """``count`` learners with completion records (bulk, real models): learner-000 ... by username."""
    from completion.models import BlockCompletion

    user_model = type(lms.user("staff_1"))
    users = user_model.objects.bulk_create(user_model(username=f"learner-{i:03d}") for i in range(count))
    video, toolkit = lms.usage("chaptered_video", "demo-video"), lms.usage("stage_toolkit", "demo-toolkit")
    other = lms.usage("html", "welcome")  # a block the progress page does not track
    rows = []
    for i, user in enumerate(users):
        if i % 5 == 4:
            rows.append(
                BlockCompletion(
                    user=user, context_key=lms.key, block_key=other, block_type="html", completion=1.0
                )
            )
            continue
        rows.append(
            BlockCompletion(
                user=user,
                context_key=lms.key,
                block_key=video,
                block_type="chaptered_video",
                completion=float(i % 2),
            )
        )
        if i % 3 == 0:
            rows.append(
                BlockCompletion(
                    user=user,
                    context_key=lms.key,
                    block_key=toolkit,
                    block_type="stage_toolkit",
                    completion=0.5,
                )
            )
    BlockCompletion.objects.bulk_create(rows)
    return users


def completion_queries(captured):
    """``(roster, pages)``: the queries listing the course's learners, and those reading a page's records."""
    sql = [q["sql"] for q in captured.captured_queries if "completion_blockcompletion" in q["sql"]]
    roster = [q for q in sql if q.startswith("SELECT DISTINCT")]
    return roster, [q for q in sql if q not in roster]


def test_staff_see_every_learner_of_the_course_a_query_per_page(lms):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from opaque_keys.edx.keys import CourseKey

    from xblocks.facilitator_progress.staff import MAX_MATRIX_ROWS

    enrol_cohort(lms, 500)
    # Another course's records stay out.
    from completion.models import BlockCompletion

    elsewhere = CourseKey.from_string("course-v1:NGSP+Other+2025").make_usage_key(
        "chaptered_video", "demo-video"
    )
    BlockCompletion.objects.submit_completion(lms.user("zed-elsewhere"), elsewhere, 1.0)
    # One learner opened the progress page (chapters reached kept); one opened it and has no record.
    block = lms.block("staff_1")
    block.learners = {
        "learner-001": {"at": "2025-06-02T09:00:00+00:00", "modules": {"demo-video": [0.2, [0, 1], 4, [0]]}},
        "visitor": {"at": "2025-06-02T10:00:00+00:00", "modules": {"demo-video": [0.0, [], 4, []]}},
    }
    block.save()

    with CaptureQueriesContext(connection) as captured:
        response = lms.call(block, "staff_report")
    assert response.status_code == 200
    body = json.loads(response.body)
    roster, pages = completion_queries(captured)
    assert len(roster) == 1 and len(pages) == 2  # 500 learners, pages of 300: two page queries, not 500
    assert all(" IN (" in q for q in pages) and len(captured.captured_queries) <= 6
    assert body["source"] == "completion" and body["learners"] == 501
    names = [row["username"] for row in body["matrix"]]
    assert len(names) == MAX_MATRIX_ROWS and names == sorted(names) and names[0] == "learner-000"
    assert "zed-elsewhere" not in names
    by_name = {row["username"]: row for row in body["matrix"]}
    assert [c["completion"] for c in by_name["learner-000"]["cells"]] == [0.0, 0.0, 0.5]
    assert [c["completion"] for c in by_name["learner-001"]["cells"]] == [1.0, 0.0, 0.0]  # the store wins
    assert by_name["learner-001"]["at"] == "2025-06-02T09:00:00+00:00"
    assert [c["completion"] for c in by_name["learner-004"]["cells"]] == [0.0, 0.0, 0.0]  # html only
    video, quiz, toolkit = body["cohort"]
    assert (video["started"], video["completed"]) == (200, 200)  # odd i, not i % 5 == 4
    assert (toolkit["started"], toolkit["completed"]) == (134, 0)
    assert quiz["started"] == 0 and video["percent"] == round(100 * 200 / 501)

    with CaptureQueriesContext(connection) as captured:
        response = lms.call(block, "download_csv")
    lines = response.body.decode().splitlines()
    assert [len(found) for found in completion_queries(captured)] == [1, 2]
    assert lines[0] == "username,last_visit,demo-video,demo-quiz,demo-toolkit"
    assert len(lines) == 1 + 501 and lines[-1].startswith("visitor,2025-06-02T10:00:00+00:00,0.00,0.00,0.00")
    assert lines[1] == "learner-000,,0.00,0.00,0.50"
    assert (
        lms.harness.events("staff_1", "edx.facilitator_progress.report_downloaded")[-1][1]["learners"] == 501
    )

    html = lms.render(block, "staff_1")
    assert "501 learners in this course, as Open edX records completion" in html
    assert "first 300 of 501" in html and "learner-299" in html and "learner-300" not in html
    # The chapter reach still comes from the page visits (learner-001's record).
    from xblocks.facilitator_progress import staff

    learners, source = block.staff_learners()
    assert source == "completion" and learners["learner-001"]["modules"]["demo-video"] == [
        1.0,
        [0, 1],
        4,
        [0],
    ]
    assert staff.dropoff(block.tracks[0], learners)[0] == 1


def test_store_pages_in_username_order(lms):
    from xblocks.facilitator_progress.completion_store import completion_pages

    enrol_cohort(lms, 7)
    keys = [lms.usage("chaptered_video", "demo-video"), lms.usage("stage_toolkit", "demo-toolkit")]
    pages = list(completion_pages(lms.key, keys, page_size=3))
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [name for page in pages for name, _ in page] == [f"learner-{i:03d}" for i in range(7)]
    assert pages[0][0] == ("learner-000", [0.0, 0.5]) and pages[1][1] == ("learner-004", [None, None])
    assert list(completion_pages(lms.key, keys, page_size=7))[0][-1][0] == "learner-006"
    assert list(completion_pages(lms.key.replace(run="empty"), keys)) == []


def test_staff_view_keeps_the_snapshot_when_the_store_cannot_answer(lms, monkeypatch, caplog):
    from django.db import DatabaseError

    from xblocks.facilitator_progress import completion_store

    enrol_cohort(lms, 3)
    block = lms.block("ana")
    snapshot_of(lms, block)

    def broken(*args, **kwargs):
        raise DatabaseError("no such table: completion_blockcompletion")
        yield  # pragma: no cover

    monkeypatch.setattr(completion_store, "completion_pages", broken)
    body = json.loads(lms.call(block, "staff_report", user="staff_1").body)
    assert body["source"] == "snapshot" and [r["username"] for r in body["matrix"]] == ["ana"]
    assert "cannot read the completion records" in caplog.text


def test_staff_view_without_a_completion_service_keeps_the_snapshot(harness, page):
    view(harness, page[1], "ana")
    status, body = harness.call_handler(page[1]["facilitator_progress"], "staff_report", {}, user="staff_1")
    assert status == 200 and body["source"] == "snapshot" and body["learners"] == 1


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
