"""Links from the progress page open a session's video at a second (``#t=SECONDS&module=REF``)."""

import re

from xblocks.facilitator_progress.block import at_second


def test_at_second_adds_the_time_and_the_module():
    href = at_second("/courses/course-v1:A+B+C/jump_to_id/session-3-video", "session-3-video", 2530.4)
    assert href == "/courses/course-v1:A+B+C/jump_to_id/session-3-video#t=2530&module=session-3-video"


def test_at_second_leaves_same_page_and_timeless_links_alone():
    assert at_second("", "session-1-video", 70) == ""
    assert at_second("/courses/x/jump_to_id/toolkit-planning", "toolkit-planning", None).endswith("planning")


def test_at_second_quotes_hostile_refs():
    href = at_second("/c", 'x"><script>&y=1', 5)
    assert "<" not in href and '"' not in href and "&y=1" not in href


def test_links_name_the_course_from_the_usage_key_or_the_runtime():
    from types import SimpleNamespace

    from opaque_keys.edx.keys import CourseKey

    from xblocks.common.deeplinks import course_key, jump_href

    course = CourseKey.from_string("course-v1:NGSP+Facilitator+2026")
    in_lms = SimpleNamespace(
        scope_ids=SimpleNamespace(usage_id=course.make_usage_key("chaptered_video", "v")), runtime=object()
    )
    assert course_key(in_lms) == course
    preview = SimpleNamespace(
        scope_ids=SimpleNamespace(usage_id="whole-course.chaptered_video.d0.u0"),
        runtime=SimpleNamespace(course_id="course-v1:NGSP+Facilitator+preview"),
    )
    assert str(course_key(preview)) == "course-v1:NGSP+Facilitator+preview"
    for runtime in (object(), SimpleNamespace(course_id="not a key"), SimpleNamespace(course_id=None)):
        bare = SimpleNamespace(scope_ids=SimpleNamespace(usage_id="x.y.d0.u0"), runtime=runtime)
        assert course_key(bare) is None
    assert jump_href(course, "session-3-video", 2530.4) == (
        "/courses/course-v1:NGSP+Facilitator+2026/jump_to_id/session-3-video#t=2530&module=session-3-video"
    )


def test_learner_links_leave_the_unit_through_the_top_page(harness, monkeypatch):
    """Continue and "Go there" navigate the top page: in the Learning MFE the block sits in an iframe."""
    from tests.runtime import MemoryRuntime
    from xblocks.facilitator_progress.scenarios import DEMO_PAGE

    monkeypatch.setattr(MemoryRuntime, "course_id", "course-v1:NGSP+Facilitator+2026", raising=False)
    root = harness.parse(DEMO_PAGE)
    progress = next(
        c for c in root.children if harness.block(c).scope_ids.block_type == "facilitator_progress"
    )
    page = harness.render(harness.block(progress, user="ana"), user="ana")
    jump = "/courses/course-v1:NGSP+Facilitator+2026/jump_to_id/"
    links = re.findall(r'<a class="(fp-continue|fp-go)" href="([^"]*)"( target="_top")?', page)
    assert {kind for kind, _href, _top in links} == {"fp-continue", "fp-go"}
    for _kind, href, top in links:
        assert href.startswith(jump) and top, href
