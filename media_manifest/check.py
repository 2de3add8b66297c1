"""``media check``: compare the recordings present with the manifest (length, chapters, streams, captions)."""

from dataclasses import dataclass, field
from pathlib import Path

from media_manifest.prepare import DURATION_TOLERANCE
from media_manifest.tools import MediaError, check_end_readable, probe
from media_manifest.vtt import CaptionError, caption_to_vtt
from xblocks.common.timecode import format_time


@dataclass
class CheckReport:
    """``lines`` to show; ``problems`` (one line each) make the check fail; ``missing`` lists absent files."""

    lines: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    missing: list = field(default_factory=list)


def check_media(tools, manifest, media_dir):
    """Probe every recording present and compare it with the manifest."""
    media_dir = Path(media_dir)
    report = CheckReport()
    for session in manifest.sessions:
        if session.is_url:
            report.lines.append(
                f"{session.id}: hosted at {session.source}: not checked (check and prepare read only "
                "files in the media folder; download it there and name the file as its source to check it)"
            )
            continue
        source = media_dir / session.source
        if not source.is_file():
            report.missing.append(source)
            report.lines.append(f"{session.id}: missing {source}")
            continue
        before = len(report.problems)
        try:
            info = probe(tools, source)
            if info.video_codec is None or info.audio_codec is None:
                raise MediaError(
                    f"{source}: has no {'video' if info.video_codec is None else 'audio'} stream"
                )
            check_end_readable(tools, info)
        except MediaError as err:
            report.problems.append(f"{session.id}: {err}")
            continue
        if abs(info.duration - session.duration) > DURATION_TOLERANCE:
            report.problems.append(
                f"{session.id}: {source} is {format_time(info.duration)} ({info.duration:.1f} s) long, "
                f"the manifest says {session.duration_text} (more than {DURATION_TOLERANCE:.0f} s apart)"
            )
        for index, chapter in enumerate(session.chapters):
            if chapter.start >= info.duration:
                report.problems.append(
                    f'{session.chapter_mark(index)}: {session.id} chapter {index + 1} "{chapter.title}" '
                    f"starts at {format_time(chapter.start)}, past the real end of {source} "
                    f"({format_time(info.duration)})"
                )
        for lang, relative in sorted(session.captions.items()):
            path = media_dir / relative
            if relative.startswith("https://"):
                report.lines.append(f"{session.id}: {lang} captions hosted at {relative}: not checked")
                continue
            if not path.is_file():
                report.lines.append(f"{session.id}: no {lang} captions at {path}")
                continue
            try:
                caption_to_vtt(path, info.duration)
            except CaptionError as err:
                report.problems.append(f"{session.id}: {err}")
        if len(report.problems) == before:
            report.lines.append(
                f"{session.id}: ok, {format_time(info.duration)}, {info.video_codec} "
                f"{info.width}x{info.height} + {info.audio_codec}, "
                f"{len(session.chapters)} chapters inside the recording"
            )
    return report
