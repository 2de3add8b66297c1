"""Read Open edX tracking logs in one streaming pass and tally what each learner did (no runtime needed).

``scan(paths, course_id=None, stream=None, jobs=1, skip_unnamed=False)`` returns a :class:`Tally`: per
learner and module the completion, quiz scores and last activity; per session the chapters each learner
reached and completed; and how many lines were skipped and why. Memory grows with learners × modules, never
with the number of events: the logs are read in blocks of ``CHUNK_BYTES`` split into lines (a line over
``MAX_LINE_BYTES`` is skipped), and each line is folded into small per-learner records.

What is read (the events in the README, plus Open edX's own grade and completion events):

- ``edx.chaptered_video.progress`` / ``chapter_reached`` / ``chapter_completed`` / ``completed``
- ``edx.checkpoint_quiz.submitted`` / ``passed`` and ``edx.grades.problem.submitted`` (the kept score)
- ``edx.stage_toolkit.item_checked`` / ``reflection_saved`` / ``resource_opened``
- ``edx.facilitator_progress.*`` (activity only)
- ``edx.completion.block_completion.changed``: the completion edx-completion keeps for a block
  (``BlockCompletion``), logged by the LMS whenever it changes. Where a learner has these lines for a
  module, the platform's latest value is the module's completion (the blocks' own events still give the
  chapters, scores and attempts); elsewhere the completion comes from the blocks' events as before.

Skipped and counted, never fatal: blank lines, malformed lines (not JSON, not an object, over-long),
block events with missing or invalid fields, events of other courses, events without a username, unknown
event types, grades of problems that are not checkpoint quizzes, completion of blocks the report does not
follow. Without ``course_id`` the report takes the course of the first block event in the logs (found by a
first look before the scan).

Several logs (rotated ``tracking.log-YYYYMMDD.gz``, plain or gzip, mixed) are read one file per task,
in ``jobs`` processes; each file gives a partial tally and the partials are merged in the order of the
files, whatever the number of jobs, so the report is the same byte for byte with 1 job or 8.

Speed: with ``skip_unnamed`` (``report --course``) a line that does not contain the course id is counted
(``unnamed``) and never parsed, nor even split out of its block: a byte search jumps from one mention of
the course to the next. That skips nothing the report would use: an event of the course holds the course id
as a JSON string, and the search looks for every form JSON writers give it (UTF-8 as is; ``\\uXXXX`` in
lower or upper case where it is not ASCII, as the LMS's json writes it; ``\\/`` for a slash). A line that
names the course only elsewhere (a referer) is parsed and rejected by the real check. A course id holding
a quote, backslash or control character is not searched for: every line is parsed. Every line read is
parsed with orjson (strict: NaN and Infinity are refused) right in the loop; ``edx.chaptered_video.progress``,
most of any log, is checked and folded inline there too. Times are compared as ISO-8601 strings, as the
LMS writes them (UTC).
"""

import gzip
import io
import math
import os
import re
import sys
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field

import orjson

GRADE_EVENT = "edx.grades.problem.submitted"
COMPLETION_EVENT = "edx.completion.block_completion.changed"
VIDEO, QUIZ, TOOLKIT, PROGRESS_BLOCK = (
    "chaptered_video",
    "checkpoint_quiz",
    "stage_toolkit",
    "facilitator_progress",
)
PROGRESS_EVENT = "edx.chaptered_video.progress"
MAX_LINE_BYTES = 1 << 20
CHUNK_BYTES = 1 << 20
MAX_CHAPTERS = 1000
MAX_UNKNOWN_TYPES = 200
STAGES = ("planning", "emerging", "sustaining")

SKIP_REASONS = {
    "blank": "blank line",
    "malformed": "not a JSON tracking record (broken or truncated line)",
    "too_long": f"line longer than {MAX_LINE_BYTES // 1024} KiB",
    "invalid": "block event with a missing or invalid field",
    "no_username": "event without a username",
    "other_course": "event of another course",
    "unnamed": "line that does not name the course (not parsed: an event of another course, or of none)",
    "unknown_type": "event type the report does not use",
    "other_problem": "grade of a problem that is not a checkpoint quiz",
    "untracked_block": "completion of a block the report does not follow",
}

_KNOWN_TYPES = {
    f"edx.{VIDEO}.progress",
    f"edx.{VIDEO}.chapter_reached",
    f"edx.{VIDEO}.chapter_completed",
    f"edx.{VIDEO}.completed",
    f"edx.{QUIZ}.submitted",
    f"edx.{QUIZ}.passed",
    f"edx.{TOOLKIT}.item_checked",
    f"edx.{TOOLKIT}.reflection_saved",
    f"edx.{TOOLKIT}.resource_opened",
    GRADE_EVENT,
}
_OWN_PREFIX = f"edx.{PROGRESS_BLOCK}."
# Bytes every line naming the course of a block event holds: its type starts with "edx." (the first look).
_BLOCK_EVENT_MARKS = (b"edx.",)
# A usage key as edx-opaque-keys writes it for a course-v1 course (BlockUsageLocator, no branch/version).
_BLOCK_KEY = re.compile(r"block-v1:([^+@:]+\+[^+@]+\+[^+@]+)\+type@([^+@]+)\+block@([^+@]+)")


class LogError(Exception):
    """A log that cannot be read at all (missing, a folder, not gzip though it says so)."""


# --- per learner and module --------------------------------------------------------------------
# ``platform``: the completion edx-completion logged for the block (its latest line), None without one.


class VideoState:
    __slots__ = ("coverage", "reached", "completed_chapters", "completed", "platform", "platform_time")

    def __init__(self):
        self.coverage = 0.0
        self.reached = 0  # bit i: chapter i reached
        self.completed_chapters = 0  # bit i: chapter i completed
        self.completed = False
        self.platform = None
        self.platform_time = ""

    @property
    def completion(self):
        if self.platform is not None:
            return self.platform
        return 1.0 if self.completed else min(1.0, self.coverage)

    def merge(self, later):
        self.coverage = max(self.coverage, later.coverage)
        self.reached |= later.reached
        self.completed_chapters |= later.completed_chapters
        self.completed = self.completed or later.completed
        _merge_platform(self, later)


class QuizState:
    __slots__ = (
        "best_score",
        "attempts",
        "passed",
        "grade_time",
        "grade_score",
        "submitted",
        "platform",
        "platform_time",
    )

    def __init__(self):
        self.best_score = None  # best score of the submitted events (0..1)
        self.attempts = 0
        self.passed = False
        self.grade_time = ""
        self.grade_score = None  # the kept score from the latest grade event (0..1)
        self.submitted = False
        self.platform = None
        self.platform_time = ""

    @property
    def score(self):
        """The kept score: the LMS's grade when logged, else the best submitted score."""
        return self.grade_score if self.grade_score is not None else self.best_score

    @property
    def completion(self):
        if self.platform is not None:
            return self.platform
        return 1.0 if self.passed else 0.0

    def merge(self, later):
        if later.best_score is not None:
            self.best_score = (
                later.best_score if self.best_score is None else max(self.best_score, later.best_score)
            )
        self.attempts = max(self.attempts, later.attempts)
        self.passed = self.passed or later.passed
        self.submitted = self.submitted or later.submitted
        _merge_platform(self, later)


class ToolkitState:
    __slots__ = (
        "own",
        "time",
        "seen",
        "items_checked",
        "items_total",
        "items_time",
        "platform",
        "platform_time",
    )

    def __init__(self):
        self.own = 0.0  # the completion the latest toolkit event gave
        self.time = ""  # the latest toolkit event's time
        self.seen = False  # a toolkit event was read
        self.items_checked = 0
        self.items_total = 0
        self.items_time = None  # time of the event the item counts come from (None: none yet)
        self.platform = None
        self.platform_time = ""

    @property
    def completion(self):
        return self.platform if self.platform is not None else self.own

    def merge(self, later):
        """``later`` was read after this one: its events win from this one's latest time on."""
        if later.seen and later.time >= self.time:
            self.own = later.own
            if later.items_time is not None and later.items_time >= self.time:
                self.items_checked, self.items_total = later.items_checked, later.items_total
                self.items_time = later.items_time
            self.time = later.time
            self.seen = True
        _merge_platform(self, later)


def _merge_platform(state, later):
    if later.platform is not None and later.platform_time >= state.platform_time:
        state.platform, state.platform_time = later.platform, later.platform_time


_STATE = {VIDEO: VideoState, QUIZ: QuizState, TOOLKIT: ToolkitState}


class Learner:
    __slots__ = ("last", "modules", "grades", "active")

    def __init__(self):
        self.last = ""
        self.active = False  # True once a block event of the course was seen
        self.modules = {}  # module_id -> state
        self.grades = None  # usage_key -> (time, score) for grades not yet tied to a module


@dataclass
class Module:
    """What the log says about one module: its kind, title and chapters."""

    module_id: str
    kind: str
    title: str = ""
    stage: str = ""
    chapters_total: int = 0
    chapter_titles: dict = field(default_factory=dict)


@dataclass
class Tally:
    """Everything one scan learned."""

    course_id: str | None = None
    course_given: bool = False
    lines: int = 0
    used: int = 0
    files: list = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    unknown_types: Counter = field(default_factory=Counter)
    other_courses: Counter = field(default_factory=Counter)
    notes: list = field(default_factory=list)
    learners: dict = field(default_factory=dict)
    modules: dict = field(default_factory=dict)
    usage_modules: dict = field(default_factory=dict)  # usage_key -> module_id
    seconds: float = 0.0

    @property
    def skipped_total(self):
        return sum(self.skipped.values())

    def ordered_modules(self):
        """Modules in course order: by session number, toolkit stage, then kind and id."""
        return sorted(self.modules.values(), key=module_order)


def module_order(module):
    found = re.search(r"\d+", module.module_id)
    number = int(found.group()) if found else 10**6
    stage = STAGES.index(module.stage) if module.stage in STAGES else len(STAGES)
    kind = (VIDEO, QUIZ, TOOLKIT).index(module.kind)
    return (number, stage, kind, module.module_id)


# --- reading -----------------------------------------------------------------------------------


def open_log(path):
    """A binary line reader for a plain or gzip log (recognised by its first bytes)."""
    if not os.path.exists(path):
        raise LogError(f"{path}: no such file")
    if os.path.isdir(path):
        raise LogError(f"{path}: is a folder, not a log file")
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed by the caller
    except OSError as err:
        raise LogError(f"{path}: cannot be read ({err.strerror})")
    if handle.peek(2)[:2] == b"\x1f\x8b":
        return handle, io.BufferedReader(gzip.GzipFile(fileobj=handle, mode="rb"), 1 << 16)
    return handle, handle


class ProgressBar:
    """A one-line progress bar on a terminal (nothing when the stream is not a TTY)."""

    def __init__(self, total_bytes, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)()) and total_bytes > 0
        self.total = total_bytes
        self.start = time.perf_counter()

    def update(self, done_bytes, lines):
        if not self.enabled:
            return
        share = min(1.0, done_bytes / self.total)
        rate = lines / max(1e-9, time.perf_counter() - self.start)
        bar = "#" * int(share * 30)
        self.stream.write(f"\rreport [{bar:<30}] {share:4.0%}  {lines:,} lines  {rate:,.0f}/s")
        self.stream.flush()

    def finish(self, lines):
        if self.enabled:
            self.update(self.total, lines)
            self.stream.write("\n")
            self.stream.flush()


def scan(paths, course_id=None, stream=None, jobs=1, skip_unnamed=False, meanwhile=None):
    """Read every log in ``paths`` and return the Tally (the same whatever ``jobs``).

    ``course_id``: the course to report on (default: the course of the first block event in the logs).
    ``jobs``: how many processes read the files (one file per task). ``skip_unnamed``: with ``course_id``,
    count the lines that do not contain the course id without parsing them (``report --course``).
    ``meanwhile``: a callable this process runs once while worker processes read (with ``jobs`` > 1), e.g.
    loading what writes the outputs; with one job it is not called.
    """
    paths = [str(path) for path in paths]
    for path in paths:  # every file checked before reading any
        raw_handle, reader = open_log(path)
        reader.close()
        raw_handle.close()
    start = time.perf_counter()
    course = course_id or None
    if course is None:
        course = find_course(paths)
    marks = mention_marks(course) if course_id and skip_unnamed else None
    tally = Tally(course_id=course, course_given=bool(course_id))
    sizes = [os.path.getsize(path) for path in paths]
    bar = ProgressBar(sum(sizes), stream)
    done = 0
    for index, part in enumerate(_partials(paths, course, marks, jobs, bar, meanwhile)):
        if any(
            mid in tally.modules and tally.modules[mid].kind != module.kind
            for mid, module in part.modules.items()
        ):
            # One module id used by two kinds of block in two files: the first file's kind holds, so this
            # file is read again knowing it (rare; the same answer as reading the files one after another).
            kinds = {mid: module.kind for mid, module in tally.modules.items()}
            part = _scan_path(paths[index], course, marks, kinds)
        _merge(tally, part)
        done += sizes[index]
        bar.update(done, tally.lines)
    _resolve_grades(tally)
    tally.seconds = time.perf_counter() - start
    bar.finish(tally.lines)
    return tally


def _partials(paths, course, marks, jobs, bar, meanwhile=None):
    """Each file's partial tally, in the order of ``paths``: in this process, or in ``jobs`` processes
    (the largest files first, so that a big file does not start last; merged in order all the same)."""
    jobs = max(1, min(int(jobs or 1), len(paths)))
    if jobs == 1:
        done = 0
        for path in paths:
            yield _scan_path(path, course, marks, None, bar, done)
            done += os.path.getsize(path)
        return
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    order = sorted(range(len(paths)), key=lambda i: -os.path.getsize(paths[i]))
    tasks = [(i, paths[i], course, marks) for i in order]
    finished = {}
    following = 0
    with context.Pool(jobs) as pool:
        results = pool.imap_unordered(_scan_task, tasks, chunksize=1)
        if meanwhile is not None:  # the workers are forked and reading: this process is otherwise idle
            meanwhile()
        for index, part in results:
            finished[index] = part
            while following in finished:
                yield finished.pop(following)
                following += 1


def _scan_task(task):
    index, path, course, marks = task
    return index, _scan_path(path, course, marks, None)


def _scan_path(path, course, marks, kinds, bar=None, done_before=0):
    """One file's partial tally (``kinds``: module kinds already known from the files before)."""
    part = Tally(course_id=course)
    if kinds:
        part.modules.update((mid, Module(mid, kind)) for mid, kind in kinds.items())
    raw_handle, reader = open_log(path)
    try:
        _scan_file(part, reader, raw_handle, bar or ProgressBar(0), done_before, path, marks)
    finally:
        reader.close()
        raw_handle.close()
    part.files.append(path)
    return part


def _merge(tally, part):
    """Fold ``part`` (the next file's partial tally) into ``tally``, as if its lines came next."""
    tally.lines += part.lines
    tally.used += part.used
    tally.files.extend(part.files)
    tally.notes.extend(part.notes)
    tally.skipped.update(part.skipped)
    tally.other_courses.update(part.other_courses)
    unknown = tally.unknown_types
    for name, count in part.unknown_types.items():
        if name in unknown or len(unknown) < MAX_UNKNOWN_TYPES:
            unknown[name] += count
        else:
            unknown["(other types)"] += count
    if tally.course_id is None:
        tally.course_id = part.course_id
    for mid, module in part.modules.items():
        mine = tally.modules.get(mid)
        if mine is None:
            tally.modules[mid] = module
            continue
        mine.title = mine.title or module.title
        mine.stage = module.stage or mine.stage
        mine.chapters_total = max(mine.chapters_total, module.chapters_total)
        for chapter, title in module.chapter_titles.items():
            mine.chapter_titles.setdefault(chapter, title)
    for usage, mid in part.usage_modules.items():
        tally.usage_modules.setdefault(usage, mid)
    for name, learner in part.learners.items():
        mine = tally.learners.get(name)
        if mine is None:
            tally.learners[name] = learner
            continue
        if learner.last > mine.last:
            mine.last = learner.last
        mine.active = mine.active or learner.active
        if learner.grades:
            grades = mine.grades if mine.grades is not None else {}
            for usage, (when, score) in learner.grades.items():
                previous = grades.get(usage)
                if previous is None or when >= previous[0]:
                    grades[usage] = (when, score)
            mine.grades = grades
        for mid, state in learner.modules.items():
            have = mine.modules.get(mid)
            if have is None:
                mine.modules[mid] = state
            else:
                have.merge(state)


def mention_marks(course):
    """The byte forms a JSON writer gives the course id (usually just one: its UTF-8), or None when the
    course cannot be searched for safely (a quote, backslash or control character in it)."""
    if not course or any(ch in course for ch in '"\\') or any(ord(ch) < 0x20 for ch in course):
        return None
    forms = [course]
    if not course.isascii():  # written as \\uXXXX by an ASCII-only writer (the LMS's json)
        escaped = "".join(ch if ch.isascii() else _escape(ch) for ch in course)
        forms += [
            escaped,
            re.sub(r"\\u[0-9a-f]{4}", lambda m: m.group().upper().replace("\\U", "\\u"), escaped),
        ]
    forms += [form.replace("/", "\\/") for form in forms if "/" in form]  # some writers escape slashes
    return tuple(dict.fromkeys(form.encode("utf-8") for form in forms))


def _escape(ch):
    """``ch`` as JSON's ``\\uXXXX`` (a surrogate pair beyond the BMP)."""
    code = ord(ch)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def _marked_lines(block, start, end, marks):
    """The lines of ``block[start:end]`` (whole lines, ``\\n`` between them) holding one of ``marks``:
    a byte search from one mark to the next, so the lines without one are never split out."""
    found = []
    find, rfind = block.find, block.rfind
    nexts = [find(mark, start, end) for mark in marks]
    pos = start
    while True:
        hit = min((p for p in nexts if p >= 0), default=-1) if len(nexts) > 1 else nexts[0]
        if hit < 0:
            return found
        line_start = rfind(b"\n", pos, hit) + 1 or pos
        line_end = find(b"\n", hit, end)
        if line_end < 0:
            line_end = end
        found.append(block[line_start:line_end])
        pos = line_end + 1
        if pos > end:
            return found
        for i, p in enumerate(nexts):
            if 0 <= p < pos:
                nexts[i] = find(marks[i], pos, end)


def _line_runs(read, on_error):
    """Read blocks; yield ``(block, head, start, end, long_lines)``: ``head`` the line that ended first in
    the block (begun in the blocks before; None when there is none), ``block[start:end]`` the other whole
    lines with ``\\n`` between them (none when ``end < start``), ``long_lines`` how many over-long lines were
    dropped. The lines are never split out here: a byte search may skip most of them."""
    carry = b""  # the start of a line whose end is in the next block
    skipping = False  # inside an over-long line: drop bytes up to its newline
    while True:
        try:
            block = read(CHUNK_BYTES)
        except (EOFError, OSError, zlib.error) as err:
            on_error(err)
            block = b""
        if not block:
            if carry and not skipping:
                yield b"", carry, 0, -1, 0  # the last line, without a newline
            return
        first = block.find(b"\n")
        if first < 0:
            head, start, end = None, 0, -1
            carry = carry + block if not skipping else b""
        else:
            end = block.rfind(b"\n")
            start = first + 1
            head = None if skipping else carry + block[:first]
            skipping = False
            carry = block[end + 1 :]
        long_lines = 0
        if head is not None and len(head) > MAX_LINE_BYTES:  # a long line that ends in this block
            head = None
            long_lines += 1
        if len(carry) > MAX_LINE_BYTES:
            long_lines += 1
            carry, skipping = b"", True
        yield block, head, start, end, long_lines


def find_course(paths):
    """The course of the first block event in the logs (what a scan without a course reports on)."""
    for path in paths:
        raw_handle, reader = open_log(path)
        try:
            for block, head, start, end, _long in _line_runs(reader.read, lambda err: None):
                lines = [head] if head is not None and b"edx." in head else []
                for line in lines + _marked_lines(block, start, end, _BLOCK_EVENT_MARKS):
                    try:
                        record = orjson.loads(line)
                    except (orjson.JSONDecodeError, RecursionError):
                        continue
                    if type(record) is dict:
                        found = _course_of(record)
                        if found:
                            return found
        finally:
            reader.close()
            raw_handle.close()
    return None


def _course_of(record):
    """The course a record of a block event names (None: not a block event, or no course)."""
    etype = record.get("event_type")
    if not isinstance(etype, str) or (etype not in _KNOWN_TYPES and not etype.startswith(_OWN_PREFIX)):
        return None
    context = record.get("context")
    event = record.get("event")
    if not isinstance(context, dict) or not isinstance(event, dict):
        return None
    if not isinstance(record.get("time", ""), str):
        return None
    cid = context.get("course_id") or (event.get("course_id") if etype == GRADE_EVENT else None)
    return cid if isinstance(cid, str) and cid else None


def _scan_file(tally, reader, raw_handle, bar, done_before, path, marks=None):
    """The hot loop: one line at a time; the progress event (most of any log) is folded in place.

    With ``marks`` only the lines holding one of them are parsed; the others are counted as unnamed."""
    learners = tally.learners
    skipped = tally.skipped
    other_courses = tally.other_courses
    loads, parse_errors = orjson.loads, (orjson.JSONDecodeError, RecursionError)
    apply = _apply
    course = tally.course_id
    lines = tally.lines
    used = tally.used
    unnamed = 0

    def damaged(err):
        tally.notes.append(f"{os.path.basename(path)}: the compressed file ends early or is damaged ({err})")

    for block, head, start, end, long_lines in _line_runs(reader.read, damaged):
        if long_lines:
            lines += long_lines
            skipped["too_long"] += long_lines
        if marks is None:
            pieces = block[start:end].split(b"\n") if end >= start else []
            if head is not None:
                pieces.insert(0, head)
        else:
            pieces = _marked_lines(block, start, end, marks) if end >= start else []
            total = block.count(b"\n", start, end) + 1 if end >= start else 0
            if head is not None:
                total += 1
                if any(mark in head for mark in marks):
                    pieces.insert(0, head)
            unnamed += total - len(pieces)
        if bar.enabled:
            bar.update(done_before + raw_handle.tell(), lines + unnamed)
        for line in pieces:
            lines += 1
            try:
                record = loads(line)
            except parse_errors:
                record = None
            if type(record) is not dict:  # not JSON, or JSON but not an object
                skipped["blank" if not line.strip() else "malformed"] += 1
                continue
            if record.get("event_type") == PROGRESS_EVENT:
                # Hot path: checks and folding inline (the general path below does the same, slower).
                event = record.get("event")
                context = record.get("context")
                username = record.get("username")
                when = record.get("time")
                if (
                    type(event) is dict
                    and type(context) is dict
                    and type(username) is str
                    and username
                    and type(when) is str
                ):
                    cid = context.get("course_id")
                    module_id = event.get("module_id")
                    coverage = event.get("coverage")
                    if (
                        type(cid) is str
                        and cid == course
                        and type(module_id) is str
                        and 0 < len(module_id) <= 255
                        and type(coverage) in (float, int)
                        and 0 <= coverage <= 1
                    ):
                        learner = learners.get(username)
                        if learner is None:
                            learner = learners[username] = Learner()
                        if when > learner.last:
                            learner.last = when
                        learner.active = True
                        state = learner.modules.get(module_id)
                        if type(state) is not VideoState:
                            state = _new_state(tally, learner, module_id, VIDEO)
                        if state is not None:
                            if coverage > state.coverage:
                                state.coverage = coverage
                            used += 1
                        else:
                            skipped["invalid"] += 1
                        continue
                    if type(cid) is str and cid and course is not None and cid != course:
                        other_courses[cid] += 1  # another course's progress (most lines of an instance)
                        skipped["other_course"] += 1
                        continue
            reason = apply(tally, record, course)
            if reason:
                skipped[reason] += 1
            else:
                used += 1
            if course is None:
                course = tally.course_id
    if unnamed:
        skipped["unnamed"] += unnamed
    tally.lines = lines + unnamed
    tally.used = used


# --- one parsed record -------------------------------------------------------------------------


def _number(value, low=None, high=None):
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    if (low is not None and value < low) or (high is not None and value > high):
        return None
    return float(value)


def _count(value, high):
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
        return None
    return value


def _new_state(tally, learner, module_id, kind):
    """The learner's state for a module (the module registered on first sight); None on a kind clash."""
    module = tally.modules.get(module_id)
    if module is None:
        module = tally.modules[module_id] = Module(module_id, kind)
    elif module.kind != kind:
        return None
    state = learner.modules.get(module_id)
    if state is None:
        state = learner.modules[module_id] = _STATE[kind]()
    return state


def _apply(tally, record, course):
    """Fold one parsed record into the tally; returns a skip reason or None."""
    etype = record.get("event_type")
    if not isinstance(etype, str):
        return "malformed"
    if etype == COMPLETION_EVENT:
        return _apply_completion(tally, record, course)
    if etype not in _KNOWN_TYPES and not etype.startswith(_OWN_PREFIX):
        unknown = tally.unknown_types
        name = etype[:80]
        if name in unknown or len(unknown) < MAX_UNKNOWN_TYPES:
            unknown[name] += 1
        else:
            unknown["(other types)"] += 1
        return "unknown_type"
    context = record.get("context")
    event = record.get("event")
    username = record.get("username")
    when = record.get("time", "")
    if not isinstance(context, dict) or not isinstance(event, dict) or not isinstance(when, str):
        return "malformed"
    cid = context.get("course_id") or (event.get("course_id") if etype == GRADE_EVENT else None)
    if not isinstance(cid, str) or not cid:
        return "invalid"
    if course is None:
        tally.course_id = cid
    elif cid != course:
        tally.other_courses[cid] += 1
        return "other_course"
    if not isinstance(username, str) or not username:
        return "no_username"
    if etype == GRADE_EVENT:
        return _apply_grade(tally, username, when, event, context)
    module_id = event.get("module_id")
    if not isinstance(module_id, str) or not module_id or len(module_id) > 255:
        return "invalid"
    block, _, verb = etype[len("edx.") :].partition(".")
    learner = tally.learners.get(username)
    if learner is None:
        learner = tally.learners[username] = Learner()
    if when > learner.last:
        learner.last = when
    learner.active = True
    if block == PROGRESS_BLOCK:
        return None
    usage = context.get("module", {}).get("usage_key") if isinstance(context.get("module"), dict) else None
    state = _new_state(tally, learner, module_id, block)
    if state is None:
        return "invalid"
    module = tally.modules[module_id]
    if isinstance(usage, str) and usage:
        tally.usage_modules.setdefault(usage, module_id)
        display = context["module"].get("display_name")
        if isinstance(display, str) and display and not module.title:
            module.title = display[:300]
    return _VERBS[block](tally, module, state, verb, event, when)


def _apply_video(tally, module, state, verb, event, when):
    coverage = event.get("coverage")
    if verb == "progress" or verb == "completed":
        coverage = _number(coverage, 0.0, 1.0)
        if coverage is None:
            return "invalid"
        state.coverage = max(state.coverage, coverage)
        if verb == "completed":
            state.completed = True
    total = _count(event.get("chapters_total"), MAX_CHAPTERS)
    if total is not None:
        module.chapters_total = max(module.chapters_total, total)
    if verb in ("chapter_reached", "chapter_completed"):
        chapter = _count(event.get("chapter"), MAX_CHAPTERS - 1)
        if chapter is None:
            return "invalid"
        module.chapters_total = max(module.chapters_total, chapter + 1)
        title = event.get("title")
        if isinstance(title, str) and chapter not in module.chapter_titles:
            module.chapter_titles[chapter] = title[:300]
        state.reached |= 1 << chapter
        if verb == "chapter_completed":
            state.completed_chapters |= 1 << chapter
    return None


def _apply_quiz(tally, module, state, verb, event, when):
    score = _number(event.get("score"), 0.0, 1.0)
    if score is None:
        return "invalid"
    attempt = _count(event.get("attempt"), 10**6)
    if attempt is not None:
        state.attempts = max(state.attempts, attempt)
    if verb == "submitted":
        state.submitted = True
        state.best_score = score if state.best_score is None else max(state.best_score, score)
        if event.get("passed") is True:
            state.passed = True
    elif verb == "passed":
        state.passed = True
    return None


def _apply_toolkit(tally, module, state, verb, event, when):
    stage = event.get("stage")
    if isinstance(stage, str) and stage in STAGES:
        module.stage = stage
    if verb == "resource_opened":
        return None
    completion = _number(event.get("completion"), 0.0, 1.0)
    if completion is None:
        return "invalid"
    if when >= state.time:  # the latest state wins (a learner may untick an item)
        state.time = when
        state.seen = True
        state.own = completion
        if verb == "item_checked":
            checked = _count(event.get("items_checked"), 10**6)
            total = _count(event.get("items_total"), 10**6)
            if checked is not None and total is not None:
                state.items_checked, state.items_total = checked, total
                state.items_time = when
    return None


_VERBS = {VIDEO: _apply_video, QUIZ: _apply_quiz, TOOLKIT: _apply_toolkit}


def _apply_completion(tally, record, course):
    """edx-completion's line for one block: the platform's completion of a tracked module."""
    event = record.get("event")
    context = record.get("context")
    when = record.get("time", "")
    if not isinstance(event, dict) or not isinstance(when, str):
        return "malformed"
    if not isinstance(context, dict):
        context = {}
    cid = event.get("course_id") or context.get("course_id")
    if not isinstance(cid, str) or not cid:
        return "invalid"
    if cid != course:
        tally.other_courses[cid] += 1
        return "other_course"
    username = record.get("username") or context.get("username")
    if not isinstance(username, str) or not username:
        return "no_username"
    block_id = event.get("block_id")
    key = _BLOCK_KEY.fullmatch(block_id) if isinstance(block_id, str) else None
    completion = _number(event.get("completion"), 0.0, 1.0)
    user_id = event.get("user_id")
    if (
        key is None
        or key.group(1) != cid.partition(":")[2]
        or event.get("block_type", key.group(2)) != key.group(2)
        or completion is None
        or (user_id is not None and (type(user_id) is not int))
    ):
        return "invalid"
    kind, module_id = key.group(2), key.group(3)
    if kind not in _STATE:
        return "untracked_block"
    if len(module_id) > 255:
        return "invalid"
    learner = tally.learners.get(username)
    if learner is None:
        learner = tally.learners[username] = Learner()
    state = _new_state(tally, learner, module_id, kind)
    if state is None:
        return "invalid"
    if when > learner.last:
        learner.last = when
    learner.active = True
    tally.usage_modules.setdefault(block_id, module_id)
    if state.platform is None or when >= state.platform_time:
        state.platform, state.platform_time = completion, when
    return None


def _apply_grade(tally, username, when, event, context):
    """Open edX's grade event: the kept score of a problem, tied to its module at the end of the scan."""
    usage = event.get("problem_id")
    if not isinstance(usage, str) or not usage:
        module = context.get("module")
        usage = module.get("usage_key") if isinstance(module, dict) else None
    if not isinstance(usage, str) or not usage:
        return "invalid"
    earned = _number(event.get("weighted_earned"), 0.0)
    possible = _number(event.get("weighted_possible"), 0.0)
    if earned is None or possible is None:
        return "invalid"
    score = min(1.0, earned / possible) if possible > 0 else 0.0
    learner = tally.learners.get(username)
    if learner is None:
        learner = tally.learners[username] = Learner()
    if when > learner.last:
        learner.last = when
    if learner.grades is None:
        learner.grades = {}
    previous = learner.grades.get(usage)
    if previous is None or when >= previous[0]:
        learner.grades[usage] = (when, score)
    return None


def _resolve_grades(tally):
    """Tie each grade to its checkpoint quiz (by the usage keys seen in block events, or the key's type)."""
    for learner in tally.learners.values():
        if not learner.grades:
            continue
        for usage, (when, score) in learner.grades.items():
            module_id = tally.usage_modules.get(usage)
            if module_id is None and f"type@{QUIZ}+block@" in usage:
                module_id = usage.rsplit("block@", 1)[-1]
            if module_id is None or tally.modules.get(module_id, Module(module_id, QUIZ)).kind != QUIZ:
                tally.skipped["other_problem"] += 1
                tally.used -= 1
                continue
            state = _new_state(tally, learner, module_id, QUIZ)
            learner.active = True
            if when >= state.grade_time:
                state.grade_time, state.grade_score = when, score
        learner.grades = None
    # Learners seen only through grades of other problems are not part of the cohort.
    for name in [n for n, learner in tally.learners.items() if not learner.active]:
        del tally.learners[name]
