"""Fixtures every test module shares: the in-memory harness, the workbench, stand-in media, the browser."""

import os
import tempfile
from pathlib import Path

# The preview settings write under $FACILITATOR_VAR: keep tests out of the developer's var/ (set before
# pytest-django imports the settings).
_TEST_VAR = Path(tempfile.mkdtemp(prefix="facilitator-test-var-"))
os.environ.setdefault("FACILITATOR_VAR", str(_TEST_VAR))
# In-process workbench pages come from the blocks alone, never from the developer's build/ (tests that
# need a built course set FACILITATOR_BUILD to their own; the browser preview gets the session's build).
os.environ.setdefault("FACILITATOR_BUILD", str(_TEST_VAR / "no-build"))

import pytest  # noqa: E402

from tests.runtime import Harness  # noqa: E402

pytest_plugins = ["tests.browser"]


@pytest.fixture
def harness():
    """A fresh in-memory runtime: users ``learner``, ``ana``, ``ben``...; ``staff*`` users are staff."""
    return Harness()


@pytest.fixture
def workbench(db, settings, tmp_path):
    """The workbench with this project's settings, tables created, scenarios loaded, state empty."""
    from workbench.runtime_util import reset_global_state

    settings.TRACKING_LOG = tmp_path / "tracking.log"
    reset_global_state()
    return settings


@pytest.fixture(scope="module")
def lms(django_db_setup, django_db_blocker):
    """An LMS-shaped Django with event-routing-backends and this plugin app loaded (the xAPI tests)."""
    from tests.xapi_support import lms_environment, require_tools

    require_tools()
    with lms_environment(django_db_blocker) as stand_in:
        yield stand_in


def read_tracking_log(path):
    """The JSON records of a tracking log file."""
    import json

    path = Path(path)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
