"""The media manifest: the five recorded sessions, their exact lengths, sources, captions and chapters.

``load_manifest(path)`` reads ``manifest.yaml`` with ``xblocks.common.yaml_source`` (every value keeps its
``path:line:column``) and checks it completely before returning: unknown or missing keys, wrong types,
bad times, and the chapter rules shared with the video block (``xblocks.common.chapters.check_chapters``).
Every problem found is reported at once in ``ManifestError.problems`` (``SourceError``s).
"""

import math
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from xblocks.common.chapters import Chapter, check_chapters
from xblocks.common.timecode import TimecodeError, format_time, parse_time
from xblocks.common.yaml_source import Located, LocatedList, Mark, SourceError, load

DEFAULT_MANIFEST = Path(__file__).with_name("manifest.yaml")

#: The longest recording the manifest accepts (anything longer is a typo, not a webinar).
MAX_DURATION = 12 * 3600

SESSION_KEYS = {"id", "title", "duration", "source", "captions", "chapters"}
SESSION_REQUIRED = {"id", "title", "duration", "source", "chapters"}
CHAPTER_KEYS = {"start", "title", "summary", "estimated"}
CHAPTER_REQUIRED = {"start", "title"}
CAPTION_SUFFIXES = (".vtt", ".srt")

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class ManifestError(Exception):
    """The manifest has problems; ``problems`` is a list of ``SourceError`` (``path:line:column: msg``)."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class Session:
    """One recorded session as the manifest describes it."""

    id: str
    title: str
    duration: float
    source: str
    captions: dict = field(default_factory=dict)  # language -> path relative to the media folder
    chapters: list = field(default_factory=list)  # xblocks.common.chapters.Chapter
    marks: dict = field(default_factory=dict, repr=False)  # key -> Mark; "session"; "chapters[i].key"

    @property
    def duration_text(self):
        """``1:31:15``."""
        return format_time(self.duration)

    @property
    def is_url(self):
        """True when the source is a hosted https copy rather than a file in the media folder."""
        return self.source.startswith("https://")

    def mark(self, key="session"):
        """Where ``key`` sits in the YAML (``"title"``, ``"chapters[2].start"``...), else the session."""
        return self.marks.get(key) or self.marks.get("session")

    def chapter_mark(self, index, key="start"):
        """Where chapter ``index``'s ``key`` sits in the YAML."""
        return (
            self.marks.get(f"chapters[{index}].{key}") or self.marks.get(f"chapters[{index}]") or self.mark()
        )


@dataclass
class Manifest:
    """Every session, in the manifest's order."""

    path: Path
    sessions: list

    def session(self, session_id):
        """The session with this id; KeyError naming the known ids otherwise."""
        for session in self.sessions:
            if session.id == session_id:
                return session
        known = ", ".join(s.id for s in self.sessions)
        raise KeyError(f'no session "{session_id}" in {self.path} (known: {known})')

    def __iter__(self):
        return iter(self.sessions)

    def __len__(self):
        return len(self.sessions)


def load_manifest(path=DEFAULT_MANIFEST):
    """Read and check the manifest; a ``Manifest``, or ``ManifestError`` listing every problem."""
    path = Path(path)
    try:
        data = load(path)
    except SourceError as err:
        raise ManifestError([err])
    problems = []
    sessions = []
    if not isinstance(data, Located):
        raise ManifestError(
            [SourceError(path, 1, 1, 'the manifest must be a mapping with a "sessions" list')]
        )
    _check_keys(data, {"sessions"}, {"sessions"}, "the manifest", problems)
    raw_sessions = data.get("sessions")
    if "sessions" in data and not isinstance(raw_sessions, LocatedList):
        problems.append(data.mark_of("sessions").error('"sessions" must be a list of sessions'))
    elif isinstance(raw_sessions, LocatedList):
        if not raw_sessions:
            problems.append(raw_sessions.mark.error('"sessions" is empty: describe at least one session'))
        seen = {}
        for item, mark in zip(raw_sessions, raw_sessions.marks, strict=True):
            session = _session(item, mark, problems)
            if session is None:
                continue
            if session.id in seen:
                problems.append(
                    session.mark("id").error(
                        f'session id "{session.id}" is used twice (first at line {seen[session.id]})'
                    )
                )
                continue
            seen[session.id] = session.mark("id").line
            sessions.append(session)
    if problems:
        raise ManifestError(problems)
    return Manifest(path=path, sessions=sessions)


def _check_keys(mapping, allowed, required, what, problems):
    for key in mapping:
        if key not in allowed:
            mark = mapping.key_marks.get(key, mapping.mark)
            expected = ", ".join(sorted(allowed))
            problems.append(mark.error(f'unknown key "{key}" in {what} (expected: {expected})'))
    for key in sorted(required - set(mapping)):
        problems.append(mapping.mark.error(f'{what} is missing "{key}"'))


def _text(mapping, key, what, problems, required=True):
    """A non-empty single-line string, or None (with a problem recorded)."""
    if key not in mapping:
        return None
    value = mapping[key]
    mark = mapping.mark_of(key)
    if not isinstance(value, str):
        problems.append(mark.error(f'{what} "{key}" must be text, not {_kind(value)}'))
        return None
    value = value.strip()
    if required and not value:
        problems.append(mark.error(f'{what} "{key}" is empty'))
        return None
    if _CONTROL.search(value):
        problems.append(mark.error(f'{what} "{key}" contains a line break or control character'))
        return None
    return value


def _time(mapping, key, what, problems):
    value = mapping[key]
    mark = mapping.mark_of(key)
    if isinstance(value, float) and not math.isfinite(value):
        problems.append(mark.error(f'{what} "{key}" is not a finite time'))
        return None
    if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
        problems.append(mark.error(f'{what} "{key}" is negative ({value}): times start at 0'))
        return None
    try:
        seconds = parse_time(value)
    except TimecodeError as err:
        problems.append(mark.error(f'{what} "{key}": {err}'))
        return None
    if seconds > MAX_DURATION:
        problems.append(
            mark.error(f'{what} "{key}" is {format_time(seconds)}: longer than {format_time(MAX_DURATION)}')
        )
        return None
    return seconds


def _kind(value):
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


_URL_UNSAFE = re.compile(r"[\s\"'<>\\^`{|}]")


def _https_url(value, mark, what, problems):
    """A hosted copy's address: https, a host, no credentials, nothing that needs quoting in HTML."""
    try:
        parts = urlsplit(value)
        hostname = parts.hostname if parts.port != 0 else None  # .port raises ValueError when out of range
    except ValueError:
        hostname = None
    if not hostname:
        problems.append(
            mark.error(f'{what} "{value}" is not a usable https:// URL (check its host and port)')
        )
        return None
    if _URL_UNSAFE.search(value):
        problems.append(
            mark.error(f'{what} "{value}" has spaces, quotes or brackets: percent-encode them (%20, %22...)')
        )
        return None
    if parts.username or parts.password:
        problems.append(mark.error(f'{what} "{value}" carries a user name or password: remove it'))
        return None
    return value


def _relative_path(value, mark, what, problems, suffixes=None):
    """A media-folder-relative path (POSIX), refusing absolute paths and ``..``."""
    if value.startswith("https://"):
        return _https_url(value, mark, what, problems)
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", value):
        problems.append(mark.error(f'{what} "{value}" must be a path in the media folder or an https:// URL'))
        return None
    posix = PurePosixPath(value.replace("\\", "/"))
    if posix.is_absolute() or ".." in posix.parts or re.match(r"^[a-zA-Z]:", value):
        problems.append(
            mark.error(f'{what} "{value}" must be relative to the media folder (no absolute path, no "..")')
        )
        return None
    if suffixes and posix.suffix.lower() not in suffixes:
        problems.append(mark.error(f'{what} "{value}" must be a WebVTT (.vtt) or SRT (.srt) file'))
        return None
    return str(posix)


def _session(item, mark, problems):
    if not isinstance(item, Located):
        problems.append(mark.error(f"a session must be a mapping, not {_kind(item)}"))
        return None
    before = len(problems)
    _check_keys(item, SESSION_KEYS, SESSION_REQUIRED, "the session", problems)
    marks = {"session": item.mark}
    marks.update(item.marks)
    session_id = _text(item, "id", "the session", problems)
    if session_id is not None and not _ID.match(session_id):
        problems.append(
            item.mark_of("id").error(
                f'session id "{session_id}" must be lowercase letters, digits and dashes (like "session-1")'
            )
        )
    title = _text(item, "title", "the session", problems)
    duration = _time(item, "duration", "the session", problems) if "duration" in item else None
    if duration is not None and duration <= 0:
        problems.append(item.mark_of("duration").error('the session "duration" must be more than 0'))
        duration = None
    source = _text(item, "source", "the session", problems)
    if source is not None:
        source = _relative_path(source, item.mark_of("source"), "the source", problems)
    captions = _captions(item, problems)
    chapters = _chapters(item, duration, marks, problems)
    if len(problems) > before:
        return None
    return Session(
        id=session_id,
        title=title,
        duration=duration,
        source=source,
        captions=captions,
        chapters=chapters,
        marks=marks,
    )


def _captions(item, problems):
    if "captions" not in item or item["captions"] is None:
        return {}
    raw = item["captions"]
    if not isinstance(raw, Located):
        problems.append(
            item.mark_of("captions").error('"captions" must map a language to a file (en: x.vtt)')
        )
        return {}
    captions = {}
    for lang in raw:
        key_mark = raw.key_marks.get(lang, raw.mark)
        if not isinstance(lang, str) or not _LANG.match(lang):
            problems.append(key_mark.error(f'caption language "{lang}" must be a language code like "en"'))
            continue
        text = _text(raw, lang, f"the {lang} caption", problems)
        if text is None:
            continue
        path = _relative_path(text, raw.mark_of(lang), f"the {lang} caption", problems, CAPTION_SUFFIXES)
        if path is not None:
            captions[lang] = path
    return captions


def _chapters(item, duration, marks, problems):
    if "chapters" not in item:
        return []
    raw = item["chapters"]
    if not isinstance(raw, LocatedList):
        problems.append(item.mark_of("chapters").error('"chapters" must be a list of chapters'))
        return []
    chapters = []
    usable = True
    for index, (entry, mark) in enumerate(zip(raw, raw.marks, strict=True)):
        what = f"chapter {index + 1}"
        marks[f"chapters[{index}]"] = mark
        if not isinstance(entry, Located):
            problems.append(mark.error(f"{what} must be a mapping (start, title), not {_kind(entry)}"))
            usable = False
            continue
        for key, key_mark in entry.marks.items():
            marks[f"chapters[{index}].{key}"] = key_mark
        before = len(problems)
        _check_keys(entry, CHAPTER_KEYS, CHAPTER_REQUIRED, what, problems)
        start = _time(entry, "start", what, problems) if "start" in entry else None
        title = _text(entry, "title", what, problems, required=False)
        summary = _text(entry, "summary", what, problems, required=False) if "summary" in entry else ""
        estimated = entry.get("estimated", False)
        if not isinstance(estimated, bool):
            problems.append(entry.mark_of("estimated").error(f'{what} "estimated" must be true or false'))
        if len(problems) > before:
            usable = False
            continue
        chapters.append(Chapter(start=start, title=title, summary=summary or "", estimated=estimated))
    if usable:
        for problem in check_chapters(chapters, duration):
            if problem.index is None:
                where = raw.mark if raw else item.mark_of("chapters")
            elif "title is empty" in problem.message:
                where = marks.get(f"chapters[{problem.index}].title", raw.marks[problem.index])
            else:
                where = marks.get(f"chapters[{problem.index}].start", raw.marks[problem.index])
            problems.append(where.error(problem.message))
    return chapters


__all__ = [
    "DEFAULT_MANIFEST",
    "Manifest",
    "ManifestError",
    "Mark",
    "Session",
    "load_manifest",
]
