"""Links from the progress page open a session's video at a second (``#t=SECONDS&module=REF``)."""

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
