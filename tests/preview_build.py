"""What the test preview serves: stand-in media (and, once built, the course) in one build folder.

``populate(folder)`` is called once per test session by the ``preview_build`` fixture. It runs the real
``facilitator-course media stand-ins`` on the packaged manifest, capped to short clips so it takes seconds:
``media/stand-ins/demo-clip.mp4`` (120 s, H.264/AAC, 320x180) with ``demo-clip.en.vtt`` (a cue every 10 s),
and ``session-N.mp4`` / ``session-N.en.vtt`` for the five sessions.
"""

from pathlib import Path

from media_manifest.standins import DEMO_CLIP_SECONDS  # noqa: F401  (kept importable for tests)

#: Length of each session stand-in in the test preview (the real ones run 1:26:21 to 1:35:56).
SESSION_SECONDS = 60


def populate(folder):
    from scripts.cli import main

    folder = Path(folder)
    out = folder / "media" / "stand-ins"
    code = main(
        ["media", "stand-ins", "--out", str(out), "--max-seconds", str(SESSION_SECONDS), "--if-missing"]
    )
    if code != 0:
        raise RuntimeError(f"media stand-ins failed with exit code {code}")
    from course.build import build as build_course  # the whole course, and preview/whole_course.xml

    build_course(Path(__file__).resolve().parents[1] / "course" / "content", folder)
