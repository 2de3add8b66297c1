"""Turn a scan's :class:`~xblocks.facilitator_progress.report.Tally` into figures and files.

``figures(tally)`` computes everything the outputs show (plain data, tested on its own);
``write_report(tally, out_dir)`` writes ``learners.csv``, ``chapters.csv``, ``summary.html`` (one
self-contained page: inline CSS and SVG, no scripts, no links out) and the charts as ``.svg`` files. The
files depend on the logs only (no clock, no timing), so the same logs give the same files byte for byte.
CSV cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` first) get a leading
``'``; every text in the HTML and SVG is escaped.
"""

import csv
import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

from xblocks.facilitator_progress.charts import dropoff_svg, funnel_svg
from xblocks.facilitator_progress.report import QUIZ, SKIP_REASONS, TOOLKIT, VIDEO

DONE = 1.0 - 1e-9
KIND_NAMES = {VIDEO: "session video", QUIZ: "quiz", TOOLKIT: "toolkit"}


@dataclass
class ModuleFigures:
    module_id: str
    kind: str
    title: str
    started: int = 0
    completed: int = 0
    average_score: float | None = None
    chapters: list = field(default_factory=list)  # [(title, reached, completed)] for videos


@dataclass
class Figures:
    course_id: str
    learners: int
    course_complete: int
    average_completion: float
    active_last_week: int
    first_activity: str
    last_activity: str
    modules: list
    lines: int
    used: int
    skipped: list  # [(reason text, count)]
    unknown_types: list
    other_courses: list
    notes: list


def completion_of(state):
    return state.completion


def figures(tally):
    """Cohort figures, per-module funnel and per-chapter drop-off."""
    modules = tally.ordered_modules()
    learners = tally.learners
    per_module = []
    for module in modules:
        fig = ModuleFigures(module.module_id, module.kind, module.title or module.module_id)
        scores = []
        reached = [0] * module.chapters_total
        completed = [0] * module.chapters_total
        for learner in learners.values():
            state = learner.modules.get(module.module_id)
            if state is None:
                continue
            fig.started += 1
            if state.completion >= DONE:
                fig.completed += 1
            if module.kind == QUIZ and state.score is not None:
                scores.append(state.score)
            if module.kind == VIDEO:
                _count_bits(state.reached | state.completed_chapters, reached)
                _count_bits(state.completed_chapters, completed)
        if scores:
            fig.average_score = sum(scores) / len(scores)
        if module.kind == VIDEO:
            fig.chapters = [
                (module.chapter_titles.get(i, f"Chapter {i + 1}"), reached[i], completed[i])
                for i in range(module.chapters_total)
            ]
        per_module.append(fig)
    complete = 0
    shares = []
    times = [learner.last for learner in learners.values() if learner.last]
    last = max(times, default="")
    week_before = _days_before(last, 7)
    for learner in learners.values():
        done = sum(
            1
            for module in modules
            if module.module_id in learner.modules and learner.modules[module.module_id].completion >= DONE
        )
        shares.append(done / len(modules) if modules else 0.0)
        if modules and done == len(modules):
            complete += 1
    return Figures(
        course_id=tally.course_id or "",
        learners=len(learners),
        course_complete=complete,
        average_completion=sum(shares) / len(shares) if shares else 0.0,
        active_last_week=sum(1 for t in times if week_before and t >= week_before),
        first_activity=min(times, default=""),
        last_activity=last,
        modules=per_module,
        lines=tally.lines,
        used=tally.used,
        skipped=[(SKIP_REASONS[k], n) for k, n in sorted(tally.skipped.items(), key=lambda kv: -kv[1]) if n],
        unknown_types=tally.unknown_types.most_common(10),
        other_courses=tally.other_courses.most_common(5),
        notes=list(tally.notes),
    )


def _count_bits(mask, counts):
    i = 0
    while mask and i < len(counts):
        if mask & 1:
            counts[i] += 1
        mask >>= 1
        i += 1


def _days_before(iso, days):
    try:
        moment = datetime.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return ""
    return (moment - datetime.timedelta(days=days)).isoformat()


# --- files -------------------------------------------------------------------------------------

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A CSV cell a spreadsheet will not run as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def _ratio(value):
    return "" if value is None else f"{value:.3f}"


def learner_columns(modules):
    columns = ["username", "last_activity", "modules_completed", "modules_total", "course_complete"]
    for module in modules:
        mid = module.module_id
        if module.kind == VIDEO:
            columns += [f"{mid} completion", f"{mid} chapters completed"]
        elif module.kind == QUIZ:
            columns += [f"{mid} score", f"{mid} passed", f"{mid} attempts"]
        else:
            columns += [f"{mid} completion"]
    return columns


def learner_rows(tally):
    """One list per learner, in the order of ``learner_columns`` (learners sorted by name)."""
    modules = tally.ordered_modules()
    for name in sorted(tally.learners):
        learner = tally.learners[name]
        done = 0
        cells = []
        for module in modules:
            state = learner.modules.get(module.module_id)
            if state is not None and state.completion >= DONE:
                done += 1
            if module.kind == VIDEO:
                if state is None:
                    cells += ["", ""]
                else:
                    cells += [_ratio(state.completion), bin(state.completed_chapters).count("1")]
            elif module.kind == QUIZ:
                if state is None:
                    cells += ["", "", ""]
                else:
                    tried = state.submitted or state.score is not None
                    cells += [
                        _ratio(state.score),
                        ("yes" if state.passed else "no") if tried else "",
                        state.attempts or "",
                    ]
            else:
                cells.append("" if state is None else _ratio(state.completion))
        complete = "yes" if modules and done == len(modules) else "no"
        yield [name, learner.last, done, len(modules), complete, *cells]


def chapter_rows(fig):
    """``chapters.csv`` rows for every session video."""
    for module in fig.modules:
        for i, (title, reached, completed) in enumerate(module.chapters):
            yield [
                module.module_id,
                module.title,
                i + 1,
                title,
                reached,
                completed,
                f"{reached / module.started:.3f}" if module.started else "",
                f"{completed / module.started:.3f}" if module.started else "",
            ]


CHAPTER_COLUMNS = [
    "session",
    "session_title",
    "chapter",
    "chapter_title",
    "reached",
    "completed",
    "reached_share_of_started",
    "completed_share_of_started",
]


def safe_file_stem(text, taken):
    """A file name part made of ``[A-Za-z0-9_-]`` only, unique among ``taken``."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_")[:60] or "module"
    candidate, n = stem, 2
    while candidate in taken:
        candidate, n = f"{stem}-{n}", n + 1
    taken.add(candidate)
    return candidate


def charts(fig):
    """``[(file name, title, svg)]``: the funnel, then one drop-off chart per session."""
    result = [
        (
            "funnel.svg",
            "Completion funnel across modules",
            funnel_svg(
                "Completion funnel across modules",
                [(m.title, m.started, m.completed) for m in fig.modules],
                fig.learners,
            ),
        )
    ]
    taken = {"funnel"}
    for module in fig.modules:
        if module.kind != VIDEO:
            continue
        title = f"Chapter drop-off: {module.title}"
        svg = dropoff_svg(title, module.chapters, module.started)
        result.append((f"dropoff-{safe_file_stem(module.module_id, taken)}.svg", title, svg))
    return result


class OutputError(Exception):
    """The output folder cannot be used; the message says why."""


def prepare_folder(out_dir):
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: is a file, not a folder (give --out a folder)")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"{out}: cannot create the folder ({err.strerror})")
    return out


def write_report(tally, out_dir):
    """Write every output; returns ``(Figures, [paths])``."""
    out = prepare_folder(out_dir)
    fig = figures(tally)
    written = []
    try:
        path = out / "learners.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow([safe_cell(c) for c in learner_columns(tally.ordered_modules())])
            for row in learner_rows(tally):
                writer.writerow([safe_cell(c) for c in row])
        written.append(path)
        path = out / "chapters.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(CHAPTER_COLUMNS)
            for row in chapter_rows(fig):
                writer.writerow([safe_cell(c) for c in row])
        written.append(path)
        drawn = charts(fig)
        for name, _title, svg in drawn:
            path = out / name
            path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + str(svg) + "\n", encoding="utf-8")
            written.append(path)
        path = out / "summary.html"
        path.write_text(render_summary(fig, drawn, tally), encoding="utf-8")
        written.append(path)
    except OSError as err:
        raise OutputError(f"{out}: cannot write the report ({err.strerror or err})")
    return fig, written


def summary_template():
    """The compiled ``summary.html`` (Jinja2, autoescaped; loaded on first use and cached, so ``report
    --jobs N`` can load it while the worker processes read)."""
    from xblocks.common.rendering import environment

    return environment("xblocks.facilitator_progress").get_template("summary.html")


def render_summary(fig, drawn, tally):
    """The self-contained HTML page."""
    template = summary_template()
    # Nothing of the run itself (clock, duration, number of jobs): the same logs give the same page.
    return template.render(
        _=lambda text: text,
        fig=fig,
        charts=drawn,
        files=list(tally.files),
        kind_names=KIND_NAMES,
    )
