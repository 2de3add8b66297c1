"""The OLX form of ``facilitator_progress`` (the course build writes it; read this to write it).

```xml
<facilitator_progress display_name="Your progress" module_id="progress">
  <!-- What the block tracks, in course order. -->
  <track block_type="chaptered_video" ref="session-1-video" kind="session" session="session-1"
         label="Session 1: What They Are and Why Now"/>
  <track block_type="checkpoint_quiz" ref="session-1-quiz" kind="quiz" session="session-1"
         label="Session 1 checkpoint"/>
  <track block_type="stage_toolkit" ref="toolkit-planning" kind="toolkit" label="Planning stage toolkit"/>
  <track block_type="checkpoint_quiz" ref="readiness-assessment" kind="assessment"
         label="Readiness assessment"/>
  <!-- Transcripts for the search box: one per session, cues embedded by the build. -->
  <transcript session="session-1" title="Session 1: What They Are and Why Now" src="/static/session-1.en.vtt">
    <segment start="0:00:00" title="Welcome and overview"/>
    <segment start="0:11:40" title="Why sector partnerships now"/>
    <cues>WEBVTT

00:00:00.000 --> 00:00:04.000
Welcome to session one.
</cues>
  </transcript>
</facilitator_progress>
```

- ``track``: ``block_type`` is ``chaptered_video``, ``checkpoint_quiz`` or ``stage_toolkit``; ``ref`` is the
  tracked block's ``url_name`` (= its ``module_id``); ``kind`` is ``session``, ``quiz``, ``toolkit`` or
  ``assessment``; ``label`` is what learners read; ``session`` (optional) groups a video and its quiz into
  one row; ``href`` (optional) overrides the link (default: the LMS's ``jump_to_id`` for ``ref``).
- ``transcript``: ``session`` must be the ``session`` of a ``kind="session"`` track; ``title`` names it in
  results; ``src`` is kept for reference. The cues are **embedded** in ``<cues>`` as WebVTT text (the
  block cannot read course assets on the server, so the build copies the VTT file's text here);
  ``<segment start title>`` (the video's chapters, same form as in ``chaptered_video``) let results name
  the chapter. A transcript without ``<cues>`` is allowed; its session is then not searchable.
- ``url_name`` and ``xblock-family`` are ignored; unknown attributes or children are refused with a
  message saying which and where. Export writes the same form back (round trip).
"""

import re

from lxml import etree

from xblocks.common.timecode import TimecodeError, format_time, format_vtt, parse_time
from xblocks.facilitator_progress.transcripts import TranscriptError, parse_vtt

BLOCK_TYPES = ("chaptered_video", "checkpoint_quiz", "stage_toolkit")
KINDS = {
    "session": "chaptered_video",
    "quiz": "checkpoint_quiz",
    "assessment": "checkpoint_quiz",
    "toolkit": "stage_toolkit",
}
ROOT_ATTRIBUTES = ("display_name", "module_id")
IGNORED = ("url_name", "xblock-family")
TRACK_ATTRIBUTES = ("block_type", "ref", "label", "kind", "session", "href")
TRANSCRIPT_ATTRIBUTES = ("session", "title", "src")
_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,254}$")
MAX_TRACKS = 100


class OlxError(ValueError):
    """Bad OLX; ``problems`` lists every message."""

    def __init__(self, problems):
        super().__init__("; ".join(problems))
        self.problems = problems


def _line(node):
    return f"line {node.sourceline}: " if getattr(node, "sourceline", None) else ""


def check_tracks(tracks):
    """Every problem with a list of track dicts (used by parse, Studio and ``validate()``)."""
    problems = []
    seen = set()
    if not tracks:
        problems.append("there is nothing to track: add at least one <track>")
    if len(tracks) > MAX_TRACKS:
        problems.append(f"at most {MAX_TRACKS} tracks")
    for i, track in enumerate(tracks):
        where = f'track {i + 1} ("{track.get("ref", "")}")'
        ref = track.get("ref", "")
        if not _REF.match(ref or ""):
            problems.append(f"{where}: ref must be the tracked block's url_name (letters, digits, - _ . :)")
        elif ref in seen:
            problems.append(f"{where}: ref is tracked twice")
        seen.add(ref)
        if track.get("block_type") not in BLOCK_TYPES:
            problems.append(f"{where}: block_type must be one of {', '.join(BLOCK_TYPES)}")
        kind = track.get("kind")
        if kind not in KINDS:
            problems.append(f"{where}: kind must be one of {', '.join(KINDS)}")
        elif track.get("block_type") in BLOCK_TYPES and KINDS[kind] != track.get("block_type"):
            problems.append(f"{where}: kind {kind} goes with block_type {KINDS[kind]}")
        if not (track.get("label") or "").strip():
            problems.append(f"{where}: the label is empty")
        href = track.get("href") or ""
        if href and not (href.startswith("/") and not href.startswith("//") or href.startswith("https://")):
            problems.append(f"{where}: href must start with / or https://")
    return problems


def check_transcripts(transcripts, tracks):
    problems = []
    sessions = {t.get("session") for t in tracks if t.get("kind") == "session" and t.get("session")}
    seen = set()
    for transcript in transcripts:
        session = transcript.get("session") or ""
        if session not in sessions:
            problems.append(f'transcript "{session}": no track of kind session has session="{session}"')
        if session in seen:
            problems.append(f'transcript "{session}": given twice')
        seen.add(session)
    return problems


def parse_node(node):
    """``(attributes, tracks, transcripts)`` from the root element, or OlxError listing every problem."""
    problems = []
    attributes = {}
    for name, value in node.attrib.items():
        if name in ROOT_ATTRIBUTES:
            attributes[name] = value
        elif name not in IGNORED:
            problems.append(f'{_line(node)}unknown attribute "{name}" on <facilitator_progress>')
    tracks, transcripts = [], []
    for child in node:
        if not isinstance(child.tag, str):
            continue  # comments, processing instructions
        if child.tag == "track":
            tracks.append(_attributes(child, TRACK_ATTRIBUTES, problems))
        elif child.tag == "transcript":
            transcripts.append(_transcript(child, problems))
        else:
            problems.append(f"{_line(child)}unknown element <{child.tag}>: use <track> or <transcript>")
    problems += check_tracks(tracks) + check_transcripts(transcripts, tracks)
    if problems:
        raise OlxError(problems)
    return attributes, tracks, transcripts


def _attributes(node, allowed, problems):
    found = {}
    for name, value in node.attrib.items():
        if name in allowed:
            found[name] = value.strip()
        else:
            problems.append(f'{_line(node)}unknown attribute "{name}" on <{node.tag}>')
    return {name: found.get(name, "") for name in allowed}


def _transcript(node, problems):
    transcript = _attributes(node, TRANSCRIPT_ATTRIBUTES, problems)
    where = f'{_line(node)}transcript "{transcript["session"]}"'
    chapters, cues = [], []
    for child in node:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "segment":
            try:
                start = parse_time(child.get("start", ""))
            except TimecodeError as err:
                problems.append(f"{where}: segment: {err}")
                continue
            title = (child.get("title") or "").strip()
            if not title:
                problems.append(f"{where}: segment at {format_time(start)} has no title")
            if chapters and start <= chapters[-1][0]:
                problems.append(f"{where}: segment at {format_time(start)} is not after the one before")
            chapters.append([start, title])
        elif child.tag == "cues":
            try:
                cues = parse_vtt(child.text or "", where=where)
            except TranscriptError as err:
                problems.append(str(err))
        else:
            problems.append(f"{where}: unknown element <{child.tag}>: use <segment> or <cues>")
    transcript["chapters"] = chapters
    transcript["cues"] = cues
    return transcript


def _time_text(seconds):
    """``H:MM:SS``, with the fraction kept when there is one (so a round trip gives equal fields)."""
    if seconds == int(seconds):
        return format_time(seconds)
    return f"{seconds:.3f}"


def vtt_text(cues):
    lines = ["WEBVTT", ""]
    for start, end, text in cues:
        lines += [f"{format_vtt(start)} --> {format_vtt(end)}", text, ""]
    return "\n".join(lines)


def write_node(node, attributes, tracks, transcripts):
    """Fill ``node`` with the block's OLX (the same form ``parse_node`` reads)."""
    for name in ROOT_ATTRIBUTES:
        if attributes.get(name):
            node.set(name, attributes[name])
    for track in tracks:
        child = etree.SubElement(node, "track")
        for name in TRACK_ATTRIBUTES:
            if track.get(name):
                child.set(name, track[name])
    for transcript in transcripts:
        child = etree.SubElement(node, "transcript")
        for name in TRANSCRIPT_ATTRIBUTES:
            if transcript.get(name):
                child.set(name, transcript[name])
        for start, title in transcript.get("chapters") or []:
            etree.SubElement(child, "segment", start=_time_text(start), title=title)
        if transcript.get("cues"):
            etree.SubElement(child, "cues").text = vtt_text(transcript["cues"])
