"""``facilitator-course preview``: prepare the database and serve the workbench."""

import os
import sys

from scripts.preview.paths import var_dir

SETTINGS = "scripts.preview.settings"


def setup_django():
    """Configure Django with the preview settings (idempotent)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    var_dir().mkdir(parents=True, exist_ok=True)
    import django

    django.setup()


def migrate(verbosity=0):
    """Create the workbench tables (the SDK wheel ships no migrations: syncdb does it)."""
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, interactive=False, verbosity=verbosity)


def register(subparsers):
    parser = subparsers.add_parser("preview", help="serve the live preview (the XBlock SDK workbench)")
    parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.set_defaults(func=run)


def run(args):
    if not 0 < args.port < 65536:
        print(f"error: --port must be between 1 and 65535, not {args.port}", file=sys.stderr)
        return 2
    setup_django()
    migrate()
    from django.core.management import call_command

    print(f"Preview at http://{args.host}:{args.port}/  (learners: ?student=NAME; staff: ?student=staff_1)")
    print(f"Tracking log: {var_dir() / 'tracking.log'}   Ctrl-C stops the server.", flush=True)
    try:
        call_command("runserver", f"{args.host}:{args.port}", use_reloader=False, verbosity=0)
    except KeyboardInterrupt:
        print("\nPreview stopped.")
    return 0
