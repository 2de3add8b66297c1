"""``facilitator-course report LOG [LOG ...] --out DIR [--course COURSE_ID] [--jobs N]``.

Reads Open edX tracking logs (JSON lines, plain or gzip, rotated ones too) and writes ``learners.csv``,
``chapters.csv``, ``summary.html`` and the charts as ``.svg`` into ``DIR``. Several logs are read in
parallel processes, one file each; the files written are the same whatever the number of jobs. With
``--course`` the lines that do not name the course are counted without being parsed. A progress bar shows
on a terminal. Bad lines are counted and skipped; a damaged gzip file is read up to the damage and named
in a note; a missing log, an unusable output folder or a bad ``--jobs`` is one clear error line (exit 1).

Only argparse is needed to register the command: the scan and the writers load when it runs.
"""

import sys

MAX_JOBS = 256


def register(subparsers):
    parser = subparsers.add_parser(
        "report",
        help="completion report from tracking logs (CSV, HTML summary, SVG charts)",
        description=__doc__.split("\n\n")[1],
    )
    parser.add_argument("logs", nargs="+", metavar="LOG", help="tracking log files (plain or .gz), in order")
    parser.add_argument(
        "--out", required=True, metavar="DIR", help="folder for the report (created if missing)"
    )
    parser.add_argument(
        "--course",
        metavar="COURSE_ID",
        default=None,
        help="course to report on; lines that do not name it are skipped unparsed "
        "(default: the course of the first block event in the logs)",
    )
    parser.add_argument(
        "--jobs",
        metavar="N",
        default=None,
        help=f"log files read at once, one process each, 1 to {MAX_JOBS} (default: the number of cores)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar and no summary line")
    parser.set_defaults(func=run)


def jobs_from(text):
    """The number of processes ``--jobs`` asks for (default: the cores); CommandError when it is not one."""
    import os

    from xblocks.common.errors import CommandError

    if text is None:
        return max(1, min(os.cpu_count() or 1, MAX_JOBS))
    value = str(text).strip()
    if not value.isascii() or not value.isdigit() or len(value) > 6 or not 1 <= int(value) <= MAX_JOBS:
        raise CommandError(f"--jobs must be a whole number from 1 to {MAX_JOBS} (got {text!r})")
    return int(value)


# A course-v1 key as edx-opaque-keys reads it: course-v1:ORG+COURSE+RUN (word characters, - ~ . : each).
_COURSE_PART = r"[\w\-~.:]+"
COURSE_KEY_PATTERN = rf"course-v1:{_COURSE_PART}\+{_COURSE_PART}\+{_COURSE_PART}"


def course_from(text):
    """The ``--course`` key, stripped (None when not given); CommandError when it is not ``course-v1:``."""
    import re

    from xblocks.common.errors import CommandError

    value = (text or "").strip()
    if not value:
        return None
    if len(value) > 255 or not re.fullmatch(COURSE_KEY_PATTERN, value):
        shown = value if len(value) <= 80 else value[:77] + "..."
        raise CommandError(f"--course must be a course key like course-v1:ORG+COURSE+RUN (got {shown!r})")
    return value


def run(args):
    import time

    from xblocks.common.errors import CommandError
    from xblocks.facilitator_progress.report import LogError, scan
    from xblocks.facilitator_progress.report_output import (
        OutputError,
        prepare_folder,
        summary_template,
        write_report,
    )

    start = time.perf_counter()
    course = course_from(args.course)
    jobs = jobs_from(args.jobs)
    try:
        prepare_folder(args.out)  # fail before reading a large log, not after
        tally = scan(
            args.logs,
            course_id=course,
            stream=None if not args.quiet else _Silent(),
            jobs=jobs,
            skip_unnamed=course is not None,
            meanwhile=summary_template,
        )
        fig, written = write_report(tally, args.out)
    except (LogError, OutputError) as err:
        raise CommandError(str(err))
    for note in fig.notes:  # a damaged file: read up to the damage, said here and in summary.html
        print(f"note: {note}", file=sys.stderr)
    if not args.quiet:
        print(
            f"{fig.course_id or 'no course found'}: {fig.learners} learners, {fig.lines:,} lines, "
            f"{fig.used:,} used, {fig.lines - fig.used:,} skipped; wrote {len(written)} files to {args.out} "
            f"in {time.perf_counter() - start:.1f} s",
            file=sys.stdout,
        )
    return 0


class _Silent:
    """A stream that is never a terminal (no progress bar)."""

    @staticmethod
    def isatty():
        return False
