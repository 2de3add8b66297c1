"""``facilitator-course preview``: prepare the database and serve the workbench.

``--watch`` rebuilds the course from ``--source`` when a file there (or the media manifest) changes and
serves the rebuilt course on the next page load; a broken source shows its problems on the course page
while the last good build stays served (``scripts.preview.watch``).
"""

import os
import sys
from pathlib import Path

from scripts.preview.paths import REPO, build_dir, var_dir

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
    parser.add_argument(
        "--watch",
        action="store_true",
        help="rebuild the course when a file of --source changes; the next page load shows it",
    )
    parser.add_argument(
        "--source",
        type=Path,
        default=REPO / "course" / "content",
        help="with --watch: the course source folder (default course/content)",
    )
    parser.add_argument("--manifest", type=Path, default=None, help="with --watch: the media manifest")
    parser.set_defaults(func=run)


def run(args):
    if not 0 < args.port < 65536:
        print(f"error: --port must be between 1 and 65535, not {args.port}", file=sys.stderr)
        return 2
    if args.watch and not (args.source / "course.yaml").is_file():
        print(f"error: --source {args.source} holds no course.yaml", file=sys.stderr)
        return 1
    setup_django()
    migrate()
    # Load every page before serving: the workbench loads them on the first request, and a second request
    # arriving meanwhile (a slow start) would list only those loaded so far, the built course left out.
    from workbench.scenarios import get_scenarios

    get_scenarios()
    from django.core.management import call_command

    if args.watch:
        from django.conf import settings

        from scripts.preview.watch import start_watching

        settings.MIDDLEWARE = [*settings.MIDDLEWARE, "scripts.preview.watch.WatchMiddleware"]
        watcher = start_watching(args.source, build_dir(), args.manifest)
        state = (
            f"{len(watcher.problems)} problem(s) shown on the course page" if watcher.problems else "built"
        )
        print(f"Watching {args.source} ({state}); saved changes show on the next page load.")
    print(f"Preview at http://{args.host}:{args.port}/  (learners: ?student=NAME; staff: ?student=staff_1)")
    from scripts.preview.mfe import MFE_HOST, mfe_home_path

    print(f"As the Learning MFE shows it: http://{MFE_HOST}:{args.port}{mfe_home_path()}")
    print(f"Tracking log: {var_dir() / 'tracking.log'}   Ctrl-C stops the server.", flush=True)
    try:
        call_command("runserver", f"{args.host}:{args.port}", use_reloader=False, verbosity=0)
    except KeyboardInterrupt:
        print("\nPreview stopped.")
    return 0
