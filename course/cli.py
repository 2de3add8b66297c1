"""``facilitator-course validate`` and ``facilitator-course build``.

    facilitator-course validate [--source course/content] [--manifest media_manifest/manifest.yaml]
    facilitator-course build [--source course/content] [--out build] [--manifest ...] [--media DIR]
    facilitator-course import EXPORT (--out DIR [--source course/content] | --into course/content)
    facilitator-course schema [--out course/content/schemas]

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
    helper = "bring a Studio export (.tar.gz or folder) back into the YAML source"
    parser = subparsers.add_parser("import", help=helper, description=helper)
    parser.add_argument(
        "export", type=Path, help="the Studio export: a .tar.gz or a folder holding course.xml"
    )
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", type=Path, help="a new (or empty) folder to write the course source into")
    where.add_argument("--into", type=Path, help="update this course source in place (e.g. course/content)")
    parser.add_argument(
        "--source",
        type=Path,
        default=DEFAULT_SOURCE,
        help="with --out: the source the export was built from, for what OLX does not hold (passages, "
        "Markdown bodies, comments); default course/content",
    )
    parser.add_argument(
        "--manifest",
        type=Path,
        default=None,
        help="the media manifest (default: media_manifest/manifest.yaml)",
    )
    parser.set_defaults(func=run_import)
    helper = "write the JSON Schema of the course YAML (editors complete and check keys with it)"
    parser = subparsers.add_parser("schema", help=helper, description=helper)
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_SOURCE / "schemas",
        help="folder for course/module/sources .schema.json, or a .json file for the course file's schema "
        "(default: course/content/schemas)",
    )
    parser.set_defaults(func=run_schema)


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


def run_import(args):
    from course.export_reader import ExportError
    from course.importer import CourseImportError, import_course
    from xblocks.common.errors import CommandError

    out = args.into or args.out
    try:
        done = import_course(args.export, out, args.source, args.manifest, into=args.into is not None)
    except (ExportError, CourseImportError) as err:
        raise CommandError(str(err))
    except OSError as err:
        raise CommandError(f"cannot write the course source: {err.strerror or err} ({err.filename or out})")
    for note in done.notes:
        print(f"note: {note}")
    print(f"Imported {done.modules} modules, {done.blocks} blocks into {done.out}")
    if done.problems:
        _print_problems(done.problems)
        print(
            "The source was written; fix these before building (facilitator-course validate).",
            file=sys.stderr,
        )
        return 1
    return 0


def run_schema(args):
    from course.json_schema import write_schemas
    from xblocks.common.errors import CommandError

    try:
        written = write_schemas(args.out)
    except OSError as err:
        raise CommandError(f"cannot write the schema: {err.strerror or err} ({err.filename or args.out})")
    for path in written:
        print(f"Wrote {path}")
    return 0
