"""``facilitator-course``: one command, a subcommand per job.

Each subcommand lives beside the code it drives and offers ``register(subparsers)``; its handler
returns the exit code. Errors the user can fix are one clear line on stderr, never a traceback.

Only the chosen subcommand's module is imported (``report`` starts without XBlock or Django), and a
subcommand whose tools are not installed names the extra to install instead of failing with a traceback.
"""

import argparse
import importlib
import sys

from xblocks.common.errors import CommandError

DISTRIBUTION = "facilitator-course"

# Subcommand -> (module that registers it, one-line help, the extra whose tools it needs or None).
COMMANDS = {
    "preview": ("scripts.preview.server", "serve the live preview (the XBlock SDK workbench)", "preview"),
    "validate": ("course.cli", "check the course source and print path:line:column problems", "course"),
    "build": ("course.cli", "validate, then write the OLX tree, the import tarball, the preview", "course"),
    "import": ("course.cli", "bring a Studio export back into the YAML source", "course"),
    "schema": ("course.cli", "write the JSON Schema of the course YAML for editors", "course"),
    "media": ("media_manifest.cli", "check, prepare and make stand-ins for the recordings", "media"),
    "report": ("xblocks.facilitator_progress.report_cli", "completion report from LMS tracking logs", None),
}

# Top-level import names of optional tools -> the extra that installs them.
EXTRA_OF_MODULE = {
    "workbench": "preview",
    "django": "preview",
    "djpyfs": "preview",
    "lazy": "preview",
    "markdown_it": "course",
    "ruamel": "course",
    "jsonschema": "course",
    "ffmpeg": "media",
    "imageio_ffmpeg": "media",
    "pandas": "bench",
    "event_routing_backends": "xapi",
}


def missing_extra_message(command, err):
    """The one line for a subcommand whose tools are missing, or None if ``err`` is not about an extra."""
    top = (getattr(err, "name", None) or "").split(".")[0]
    extra = EXTRA_OF_MODULE.get(top)
    if extra is None:
        entry = COMMANDS.get(command)
        if entry is None or entry[2] is None or not top or top in _OWN_PACKAGES:
            return None
        extra = entry[2]
    return (
        f"'{DISTRIBUTION} {command}' needs the {extra} tools, which are not installed "
        f"(missing Python module '{top}'): pip install '{DISTRIBUTION}[{extra}]'"
    )


_OWN_PACKAGES = {"xblocks", "course", "media_manifest", "scripts", "tests"}


def _chosen_command(argv):
    """The first argument that names a subcommand (options before it take no values), or None."""
    for arg in argv:
        if arg.startswith("-"):
            continue
        return arg if arg in COMMANDS else None
    return None


def build_parser(command=None):
    """The parser; only ``command``'s module is imported (all of them when ``command`` is None)."""
    parser = argparse.ArgumentParser(
        prog=DISTRIBUTION,
        description="Build, check, preview and report on the facilitator-training course for Open edX.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    if command is None:
        for name, (_module, help_text, _extra) in COMMANDS.items():
            subparsers.add_parser(name, help=help_text)
        return parser
    module = importlib.import_module(COMMANDS[command][0])
    module.register(subparsers)
    return parser


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    command = _chosen_command(argv)
    try:
        parser = build_parser(command)
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help()
            return 2
        return int(args.func(args) or 0)
    except CommandError as err:
        print(f"error: {err}", file=sys.stderr)
        return err.code
    except ModuleNotFoundError as err:  # a subcommand's tools, missing at import or when it runs
        message = missing_extra_message(command, err)
        if message is None:
            raise
        print(f"error: {message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
