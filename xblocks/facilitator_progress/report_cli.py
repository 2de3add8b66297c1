"""``facilitator-course report LOG [LOG ...] --out DIR [--course COURSE_ID]``.

Reads Open edX tracking logs (JSON lines, plain or gzip) in one streaming pass and writes
``learners.csv``, ``chapters.csv``, ``summary.html`` and the charts as ``.svg`` into ``DIR``.
A progress bar shows on a terminal. Bad lines are counted and skipped; a missing log or an unusable
output folder is one clear error line (exit 1).
"""

import sys


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
        help="course to report on (default: the course of the first block event in the logs)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar and no summary line")
    parser.set_defaults(func=run)


def run(args):
    from xblocks.common.errors import CommandError
    from xblocks.facilitator_progress.report import LogError, scan
    from xblocks.facilitator_progress.report_output import OutputError, prepare_folder, write_report

    course = (args.course or "").strip() or None
    try:
        prepare_folder(args.out)  # fail before reading a large log, not after
        tally = scan(args.logs, course_id=course, stream=None if not args.quiet else _Silent())
        fig, written = write_report(tally, args.out)
    except (LogError, OutputError) as err:
        raise CommandError(str(err))
    if not args.quiet:
        print(
            f"{fig.course_id or 'no course found'}: {fig.learners} learners, {fig.lines:,} lines, "
            f"{fig.used:,} used, {fig.lines - fig.used:,} skipped; wrote {len(written)} files to {args.out}",
            file=sys.stdout,
        )
    return 0


class _Silent:
    """A stream that is never a terminal (no progress bar)."""

    @staticmethod
    def isatty():
        return False
