"""``facilitator-course validate`` and ``facilitator-course build``.

    facilitator-course validate [--source course/content] [--manifest media_manifest/manifest.yaml]
    facilitator-course build [--source course/content] [--out build] [--manifest ...] [--media DIR]

``validate`` prints every problem as ``path:line:column: message`` and exits 1 if there is any, 0 if the
course is clean. ``build`` validates first (same output and exit code on problems), then writes the
export under ``--out``. Problems are one line each, never a traceback.
"""

import sys
from pathlib import Path

DEFAULT_SOURCE = Path(__file__).resolve().parent / "content"


def register(subparsers):
    """Add ``validate`` and ``build`` to the ``facilitator-course`` command."""
    for name, helper in (
        ("validate", "check the course source; every problem as path:line:column: message"),
        ("build", "validate, then write the OLX tree, the import tarball and the preview scenario"),
    ):
        parser = subparsers.add_parser(name, help=helper, description=helper)
        parser.add_argument(
            "--source", type=Path, default=DEFAULT_SOURCE, help="the course folder (default: course/content)"
        )
        parser.add_argument(
            "--manifest",
            type=Path,
            default=None,
            help="the media manifest (default: media_manifest/manifest.yaml)",
        )
        if name == "build":
            parser.add_argument(
                "--out", type=Path, default=Path("build"), help="output folder (default: build)"
            )
            parser.add_argument(
                "--media",
                type=Path,
                default=None,
                help="folder of prepared media to include when present (default: OUT/media/prepared)",
            )
            parser.set_defaults(func=run_build)
        else:
            parser.set_defaults(func=run_validate)


def _print_problems(problems):
    for problem in problems:
        print(str(problem).replace("\n", " "), file=sys.stderr)
    count = len(problems)
    print(f"{count} problem{'s' if count != 1 else ''} found", file=sys.stderr)


def run_validate(args):
    from course.validate import validate

    checked = validate(args.source, args.manifest)
    if checked.problems:
        _print_problems(checked.problems)
        return 1
    course = checked.course
    blocks = sum(1 for _ in course.blocks())
    print(f"{args.source}: the course is valid ({len(course.modules)} modules, {blocks} blocks)")
    return 0


def run_build(args):
    from course.build import BuildError, build
    from xblocks.common.errors import CommandError

    try:
        built = build(args.source, args.out, args.manifest, args.media)
    except BuildError as err:
        if len(err.problems) == 1 and isinstance(err.problems[0], str):
            raise CommandError(err.problems[0])
        _print_problems(err.problems)
        return 1
    except OSError as err:
        raise CommandError(f"cannot write the build: {err.strerror or err} ({err.filename or args.out})")
    media = f", media included: {', '.join(built.media)}" if built.media else ", no media included"
    print(f"Built {built.files} files into {built.tree}{media}")
    print(f"Import tarball: {built.tarball}")
    print(f"Preview scenario: {built.preview}")
    return 0
