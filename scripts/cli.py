"""``facilitator-course``: one command, a subcommand per job.

Each subcommand lives beside the code it drives and offers ``register(subparsers)``; its handler
returns the exit code. Errors the user can fix are one clear line on stderr, never a traceback.
"""

import argparse
import importlib
import sys

from xblocks.common.errors import CommandError

COMMAND_MODULES = (
    "scripts.preview.server",  # preview
    "course.cli",  # validate, build
    "media_manifest.cli",  # media check | stand-ins | prepare | doctor
    "xblocks.facilitator_progress.report_cli",  # report
)


def build_parser():
    parser = argparse.ArgumentParser(
        prog="facilitator-course",
        description="Build, check, preview and report on the facilitator-training course for Open edX.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as err:
            if err.name and name.startswith(err.name):
                continue  # that part of the project is not installed in this checkout
            raise
        module.register(subparsers)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except CommandError as err:
        print(f"error: {err}", file=sys.stderr)
        return err.code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
