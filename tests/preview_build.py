"""What the test preview serves: stand-in media (and, once built, the course) in one build folder.

``populate(folder)`` is called once per test session by the ``preview_build`` fixture.
"""

import shutil
import subprocess
from pathlib import Path

DEMO_CLIP_SECONDS = 120


def _ffmpeg():
    found = shutil.which("ffmpeg")
    if found:
        return found
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def write_demo_clip(folder, seconds=DEMO_CLIP_SECONDS):
    """A short H.264/AAC stand-in (``demo-clip.mp4``) and English captions (``demo-clip.en.vtt``)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "demo-clip.mp4"
    subprocess.run(
        [
            _ffmpeg(),
            "-nostdin",
            "-y",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size=320x180:rate=10:duration={seconds}",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:duration={seconds}",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-g",
            "20",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-b:a",
            "32k",
            "-movflags",
            "+faststart",
            str(target),
        ],
        check=True,
        timeout=120,
    )
    cues = ["WEBVTT", ""]
    for i, start in enumerate(range(0, seconds, 10)):
        end = min(seconds, start + 10)
        cues += [
            f"00:{start // 60:02d}:{start % 60:02d}.000 --> 00:{end // 60:02d}:{end % 60:02d}.000",
            f"Stand-in caption {i + 1}: partnership line at {start} seconds",
            "",
        ]
    (folder / "demo-clip.en.vtt").write_text("\n".join(cues), encoding="utf-8")
    return target


def populate(folder):
    folder = Path(folder)
    write_demo_clip(folder / "media" / "stand-ins")
