"""Write a realistic synthetic Open edX tracking log for N learners (deterministic by seed).

    python -m scripts.gen_tracking_log OUT.log --learners 500 [--seed 7] [--events 1000000] [--gzip]
        [--other-share 0.9] [--completion-share 0.5]

Each learner follows the course (five sessions, each followed by its checkpoint quiz; the planning,
emerging and sustaining toolkits after sessions 2, 3 and 5; the readiness assessment at the end) and
behaves in their own way: drops out after some session or inside one (chapter drop-off), skips parts of
chapters, retries quizzes (some pass, some run out of attempts), unticks toolkit items, watches in two tabs
(duplicate events), and the LMS around them logs other event types (page views, player clicks). A share
of lines belongs to another course, and a few lines are corrupt (truncated, not JSON, NaN, blank).

Records are written in the LMS's form (``scripts.preview.tracking.tracking_record``), some compact with
sorted keys as the preview writes them, some with spaces in the order the LMS writes them.
``generate(...)`` returns a :class:`Truth`: what each learner did, for tests to compare the report with.
``--events N`` tunes how often the players report progress so the log holds N lines (same learners, same
behaviour: only the density of ``edx.chaptered_video.progress`` changes).

An instance's log: ``--other-share 0.9`` makes 90 % of the lines other courses' (the same kinds of event,
other course ids and people: made from the course's own lines by replacing the course and user names, which
is fast), one in fifty of them naming this course elsewhere (a ``referer`` into it), as a byte search must
not be fooled by. ``--completion-share 0.5``: for half the learners the platform's
``edx.completion.block_completion.changed`` lines are logged too, in the LMS's tracking-log form, each time a
block's completion rises (videos, quizzes, toolkits, and the course's notes pages, which the report does not
follow).
"""

import argparse
import datetime
import gzip
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

from scripts.preview.tracking import tracking_record

COURSE_ID = "course-v1:NGSP+Facilitator+2025"
OTHER_COURSE_ID = "course-v1:Other+Course+2025"
COMPLETION_EVENT = "edx.completion.block_completion.changed"
VIDEO_THRESHOLD = 0.9  # the course's completion_threshold: a video is complete at 90 % watched
OTHER_COURSES = 12  # the other courses of an instance's log (--other-share)
MENTION_EVERY = 50  # one in this many other courses' lines names the course elsewhere (a referer)
START = datetime.datetime(2025, 3, 3, 9, 0, tzinfo=datetime.UTC)
SESSION_CHAPTERS = (9, 10, 8, 11, 9)
SESSION_SECONDS = 5400.0
TOOLKITS = {2: ("planning", 8), 3: ("emerging", 7), 5: ("sustaining", 6)}  # after session N
QUIZ_ATTEMPTS = 3
PASS_RATIO = 0.8


def session_video(n):
    return f"session-{n}-video"


def session_quiz(n):
    return f"session-{n}-quiz"


def toolkit_id(stage):
    return f"toolkit-{stage}"


ASSESSMENT = "readiness-assessment"


_COURSE_KEY = COURSE_ID.split(":", 1)[1]
_OTHER_KEYS = [f"Org{n}+Course{n}+2025" for n in range(OTHER_COURSES)]
_OTHER_PEOPLE = [f"o{n}_learner_" for n in range(OTHER_COURSES)]
_MENTION = '{"referer": "https://lms.example.org/courses/' + COURSE_ID + '/courseware/", '


def usage_key(block_type, module_id, course_id=COURSE_ID):
    return f"block-v1:{course_id.split(':', 1)[1]}+type@{block_type}+block@{module_id}"


def chapter_bounds(chapters):
    length = SESSION_SECONDS / chapters
    return [(i * length, (i + 1) * length) for i in range(chapters)]


@dataclass
class LearnerTruth:
    """What one learner did, as the report should see it."""

    username: str
    reached: dict = field(default_factory=dict)  # video module -> set of chapter indexes
    completed_chapters: dict = field(default_factory=dict)
    coverage: dict = field(default_factory=dict)  # video module -> final coverage (rounded as logged)
    video_completed: set = field(default_factory=set)
    quiz_score: dict = field(default_factory=dict)  # quiz module -> kept (best) score
    quiz_attempts: dict = field(default_factory=dict)
    quiz_passed: set = field(default_factory=set)
    toolkit_completion: dict = field(default_factory=dict)
    platform_completion: dict = field(default_factory=dict)  # module -> the platform's latest completion
    last: str = ""


@dataclass
class Truth:
    """The whole log: learners of the course and the line counts by kind."""

    learners: dict = field(default_factory=dict)
    lines: int = 0
    corrupt: int = 0
    blank: int = 0
    other_course: int = 0
    unknown: int = 0
    instance: int = 0  # lines of the other courses of an instance (--other-share)
    mentions: int = 0  # of those, lines that name the course elsewhere
    completion: int = 0  # the platform's completion lines of tracked blocks
    untracked: int = 0  # the platform's completion lines of blocks the report does not follow


def completion_record(username, user_id, course_id, block_type, module_id, completion, when, in_context=True):
    """edx-completion's ``block_completion.changed`` as the LMS logs it (event-tracking's event after
    ``LegacyFieldMappingProcessor``: ``name`` also as ``event_type``, ``data`` as ``event``, request
    fields at the top)."""
    block_id = usage_key(block_type, module_id, course_id)
    stamp = when.isoformat()
    context = {
        "course_id": course_id,
        "org_id": course_id.split(":", 1)[-1].split("+", 1)[0],
        "user_id": user_id,
        "path": f"/courses/{course_id}/xblock/{block_id}/handler/publish_completion",
    }
    if in_context:
        context["username"] = username
    return {
        "name": COMPLETION_EVENT,
        "event_type": COMPLETION_EVENT,
        "event_source": "server",
        "username": username,
        "time": stamp,
        "event": {
            "user_id": user_id,
            "course_id": course_id,
            "block_id": block_id,
            "block_type": block_type,
            "completion": completion,
            "modified": stamp,
            "created": stamp,
        },
        "context": context,
        "host": "lms.example.org",
        "ip": "",
        "agent": "",
        "referer": "",
        "accept_language": "",
        "session": "",
        "page": None,
    }


class _Writer:
    """Counts and writes lines, stops at ``limit`` (None = no limit).

    ``other_share``: after each line of the course, enough lines of other courses that they make that share
    of the log (made from the course's line by renaming the course and the person)."""

    def __init__(self, handle, rng, limit=None, other_share=0.0, truth=None):
        self.handle = handle
        self.rng = rng
        self.limit = limit
        self.lines = 0
        self.ratio = other_share / (1.0 - other_share) if other_share else 0.0
        self.debt = 0.0
        self.others = 0
        self.truth = truth

    @property
    def full(self):
        return self.limit is not None and self.lines >= self.limit

    def line(self, text):
        if self.full:
            return False
        self.lines += 1
        if self.handle is not None:
            self.handle.write(text)
        return True

    def record(self, record):
        if self.full:
            return False
        if self.handle is None:
            self.lines += 1
            self.instance(None)
            return True
        if self.rng.random() < 0.3:  # the LMS's own form: spaces, keys in its order
            text = json.dumps(record)
        else:
            text = json.dumps(record, separators=(",", ":"), sort_keys=True)
        self.line(text + "\n")
        self.instance(text)
        return True

    def instance(self, text):
        """Lines of other courses after this one, so that they make ``other_share`` of the log."""
        if not self.ratio:
            return
        self.debt += self.ratio
        count = int(self.debt)
        self.debt -= count
        if self.limit is not None:
            count = min(count, self.limit - self.lines)
        if count <= 0:
            return
        first = self.others + 1
        self.others += count
        self.lines += count
        if self.truth is not None:
            self.truth.instance += count
            self.truth.mentions += self.others // MENTION_EVERY - (first - 1) // MENTION_EVERY
        if text is None:
            return
        out = []
        for i in range(first, first + count):
            n = i % OTHER_COURSES
            other = text.replace(_COURSE_KEY, _OTHER_KEYS[n]).replace("learner_", _OTHER_PEOPLE[n])
            out.append(_MENTION + other[1:] if i % MENTION_EVERY == 0 else other)
        out.append("")
        self.handle.write("\n".join(out))


class _Learner:
    """Plays one learner through the course, writing their events and keeping the truth."""

    def __init__(self, writer, truth, rng, name, progress_every, start, user_id=0, platform=False):
        self.w = writer
        self.user_id = user_id
        self.platform = platform  # the platform's completion lines are logged for this learner
        self.truth = truth
        self.rng = rng
        self.name = name
        self.every = progress_every
        self.now = start
        self.me = LearnerTruth(name)
        self.multi_tab = rng.random() < 0.12
        # Duplicates and LMS noise draw from their own generator, so the learner's behaviour (drop-off,
        # scores...) stays the same whatever the progress interval.
        self.extra = random.Random(rng.random())

    def tick(self, seconds):
        self.now += datetime.timedelta(seconds=seconds)

    def emit(self, event_type, data, block_type, module_id, course_id=COURSE_ID, duplicate_ok=True):
        if self.w.handle is None:  # counting only: same random draws, no records built
            self.w.record(None)
            if course_id == COURSE_ID and self.multi_tab and duplicate_ok and self.extra.random() < 0.2:
                self.w.record(None)
            return True
        record = tracking_record(
            event_type,
            data,
            self.name,
            usage_key(block_type, module_id, course_id),
            course_id,
            when=self.now,
            display_name=module_id.replace("-", " ").title(),
        )
        if record is None or not self.w.record(record):
            return False
        if course_id == COURSE_ID:
            self.me.last = max(self.me.last, record["time"])
            if self.multi_tab and duplicate_ok and self.extra.random() < 0.2:
                self.w.record(record)  # the same event logged from a second tab
        else:
            self.truth.other_course += 1
        return True

    def platform_completion(self, block_type, module, value):
        """edx-completion's line when a block's completion rises (the blocks publish only rises)."""
        if not self.platform or value <= self.me.platform_completion.get(module, 0.0) or self.w.full:
            return
        tracked = block_type in ("chaptered_video", "checkpoint_quiz", "stage_toolkit")
        record = None
        if self.w.handle is not None:
            record = completion_record(
                self.name, self.user_id, COURSE_ID, block_type, module, value, self.now, self.user_id % 2 == 1
            )
        if self.w.record(record):
            self.me.platform_completion[module] = value
            if tracked:
                self.truth.completion += 1
            else:
                self.truth.untracked += 1

    def noise(self, probability):
        """Events of other types the LMS logs around the blocks."""
        if self.extra.random() >= probability:
            return
        kind = self.extra.choice(("play_video", "pause_video", "page", "seq", "problem_show"))
        if kind == "page":
            event_type = f"/courses/{COURSE_ID}/courseware/session/{self.extra.randint(1, 5)}/"
            data = {"GET": {}, "POST": {}}
        elif kind == "seq":
            event_type, data = "edx.ui.lms.sequence.next_selected", {"current_tab": 1, "tab_count": 4}
        else:
            event_type, data = kind, {"id": "x", "currentTime": round(self.extra.random() * 100, 2)}
        record = None
        if self.w.handle is not None:
            record = tracking_record(event_type, data, self.name, "", COURSE_ID, when=self.now)
            record["event_source"] = "browser"
            record["event"] = json.dumps(data)  # browser events carry their payload as a JSON string
        if self.w.record(record):
            self.truth.unknown += 1

    # --- the course ------------------------------------------------------------------------

    def run(self):
        rng = self.rng
        keep_going = 0.9
        for n, chapters in enumerate(SESSION_CHAPTERS, start=1):
            if self.w.full:
                return
            if n > 1 and rng.random() > keep_going:
                return  # drops out before this session
            finished = self.watch(n, chapters)
            self.platform_completion("html", f"session-{n}-notes", 1.0)  # a page the report does not follow
            self.tick(rng.uniform(600, 3 * 86400))
            if finished or rng.random() < 0.5:
                self.quiz(session_quiz(n), questions=5)
            if n in TOOLKITS and rng.random() < 0.8:
                self.toolkit(*TOOLKITS[n])
            if rng.random() < 0.05:
                self.other_course()
            keep_going -= 0.04
        if rng.random() < 0.85:
            self.quiz(ASSESSMENT, questions=12)

    def watch(self, n, chapters):
        """Watch a session chapter by chapter; returns True when it was completed."""
        rng = self.rng
        module = session_video(n)
        bounds = chapter_bounds(chapters)
        watched = [0.0] * chapters
        reached = self.me.reached.setdefault(module, set())
        done = self.me.completed_chapters.setdefault(module, set())
        since_report = 0.0
        for index, (start, end) in enumerate(bounds):
            if index > 0 and rng.random() < 0.07:
                break  # chapter drop-off
            length = end - start
            share = 1.0 if rng.random() < 0.82 else rng.uniform(0.15, 0.85)
            self.noise(0.5)
            self.emit(
                "edx.chaptered_video.chapter_reached",
                {
                    "module_id": module,
                    "chapter": index,
                    "title": f"Chapter {index + 1}",
                    "chapters_total": chapters,
                },
                "chaptered_video",
                module,
            )
            reached.add(index)
            target = share * length
            while watched[index] < target:
                step = min(self.every - since_report, target - watched[index])
                watched[index] += step
                since_report += step
                self.tick(step)
                if since_report >= self.every or watched[index] >= target:
                    since_report = 0.0
                    coverage = round(sum(watched) / SESSION_SECONDS, 4)
                    self.emit(
                        "edx.chaptered_video.progress",
                        {
                            "module_id": module,
                            "coverage": coverage,
                            "position": round(start + watched[index], 1),
                            "added_seconds": round(step, 1),
                        },
                        "chaptered_video",
                        module,
                    )
                    self.noise(0.08)
            if share >= 0.9:
                done.add(index)
                self.emit(
                    "edx.chaptered_video.chapter_completed",
                    {
                        "module_id": module,
                        "chapter": index,
                        "title": f"Chapter {index + 1}",
                        "coverage": 1.0,
                        "chapters_total": chapters,
                    },
                    "chaptered_video",
                    module,
                )
            rose = min(1.0, round(sum(watched) / SESSION_SECONDS / VIDEO_THRESHOLD, 4))
            self.platform_completion("chaptered_video", module, rose)
            if rng.random() < 0.1:
                self.tick(rng.uniform(3600, 86400))  # comes back another day
        coverage = round(sum(watched) / SESSION_SECONDS, 4)
        if any(watched):
            self.me.coverage[module] = max(self.me.coverage.get(module, 0.0), coverage)
        if len(done) == chapters:
            self.me.video_completed.add(module)
            self.emit(
                "edx.chaptered_video.completed",
                {"module_id": module, "coverage": coverage, "chapters_total": chapters},
                "chaptered_video",
                module,
            )
            return True
        return False

    def quiz(self, module, questions):
        rng = self.rng
        skill = rng.uniform(0.4, 1.0)
        best = None
        for attempt in range(1, QUIZ_ATTEMPTS + 1):
            self.tick(rng.uniform(60, 600))
            earned = sum(rng.random() < skill for _ in range(questions))
            score = round(earned / questions, 4)
            passed = score >= PASS_RATIO
            self.emit(
                "edx.checkpoint_quiz.submitted",
                {
                    "module_id": module,
                    "attempt": attempt,
                    "earned": earned,
                    "possible": questions,
                    "score": score,
                    "passed": passed,
                    "questions": {
                        f"q{i}": {"correct": i < earned, "chosen": ["a"]} for i in range(questions)
                    },
                },
                "checkpoint_quiz",
                module,
            )
            self.me.quiz_attempts[module] = attempt
            if best is None or score > best:
                best = score
                self.emit("grade", {"value": score, "max_value": 1.0}, "checkpoint_quiz", module)
            if passed:
                self.me.quiz_passed.add(module)
                self.platform_completion("checkpoint_quiz", module, 1.0)
                self.emit(
                    "edx.checkpoint_quiz.passed",
                    {"module_id": module, "score": score, "attempt": attempt},
                    "checkpoint_quiz",
                    module,
                )
                break
            if rng.random() < 0.3:
                break  # gives up before the last attempt
        self.me.quiz_score[module] = best

    def toolkit(self, stage, items):
        rng = self.rng
        module = toolkit_id(stage)
        checked = set()
        reflection = False

        def completion():
            value = len(checked) / items
            return 1.0 if len(checked) == items and reflection else round(min(value, 0.999), 4)

        goal = items if rng.random() < 0.6 else rng.randint(1, items)
        for item in range(goal):
            self.tick(rng.uniform(30, 3600))
            checked.add(item)
            self.emit(
                "edx.stage_toolkit.item_checked",
                {
                    "module_id": module,
                    "stage": stage,
                    "item": f"item-{item}",
                    "checked": True,
                    "items_checked": len(checked),
                    "items_total": items,
                    "completion": completion(),
                },
                "stage_toolkit",
                module,
            )
            self.platform_completion("stage_toolkit", module, completion())
            if rng.random() < 0.08:  # unticks it again
                self.tick(5)
                checked.discard(item)
                self.emit(
                    "edx.stage_toolkit.item_checked",
                    {
                        "module_id": module,
                        "stage": stage,
                        "item": f"item-{item}",
                        "checked": False,
                        "items_checked": len(checked),
                        "items_total": items,
                        "completion": completion(),
                    },
                    "stage_toolkit",
                    module,
                )
        if rng.random() < 0.3:
            self.emit(
                "edx.stage_toolkit.resource_opened",
                {"module_id": module, "stage": stage, "resource": "guide", "href": "/static/guide.pdf"},
                "stage_toolkit",
                module,
            )
        if rng.random() < 0.7:
            self.tick(120)
            reflection = True
            self.emit(
                "edx.stage_toolkit.reflection_saved",
                {
                    "module_id": module,
                    "stage": stage,
                    "reflection": "scope",
                    "length": 140,
                    "completion": completion(),
                },
                "stage_toolkit",
                module,
            )
            self.platform_completion("stage_toolkit", module, completion())
        self.me.toolkit_completion[module] = completion()

    def other_course(self):
        """A few events of another course the same person takes."""
        for _ in range(self.rng.randint(1, 4)):
            self.tick(30)
            self.emit(
                "edx.chaptered_video.progress",
                {"module_id": "intro-video", "coverage": 0.1, "position": 30, "added_seconds": 30},
                "chaptered_video",
                "intro-video",
                course_id=OTHER_COURSE_ID,
                duplicate_ok=False,
            )


CORRUPT = (
    '{"username": "broken", "event_type": "edx.chaptered_video.progress", "event": {"module_id": "sess',
    "this is not json at all",
    "[1, 2, 3]",
    '{"username":"nan","event_type":"edx.chaptered_video.progress","time":"2025-03-03T09:00:00+00:00",'
    '"context":{"course_id":"' + COURSE_ID + '"},"event":{"module_id":"session-1-video","coverage":NaN}}',
    "\x00\x01\x02 binary junk \xff",
)


def _corrupt(writer, rng, truth):
    if rng.random() < 0.3:
        if writer.line("\n"):
            truth.blank += 1
    elif writer.line(rng.choice(CORRUPT) + "\n"):
        truth.corrupt += 1


def _play(handle, learners, seed, progress_every, limit, corrupt_rate, other_share=0.0, completion_share=0.0):
    rng = random.Random(f"{seed}:log")
    platform_rng = random.Random(f"{seed}:platform")  # its own draws: the learners behave the same
    truth = Truth()
    writer = _Writer(handle, rng, limit, other_share, truth)
    for i in range(learners):
        if writer.full:
            break
        name = f"learner_{i:05d}"
        learner_rng = random.Random(f"{seed}:{name}")
        start = START + datetime.timedelta(seconds=learner_rng.uniform(0, 30 * 86400))
        platform = platform_rng.random() < completion_share
        learner = _Learner(writer, truth, learner_rng, name, progress_every, start, i + 1, platform)
        before = writer.lines
        learner.run()
        if learner.me.last:
            truth.learners[name] = learner.me
        for _ in range(writer.lines - before):
            if rng.random() < corrupt_rate:
                _corrupt(writer, rng, truth)
    truth.lines = writer.lines
    return truth


def _tune(events, learners, seed, every, corrupt_rate, other_share=0.0, completion_share=0.0):
    """A progress interval giving ``events`` to 2 % more lines (lines fall as the interval grows).

    The lines are close to ``A + B / interval`` (progress reports are one per interval watched): two dry
    runs give A and B, and a few more correct the guess."""

    def lines(interval):
        return _play(None, learners, seed, interval, None, corrupt_rate, other_share, completion_share).lines

    wide = every * 4
    near, far = lines(every), lines(wide)
    slope = (near - far) / (1 / every - 1 / wide)
    base = near - slope / every
    goal = events * 1.01
    if slope > 0 and goal > base:
        interval = slope / (goal - base)
        for _ in range(8):
            count = lines(interval)
            if events <= count <= events * 1.02:
                return interval
            if count < events:
                interval *= 0.98 * max(0.1, (count - base) / (goal - base))
            else:
                interval *= min(10.0, (count - base) / (goal - base))
    return _bisect(lines, events, every)


def _bisect(lines, events, every):
    """The slow, sure way: halve or double, then bisect."""
    low, high = every, every  # lines(low) >= events > lines(high)
    while lines(low) < events and low > 0.05:
        high, low = low, low / 2
    while lines(high) >= events and high < 1e6:
        low, high = high, high * 2
    for _ in range(12):
        middle = (low * high) ** 0.5
        count = lines(middle)
        if count < events:
            high = middle
        else:
            low = middle
            if count <= events * 1.02:
                break
    return low


def generate(
    path,
    learners=50,
    seed=1,
    events=None,
    progress_every=10.0,
    corrupt_rate=0.001,
    compress=None,
    other_share=0.0,
    completion_share=0.0,
):
    """Write the log to ``path`` (gzip when ``compress`` or the name ends in .gz); return the Truth.

    ``events``: aim for this many lines by changing ``progress_every`` (the log is cut at exactly that many).
    ``other_share``: the share of lines of other courses (0 to 0.99); ``completion_share``: the share of
    learners whose platform completion lines are logged.
    """
    path = Path(path)
    if not 0.0 <= other_share <= 0.99 or not 0.0 <= completion_share <= 1.0:
        raise ValueError("other_share must be from 0 to 0.99 and completion_share from 0 to 1")
    if events is not None:
        progress_every = _tune(
            events, learners, seed, progress_every, corrupt_rate, other_share, completion_share
        )
    compress = path.suffix == ".gz" if compress is None else compress
    opener = gzip.open if compress else open
    with opener(path, "wt", encoding="utf-8") as handle:
        return _play(
            handle, learners, seed, progress_every, events, corrupt_rate, other_share, completion_share
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", help="the log file to write (.gz compresses)")
    parser.add_argument("--learners", type=int, default=50, help="number of learners (default 50)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same log)")
    parser.add_argument("--events", type=int, default=None, help="aim for this many lines")
    parser.add_argument("--gzip", action="store_true", help="compress whatever the name")
    parser.add_argument(
        "--other-share",
        type=float,
        default=0.0,
        help="share of lines of other courses, 0 to 0.99 (default 0)",
    )
    parser.add_argument(
        "--completion-share",
        type=float,
        default=0.0,
        help="share of learners with the platform's completion lines, 0 to 1 (default 0)",
    )
    args = parser.parse_args(argv)
    if args.learners < 1 or (args.events is not None and args.events < 1):
        print("error: --learners and --events must be 1 or more", file=sys.stderr)
        return 2
    if not 0.0 <= args.other_share <= 0.99 or not 0.0 <= args.completion_share <= 1.0:
        print("error: --other-share must be from 0 to 0.99, --completion-share from 0 to 1", file=sys.stderr)
        return 2
    truth = generate(
        args.out,
        args.learners,
        args.seed,
        args.events,
        compress=args.gzip or None,
        other_share=args.other_share,
        completion_share=args.completion_share,
    )
    print(f"{args.out}: {truth.lines:,} lines, {len(truth.learners):,} learners of {COURSE_ID}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
