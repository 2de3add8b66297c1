"""Workbench scenarios: 0 is the two-minute demo (browser tests use it), 1 a real-length session, 2 the demo
with an HLS stream listed first and SubRip (.srt) captions, converted by the player (both made by
``facilitator-course media stand-ins``)."""

DEMO = """
<chaptered_video display_name="Demo: a sector partnership meeting in four chapters" duration="2:00"
                 completion_threshold="0.9" module_id="demo-video">
  <source src="/static/demo-clip.mp4" type="video/mp4"/>
  <track kind="captions" src="/static/demo-clip.en.vtt" srclang="en" label="English"/>
  <segment start="0:00" title="Welcome and why industry leads">Who is in the room and why business
    champions, not public partners, set the agenda.</segment>
  <segment start="0:30" title="Finding the shared opportunities"/>
  <segment start="1:00" title="Public partners in a support role"/>
  <segment start="1:30" title="Next steps after the launch meeting"/>
</chaptered_video>
"""

# Chapter times here are authored estimates, not facts from the source pages: check them against the
# real recording before relying on them.
SESSION_1 = """
<chaptered_video display_name="Session 1: What They Are and Why Now" duration="1:31:15"
                 completion_threshold="0.9" module_id="session-1-video">
  <source src="/static/session-1.mp4" type="video/mp4"/>
  <track kind="captions" src="/static/session-1.en.vtt" srclang="en" label="English"/>
  <segment start="0:00:00" title="Welcome and overview (estimated)"/>
  <segment start="0:08:00" title="What a Next Generation Sector Partnership is (estimated)"/>
  <segment start="0:27:00" title="Why now: the case for industry-led partnerships (estimated)"/>
  <segment start="0:49:00" title="The three stages: planning, emerging, sustaining (estimated)"/>
  <segment start="1:10:00" title="Questions and answers (estimated)"/>
</chaptered_video>
"""

# ``facilitator-course media stand-ins`` (run by ``make build``) writes demo-clip.en.srt (the demo captions
# as SubRip, converted by the player) and demo-clip.m3u8 (an HLS stand-in of the demo clip, by stream
# copy). A browser with native HLS plays the stream; one without skips it and plays the MP4.
DEMO_SRT = """
<chaptered_video display_name="Demo: SubRip captions and an HLS stream" duration="2:00"
                 completion_threshold="0.9" module_id="demo-video-srt">
  <source src="/static/demo-clip.m3u8" type="application/x-mpegURL"/>
  <source src="/static/demo-clip.mp4" type="video/mp4"/>
  <track kind="captions" src="/static/demo-clip.en.srt" srclang="en" label="English"/>
  <segment start="0:00" title="First half"/>
  <segment start="1:00" title="Second half"/>
</chaptered_video>
"""

SCENARIOS = [
    ("Chaptered video: two-minute demo", DEMO),
    ("Chaptered video: Session 1, full length (estimated chapters; needs stand-in media)", SESSION_1),
    ("Chaptered video: SubRip captions, HLS stream first", DEMO_SRT),
]
