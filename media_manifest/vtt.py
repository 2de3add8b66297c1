"""WebVTT written and read: chapter tracks, captions, SRT converted to WebVTT.

Cue text is escaped (``& < >``), so a title can never open a tag or end a cue early.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from xblocks.common.chapters import chapter_bounds
from xblocks.common.timecode import format_vtt

_VTT_TIME = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
_VTT_TIMING = re.compile(rf"^{_VTT_TIME}[ \t]+-->[ \t]+{_VTT_TIME}(?:[ \t].*)?$")
_SRT_TIME = r"(\d{1,3}):([0-5]?\d):([0-5]?\d)[,.](\d{1,3})"
_SRT_TIMING = re.compile(rf"^\s*{_SRT_TIME}\s+-->\s+{_SRT_TIME}\s*(?:\s.*)?$")
_MAX_CAPTION_BYTES = 20 * 1024 * 1024


class CaptionError(ValueError):
    """A caption file that is not usable WebVTT or SRT; the message names the file and line."""


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str
    identifier: str = ""


def escape_cue_text(text):
    """Plain text made safe for a cue payload (one line, entities for ``& < >``)."""
    text = " ".join(str(text).split())
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape_cue_text(text):
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def write_vtt(cues):
    """A WebVTT document for ``cues`` (already escaped text)."""
    lines = ["WEBVTT", ""]
    for cue in cues:
        if cue.identifier:
            lines.append(cue.identifier)
        lines.append(f"{format_vtt(cue.start)} --> {format_vtt(cue.end)}")
        lines.append(cue.text)
        lines.append("")
    return "\n".join(lines)


def write_srt(cues):
    """A SubRip document for ``cues`` (WebVTT-escaped text, made plain again): numbered, ``,`` millis."""
    blocks = []
    for number, cue in enumerate(cues, 1):
        start, end = (format_vtt(t).replace(".", ",") for t in (cue.start, cue.end))
        blocks.append(f"{number}\n{start} --> {end}\n{unescape_cue_text(cue.text)}\n")
    return "\n".join(blocks)


def chapters_vtt(chapters, duration):
    """The ``<track kind="chapters">`` file: one cue per chapter, ending where the next begins."""
    cues = [
        Cue(start, end, escape_cue_text(chapter.title), f"chapter-{i + 1}")
        for i, (chapter, (start, end)) in enumerate(
            zip(chapters, chapter_bounds(chapters, duration), strict=True)
        )
    ]
    return write_vtt(cues)


def _seconds(hours, minutes, seconds, millis):
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis.ljust(3, "0")) / 1000


def _blocks(lines, first=0):
    """``(index of its first line, lines)`` for each run of non-blank lines from ``lines[first]`` on."""
    block_start, block = None, []
    for i in range(first, len(lines)):
        if lines[i].strip():
            if not block:
                block_start = i
            block.append(lines[i])
        elif block:
            yield block_start, block
            block = []
    if block:
        yield block_start, block


def parse_vtt(text, name="<vtt>"):
    """The cues of a WebVTT document; CaptionError naming the file and line when it is not WebVTT."""
    text = text.lstrip("\ufeff")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not lines or not re.match(r"^WEBVTT(?:[ \t].*)?$", lines[0]):
        raise CaptionError(f'{name}:1: not a WebVTT file (it must start with "WEBVTT")')
    cues = []
    for block_start, block in _blocks(lines, first=1):
        if block[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        timing_at = 0 if "-->" in block[0] else 1
        if timing_at >= len(block) or "-->" not in block[timing_at]:
            raise CaptionError(f"{name}:{block_start + 1}: a cue without a timing line (start --> end)")
        match = _VTT_TIMING.match(block[timing_at].strip())
        if not match:
            raise CaptionError(
                f"{name}:{block_start + timing_at + 1}: bad cue timing {block[timing_at].strip()!r} "
                "(write HH:MM:SS.mmm --> HH:MM:SS.mmm)"
            )
        g = match.groups()
        start, end = _seconds(*g[:4]), _seconds(*g[4:])
        if end < start:
            raise CaptionError(f"{name}:{block_start + timing_at + 1}: the cue ends before it starts")
        identifier = block[0] if timing_at == 1 else ""
        cues.append(Cue(start, end, "\n".join(block[timing_at + 1 :]), identifier))
    return cues


def parse_srt(text, name="<srt>"):
    """The cues of an SRT document (text escaped for WebVTT); CaptionError naming file and line."""
    text = text.lstrip("\ufeff")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cues = []
    for block_start, block in _blocks(lines):
        timing_at = 1 if len(block) > 1 and block[0].strip().isdigit() else 0
        match = _SRT_TIMING.match(block[timing_at]) if timing_at < len(block) else None
        if not match:
            raise CaptionError(
                f"{name}:{block_start + timing_at + 1}: not a WebVTT or SRT caption file "
                "(expected a cue number and a timing line like 00:00:01,000 --> 00:00:04,000)"
            )
        g = match.groups()
        start, end = _seconds(*g[:4]), _seconds(*g[4:])
        if end < start:
            raise CaptionError(f"{name}:{block_start + timing_at + 1}: the cue ends before it starts")
        body = [_srt_text(line) for line in block[timing_at + 1 :]]
        cues.append(Cue(start, end, "\n".join(body)))
    if not cues:
        raise CaptionError(f"{name}:1: not a WebVTT or SRT caption file (no cues found)")
    return cues


def _srt_text(line):
    """SRT allows <b>/<i>/<u>; keep those, escape everything else."""
    escaped = escape_cue_text(line)
    return re.sub(r"&lt;(/?)([biu])&gt;", r"<\1\2>", escaped)


def caption_to_vtt(path, duration=None):
    """Read a WebVTT or SRT caption file and return WebVTT text; CaptionError naming the file otherwise."""
    path = Path(path)
    try:
        if path.stat().st_size > _MAX_CAPTION_BYTES:
            raise CaptionError(f"{path}: caption file larger than 20 MiB: not a caption file")
        raw = path.read_bytes()
    except OSError as err:
        raise CaptionError(f"{path}: cannot read the caption file ({err.strerror})")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise CaptionError(f"{path}: not UTF-8 text: not a WebVTT or SRT caption file")
    if "\x00" in text:
        raise CaptionError(f"{path}: binary data: not a WebVTT or SRT caption file")
    if text.lstrip("\ufeff").startswith("WEBVTT"):
        cues = parse_vtt(text, path)
        output = text.lstrip("\ufeff").replace("\r\n", "\n")
    else:
        cues = parse_srt(text, path)
        output = write_vtt(cues)
    if duration is not None:
        late = [c for c in cues if c.start > duration + 1.0]
        if late:
            raise CaptionError(
                f"{path}: a cue starts at {format_vtt(late[0].start)}, after the end of the recording "
                f"({format_vtt(duration)})"
            )
    return output, cues
