"""The video's authoring forms, with no XBlock runtime: OLX, the Studio chapter text, WebVTT.

OLX (``parse_olx`` / ``export_olx``)::

    <chaptered_video display_name="..." duration="1:30:52" completion_threshold="0.9" module_id="...">
      <source src="/static/session-2.mp4" type="video/mp4"/>
      <track kind="captions" src="/static/session-2.en.vtt" srclang="en" label="English"/>
      <poster src="/static/session-2.jpg"/>
      <segment start="0:00:00" title="Welcome and overview"/>
      <segment start="0:11:40" title="Building your regional support team">Optional summary.</segment>
    </chaptered_video>

A ``<track>`` may hold its cues inline (WebVTT or SRT, converted to WebVTT); the block then serves them.
A ``<track src="....srt">`` is accepted too: browsers read only WebVTT, so the player fetches the SRT file
from its (same-origin) URL and converts it to WebVTT in the page (``static/js/chaptered_video.js``).
The chapter text edited in Studio is one ``H:MM:SS Title`` a line; indented lines below a chapter are
its summary. ``check_config`` gives every broken rule as a message naming the chapter or element.
"""

import functools
import html
import re
from dataclasses import dataclass

from lxml import etree

from xblocks.chaptered_video.coverage import MAX_DURATION, Timeline, chapter_masks
from xblocks.common.chapters import Chapter, chapter_bounds, check_chapters
from xblocks.common.timecode import TimecodeError, format_time, format_vtt, parse_time

IGNORED_ATTRIBUTES = {"url_name", "xblock-family"}
ROOT_ATTRIBUTES = ("display_name", "duration", "completion_threshold", "module_id")
TRACK_KINDS = ("captions", "subtitles")
SOURCE_TYPES = {
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".webm": "video/webm",
    ".ogv": "video/ogg",
    ".m3u8": "application/x-mpegURL",
}
DEFAULT_THRESHOLD = 0.9


class OlxError(ValueError):
    """OLX that cannot become a video: every problem found, one a line."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("chaptered_video: " + "; ".join(self.problems))


@dataclass(frozen=True)
class VideoConfig:
    """What the author set, read: ``duration`` None when it does not parse; ``problems`` lists every fault."""

    duration: float | None
    chapters: tuple
    problems: tuple
    masks: tuple = ()  # coverage.chapter_masks, when the duration parses


# --- time and text helpers ------------------------------------------------------------------------


def format_start(seconds):
    """``700`` -> ``0:11:40``; ``700.5`` -> ``0:11:40.5`` (fractions kept, so text round-trips)."""
    text = format_time(seconds)
    fraction = round(float(seconds) - int(float(seconds)), 3)
    if fraction > 0:
        text += f"{fraction:.3f}".lstrip("0").rstrip("0")
    return text


def _clean(text):
    return " ".join((text or "").split())


def is_srt(src):
    """True for a SubRip file URL (``.srt``, any case, query or fragment ignored): the player converts it."""
    return src.split("?", 1)[0].split("#", 1)[0].lower().endswith(".srt")


def is_hls(source):
    """True for an HLS stream source (its type, else its ``.m3u8`` extension)."""
    kind = (source.get("type") or guess_type(source.get("src") or "")).lower()
    return kind in ("application/x-mpegurl", "application/vnd.apple.mpegurl")


def guess_type(src):
    """The MIME type for a source URL's extension ("" when unknown)."""
    path = src.split("?", 1)[0].split("#", 1)[0].lower()
    for ext, kind in SOURCE_TYPES.items():
        if path.endswith(ext):
            return kind
    return ""


# --- the Studio chapter text ----------------------------------------------------------------------

_LINE = re.compile(r"^(\S+)(?:\s+(.*))?$")


@functools.lru_cache(maxsize=256)
def parse_chapter_text(text):
    """``(chapters, problems)`` from one ``H:MM:SS Title`` a line; indented lines add to the summary."""
    chapters, problems = [], []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        if not raw.strip():
            continue
        if raw[:1].isspace() and chapters:
            last = chapters[-1]
            summary = _clean(f"{last.summary} {raw}")
            chapters[-1] = Chapter(last.start, last.title, summary)
            continue
        match = _LINE.match(raw.strip())
        try:
            start = parse_time(match.group(1))
        except TimecodeError as err:
            problems.append(f'line {number} "{_clean(raw)[:60]}": {err}; write one "H:MM:SS Title" a line')
            continue
        chapters.append(Chapter(start, _clean(match.group(2))))
    return tuple(chapters), tuple(problems)


def chapters_to_text(chapters):
    """The Studio text for ``chapters``."""
    lines = []
    for chapter in chapters:
        lines.append(f"{format_start(chapter.start)} {chapter.title}".rstrip())
        if chapter.summary:
            lines.append(f"    {chapter.summary}")
    return "\n".join(lines)


# --- rules ----------------------------------------------------------------------------------------


def parse_duration(text):
    """``(seconds, problem)``: seconds None and a message when the duration is unusable."""
    if not str(text or "").strip():
        return None, "the duration is missing: write it as H:MM:SS (e.g. 1:30:52)"
    try:
        seconds = parse_time(text)
    except TimecodeError as err:
        return None, f"the duration does not parse: {err}"
    if seconds <= 0:
        return None, "the duration must be more than 0 seconds"
    if seconds > MAX_DURATION:
        return None, f"the duration {format_time(seconds)} is longer than {format_time(MAX_DURATION)}"
    return seconds, None


@functools.lru_cache(maxsize=256)
def read_timeline(duration_text, chapters_text):
    """What progress needs: the VideoConfig of the duration and chapters alone (cached)."""
    problems = []
    duration, problem = parse_duration(duration_text)
    if problem:
        problems.append(problem)
    chapters, chapter_problems = parse_chapter_text(chapters_text)
    problems.extend(chapter_problems)
    problems.extend(p.message for p in check_chapters(list(chapters), duration))
    masks = chapter_masks(chapters, duration) if duration is not None else ()
    return VideoConfig(duration, chapters, tuple(problems), masks)


def threshold_problem(threshold):
    """The message for a completion threshold that is not a number above 0 and at most 1, else None."""
    if isinstance(threshold, bool) or not isinstance(threshold, int | float) or not 0 < threshold <= 1:
        return f"the completion threshold must be above 0 and at most 1, not {threshold}"
    return None


@functools.lru_cache(maxsize=256)
def report_timeline(duration_text, chapters_text, threshold):
    """The ``coverage.Timeline`` progress reports use, or None when these settings are broken.

    Cached on the content's own values (derived content only, the same for every learner).
    """
    config = read_timeline(duration_text, chapters_text)
    if config.problems or threshold_problem(threshold):
        return None
    return Timeline(config.duration, config.chapters, threshold)


@functools.lru_cache(maxsize=256)
def _read_config(duration_text, chapters_text, threshold, source_srcs, track_specs):
    timeline = read_timeline(duration_text, chapters_text)
    problems = list(timeline.problems)
    if not any(src.strip() for src in source_srcs):
        problems.append('there is no video source: add a <source src="/static/....mp4"/>')
    for i, src in enumerate(source_srcs):
        if not src.strip():
            problems.append(f"source {i + 1} has no src")
    for i, (src, lang, inline, kind) in enumerate(track_specs):
        label = f'track {i + 1} "{src or lang}"'
        if kind not in TRACK_KINDS:
            problems.append(f'{label} has kind "{kind}": kind must be one of {", ".join(TRACK_KINDS)}')
        if not src and not inline:
            problems.append(f"{label} has neither src nor cues")
        if not lang:
            problems.append(f"{label} has no srclang (e.g. en)")
    if isinstance(threshold, str) or not 0 < threshold <= 1:
        problems.append(threshold_problem(threshold))
    return VideoConfig(timeline.duration, timeline.chapters, tuple(problems), timeline.masks)


def source_entry(source):
    """A source as rendered: ``{"src", "type"}``, the type guessed from the extension when not given."""
    src = str(source.get("src") or "").strip()
    return {"src": src, "type": str(source.get("type") or guess_type(src))}


def track_entry(track):
    """A caption track as rendered: every attribute present (Studio's JSON may leave some out)."""
    lang = str(track.get("srclang") or "").strip()
    return {
        "kind": str(track.get("kind") or "captions"),
        "src": str(track.get("src") or "").strip(),
        "srclang": lang,
        "label": str(track.get("label") or lang).strip(),
    }


def source_warnings(sources):
    """Advice that does not block saving: only HLS sources (a browser without native HLS plays nothing)."""
    sources = (
        [s for s in sources if isinstance(s, dict) and str(s.get("src") or "").strip()]
        if isinstance(sources, list)
        else []
    )
    if sources and all(is_hls(s) for s in sources):
        return (
            "every source is an HLS stream (.m3u8): Safari and recent Chrome and Edge play it natively, "
            "other browsers need hls.js, which this block does not bundle; add an MP4 source as well",
        )
    return ()


def read_config(duration_text, chapters_text, threshold, sources, tracks):
    """The VideoConfig of these field values (cached: the same text is read once per process)."""
    shape = []
    if not isinstance(sources, list) or not all(isinstance(s, dict) for s in sources):
        shape.append('sources must be a list of {"src": URL, "type": MIME type} objects')
        sources = [s for s in sources if isinstance(s, dict)] if isinstance(sources, list) else []
    if not isinstance(tracks, list) or not all(isinstance(t, dict) for t in tracks):
        shape.append('tracks must be a list of {"kind", "src", "srclang", "label"} objects')
        tracks = [t for t in tracks if isinstance(t, dict)] if isinstance(tracks, list) else []
    source_srcs = tuple(str(s.get("src") or "") for s in sources)
    track_specs = tuple(
        (
            str(t.get("src") or ""),
            str(t.get("srclang") or ""),
            bool(t.get("cues")),
            str(t.get("kind") or "captions"),
        )
        for t in tracks
    )
    if isinstance(threshold, bool) or not isinstance(threshold, int | float):
        threshold = repr(threshold)
    config = _read_config(
        str(duration_text or ""), str(chapters_text or ""), threshold, source_srcs, track_specs
    )
    if shape:
        return VideoConfig(config.duration, config.chapters, tuple(shape) + config.problems, config.masks)
    return config


# --- WebVTT ---------------------------------------------------------------------------------------

_SRT_TIME = re.compile(r"(\d+):(\d{2}):(\d{2})[,.](\d{1,3})")


def vtt_text(text):
    """Cue text with ``& < >`` escaped."""
    return html.escape(_clean(text), quote=False)


def srt_to_vtt(text):
    """Convert SubRip (``00:00:01,000 --> 00:00:02,500`` cues) to WebVTT; WebVTT passes through."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if text.lstrip().startswith("WEBVTT"):
        return text.strip() + "\n"
    out = ["WEBVTT", ""]
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line for line in block.split("\n") if line.strip()]
        timing = next((i for i, line in enumerate(lines) if "-->" in line), None)
        if timing is None:
            continue
        start_end = _SRT_TIME.findall(lines[timing])
        if len(start_end) != 2:
            continue
        times = [f"{int(h):02d}:{m}:{s}.{ms.ljust(3, '0')}" for h, m, s, ms in start_end]
        out.append(f"{times[0]} --> {times[1]}")
        out.extend(lines[timing + 1 :])
        out.append("")
    return "\n".join(out)


def chapters_vtt(chapters, duration):
    """The WebVTT ``kind="chapters"`` file for the player's own chapter UI."""
    out = ["WEBVTT", ""]
    for i, (chapter, (start, end)) in enumerate(
        zip(chapters, chapter_bounds(chapters, duration), strict=True)
    ):
        out += [f"chapter-{i + 1}", f"{format_vtt(start)} --> {format_vtt(end)}", vtt_text(chapter.title), ""]
    return "\n".join(out)


# --- OLX ------------------------------------------------------------------------------------------


def parse_olx(node):
    """Field values from a ``<chaptered_video>`` element; OlxError lists every problem found."""
    problems = []
    values = {}
    for name, value in node.attrib.items():
        if name in IGNORED_ATTRIBUTES or name not in ROOT_ATTRIBUTES + ("poster",):
            continue
        values[name] = value
    if "completion_threshold" in values:
        try:
            values["completion_threshold"] = float(values["completion_threshold"])
        except ValueError:
            problems.append(f'completion_threshold="{values["completion_threshold"]}" is not a number')
            values.pop("completion_threshold")
    sources, tracks, chapter_lines = [], [], []
    for child in node:
        if not isinstance(child.tag, str):
            continue  # comments, processing instructions
        tag = etree.QName(child).localname
        line = f" (line {child.sourceline})" if child.sourceline else ""
        if tag == "source":
            src = (child.get("src") or "").strip()
            sources.append({"src": src, "type": child.get("type") or guess_type(src)})
        elif tag == "track":
            track = {
                "kind": child.get("kind") or "captions",  # checked with the rest in read_config
                "src": (child.get("src") or "").strip(),
                "srclang": (child.get("srclang") or "").strip(),
                "label": (child.get("label") or child.get("srclang") or "").strip(),
            }
            if (child.text or "").strip():
                track["cues"] = srt_to_vtt(child.text)
            tracks.append(track)
        elif tag == "poster":
            values["poster"] = (child.get("src") or "").strip()
        elif tag == "segment":
            start = child.get("start")
            try:
                seconds = parse_time(start if start is not None else "")
            except TimecodeError as err:
                title = _clean(child.get("title"))
                problems.append(f'<segment title="{title}">{line}: start {err}')
                continue
            chapter_lines.append(Chapter(seconds, _clean(child.get("title")), _clean(child.text)))
        else:
            problems.append(f"<{tag}>{line} is not allowed here: use source, track, poster or segment")
    values["sources"] = sources
    values["tracks"] = tracks
    values["chapters"] = chapters_to_text(chapter_lines)
    config = read_config(
        values.get("duration", ""),
        values["chapters"],
        values.get("completion_threshold", DEFAULT_THRESHOLD),
        sources,
        tracks,
    )
    problems.extend(config.problems)
    if problems:
        raise OlxError(problems)
    return values


def export_olx(node, values):
    """Write field ``values`` (as ``parse_olx`` returns them) onto the element ``node``."""
    for name in ROOT_ATTRIBUTES:
        value = values.get(name)
        if value is None or (name == "module_id" and not value):
            continue
        node.set(name, f"{value:g}" if isinstance(value, float) else str(value))
    for source in values.get("sources", []):
        child = etree.SubElement(node, "source", src=source.get("src", ""))
        if source.get("type"):
            child.set("type", source["type"])
    for track in values.get("tracks", []):
        child = etree.SubElement(node, "track", kind=track.get("kind") or "captions")
        for key in ("src", "srclang", "label"):
            if track.get(key):
                child.set(key, track[key])
        if track.get("cues"):
            child.text = track["cues"]
    if values.get("poster"):
        etree.SubElement(node, "poster", src=values["poster"])
    chapters, _problems = parse_chapter_text(values.get("chapters", ""))
    for chapter in chapters:
        child = etree.SubElement(node, "segment", start=format_start(chapter.start), title=chapter.title)
        if chapter.summary:
            child.text = chapter.summary
    return node
