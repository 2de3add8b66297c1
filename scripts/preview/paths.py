"""Where the preview keeps its state and finds what it serves (no Django imports here)."""

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def var_dir():
    """``$FACILITATOR_VAR`` or ``./var``: the database, the workbench log and ``tracking.log``."""
    return Path(os.environ.get("FACILITATOR_VAR", "var")).resolve()


def build_dir():
    """``$FACILITATOR_BUILD`` or ``./build``: the built course and prepared media."""
    return Path(os.environ.get("FACILITATOR_BUILD", "build")).resolve()


def static_roots():
    """Folders ``/static/`` is served from, first match wins: the built course's static, the media."""
    build = build_dir()
    return [build / "course" / "static", build / "media" / "prepared", build / "media" / "stand-ins"]
