"""Workbench scenarios: 0 is a small course page (the progress block above a demo session, its quiz and a
toolkit), so the preview shows progress being read from the blocks beside it.

The demo clip is the preview's 120 s stand-in (``/static/demo-clip.mp4``); the embedded cues repeat the
stand-in captions (``demo-clip.en.vtt``: a cue every 10 s). The quiz and toolkit wording is authored for
the demo, drawn from the source pages (industry-led partnerships; the planning stage).
"""

DEMO_SECONDS = 120
DEMO_CHAPTERS = (
    (0, "Welcome and why industry leads"),
    (30, "Finding the shared opportunities"),
    (60, "Public partners in a support role"),
    (90, "Next steps after the launch meeting"),
)


def demo_cues():
    """The stand-in captions as WebVTT text (the same cues the preview serves as demo-clip.en.vtt)."""
    lines = ["WEBVTT", ""]
    for i, start in enumerate(range(0, DEMO_SECONDS, 10)):
        end = min(DEMO_SECONDS, start + 10)
        lines += [
            f"00:{start // 60:02d}:{start % 60:02d}.000 --> 00:{end // 60:02d}:{end % 60:02d}.000",
            f"Stand-in caption {i + 1}: partnership line at {start} seconds",
            "",
        ]
    return "\n".join(lines)


def _segments(indent="    "):
    return "\n".join(
        f'{indent}<segment start="{start // 60}:{start % 60:02d}" title="{title}"/>'
        for start, title in DEMO_CHAPTERS
    )


PROGRESS = f"""
  <facilitator_progress display_name="Your progress" module_id="demo-progress">
    <track block_type="chaptered_video" ref="demo-video" label="Demo session: a partnership meeting"
           kind="session" session="demo"/>
    <track block_type="checkpoint_quiz" ref="demo-quiz" label="Demo checkpoint" kind="quiz" session="demo"/>
    <track block_type="stage_toolkit" ref="demo-toolkit" label="Planning stage toolkit (demo)"
           kind="toolkit"/>
    <transcript session="demo" title="Demo session: a partnership meeting" src="/static/demo-clip.en.vtt">
{_segments("      ")}
      <cues>{demo_cues()}</cues>
    </transcript>
  </facilitator_progress>
"""

VIDEO = f"""
  <chaptered_video display_name="Demo session: a partnership meeting" duration="2:00"
                   completion_threshold="0.9" module_id="demo-video">
    <source src="/static/demo-clip.mp4" type="video/mp4"/>
    <track kind="captions" src="/static/demo-clip.en.vtt" srclang="en" label="English"/>
{_segments()}
  </chaptered_video>
"""

QUIZ = """
  <checkpoint_quiz display_name="Demo checkpoint" pass_ratio="1" max_attempts="3" weight="1" shuffle="false"
                   show_answers="after_pass_or_last_attempt" module_id="demo-quiz">
    <question id="lead" kind="single">
      <prompt>Who takes the lead role in an effective sector partnership?</prompt>
      <choice id="industry" correct="true"
              feedback="Yes: industry identifies needs and leads.">Industry</choice>
      <choice id="colleges" feedback="Education supports; it does not lead.">Community colleges</choice>
    </question>
  </checkpoint_quiz>
"""

TOOLKIT = """
  <stage_toolkit display_name="Planning stage toolkit (demo)" stage="planning" module_id="demo-toolkit">
    <overview><p>Planning is the work done before business leaders meet.</p></overview>
    <step id="team" title="Build your regional support team">Bring the public partners together.</step>
    <checklist_item id="team-agreed">Support partners have agreed to work as a regional team</checklist_item>
    <checklist_item id="industry">One industry with shared needs is chosen</checklist_item>
  </stage_toolkit>
"""

DEMO_PAGE = f"""<vertical_demo>{PROGRESS}{VIDEO}{QUIZ}{TOOLKIT}</vertical_demo>"""


def workbench_scenarios():
    """``(title, xml)`` pairs; scenario 0 is the demo course page."""
    return [("Facilitator progress: demo course page", DEMO_PAGE)]
