"""What the test preview serves: stand-in media (and, once built, the course) in one build folder.

``populate(folder)`` is called once per test session by the ``preview_build`` fixture. It runs the real
``facilitator-course media stand-ins`` on the packaged manifest, capped to short clips so it takes seconds:
``media/stand-ins/demo-clip.mp4`` (120 s, H.264/AAC, 320x180) with ``demo-clip.en.vtt`` (a cue every 10 s),
and ``session-N.mp4`` / ``session-N.en.vtt`` for the five sessions (60 s each, Session 3 at its full
length).
"""

from pathlib import Path

from media_manifest.standins import DEMO_CLIP_SECONDS  # noqa: F401  (kept importable for tests)

#: Length of each session stand-in in the test preview (the real ones run 1:26:21 to 1:35:56).
SESSION_SECONDS = 60
#: This session's stand-in and captions run its full length (1:31:12, about 5 s to make): the deep-link
#: tests open it at 0:42:10 through the preview's Learning MFE page.
FULL_LENGTH_SESSION = "session-3"


def full_length_session(out, session_id):
    """Replace one session's short stand-in and captions in ``out`` by full-length ones."""
    from media_manifest.manifest import load_manifest
    from media_manifest.standins import make_stand_in, stand_in_captions
    from media_manifest.tools import find_tools

    session = load_manifest().session(session_id)
    label = f"Session {session_id.rsplit('-', 1)[-1]} stand-in"
    make_stand_in(find_tools(), Path(out) / f"{session_id}.mp4", session.duration, label)
    text = stand_in_captions(session, session.duration)
    (Path(out) / f"{session_id}.en.vtt").write_text(text, encoding="utf-8")


def populate(folder):
    from scripts.cli import main

    folder = Path(folder)
    out = folder / "media" / "stand-ins"
    code = main(
        ["media", "stand-ins", "--out", str(out), "--max-seconds", str(SESSION_SECONDS), "--if-missing"]
    )
    if code != 0:
        raise RuntimeError(f"media stand-ins failed with exit code {code}")
    full_length_session(out, FULL_LENGTH_SESSION)
    from course.build import build as build_course  # the whole course, and preview/whole_course.xml

    build_course(Path(__file__).resolve().parents[1] / "course" / "content", folder)
