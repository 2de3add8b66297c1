"""The statements against the real thing: Ralph's validator, a Ralph LRS, and ``transform_tracking_logs``.

One Ralph LRS per module (its start-up takes seconds), on 127.0.0.1, filesystem backend, its own
credentials file, in a temporary folder; two users with their own stores: ``direct`` receives what
event-routing-backends' LRS client sends, ``backfill`` what ``transform_tracking_logs`` sends. Each store
takes one write (Ralph 5's filesystem backend creates its file once), so each receives one batch.
"""

import copy
import json

import pytest

from tests.xapi_support import (
    RalphLrs,
    ralph_validate,
    read_log_events,
    require_tools,
    statements_of,
    write_preview_log,
)
from xblocks.xapi import vocabulary as v


@pytest.fixture(scope="module")
def lrs():
    require_tools()
    server = RalphLrs(["direct", "backfill"])
    try:
        yield server
    finally:
        server.stop()
        assert server.process.poll() is not None
        assert not server.group_alive()  # nothing of its process group is left running


@pytest.fixture(scope="module")
def preview(lms, tmp_path_factory):
    """A preview log (in ``<root>/logs/``, where libcloud's LOCAL driver finds it) and its statements."""
    root = tmp_path_factory.mktemp("tracking")
    (root / "logs").mkdir()
    log = root / "logs" / "tracking.log"
    write_preview_log(log)
    events = read_log_events(log)
    statements = statements_of(events)
    periodic = [e for e in events if e["name"] == v.VIDEO_PROGRESS and e["data"].get("reason") == "progress"]
    assert periodic and len(statements) == len(events) - len(periodic)  # every other line makes one statement
    return root, log, statements, events


def video_statements(statements):
    return [s for s in statements if s["object"]["definition"].get("type") == v.VIDEO]


def test_every_video_statement_passes_ralph_validate(preview):
    """``ralph validate -f xapi --fail-on-unknown``: each statement must match one of Ralph's models."""
    _root, _log, statements, _events = preview
    videos = video_statements(statements)
    done = ralph_validate(videos)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"Total events: {len(videos)}, Invalid events: 0" in done.stderr
    for line, statement in zip(done.stdout.splitlines(), videos, strict=True):
        assert json.loads(line)["id"] == statement["id"]


def test_each_video_verb_meets_ralphs_model_of_its_video_profile_statement(preview):
    """The model Ralph picks is the video profile's statement for that verb, not a looser one."""
    from ralph.models.selector import ModelSelector
    from ralph.models.validator import Validator

    validator = Validator(ModelSelector(module="ralph.models.xapi"))
    _root, _log, statements, _events = preview
    picked = {}
    for statement in video_statements(statements):
        model = validator.get_first_valid_model(copy.deepcopy(statement))
        picked.setdefault(statement["verb"]["id"].rsplit("/", 1)[1], set()).add(type(model).__name__)
    assert picked == {
        "played": {"VideoPlayed"},
        "paused": {"VideoPaused"},
        "seeked": {"VideoSeeked"},
        "terminated": {"VideoTerminated"},
        "completed": {"VideoCompleted"},
    }


def test_every_statement_is_valid_xapi_for_ralph(preview):
    from ralph.models.xapi.base.statements import BaseXapiStatement

    _root, _log, statements, _events = preview
    for statement in statements:
        BaseXapiStatement(**statement)


def test_every_statement_round_trips_through_the_lrs_client(lrs, preview):
    from event_routing_backends.processors.transformer_utils.exceptions import EventNotDispatched
    from event_routing_backends.utils.xapi_lrs_client import LrsClient

    _root, _log, statements, _events = preview
    client = LrsClient(
        url=lrs.endpoint(),
        version="1.0.3",
        auth_scheme="Basic",
        username="direct",
        password=lrs.passwords["direct"],
    )
    # One request: Ralph 5's filesystem backend creates a store's file once and refuses a second write to
    # it ("already exists and overwrite is not allowed"), so the statements go as one batch, the way
    # event-routing-backends' batching router and its backfill send them.
    try:
        client.bulk_send(copy.deepcopy(statements))  # tincan rewrites the dicts it is given
    except EventNotDispatched:
        pytest.fail(f"the LRS refused the statements:\n{lrs.output()[-3000:]}")
    for statement in statements:
        stored = lrs.get("direct", statement["id"])
        assert stored is not None, statement["id"]
        assert stored["verb"]["id"] == statement["verb"]["id"]
        assert stored["object"]["id"] == statement["object"]["id"]
        assert stored["actor"] == statement["actor"]
        assert lrs.get("backfill", statement["id"]) is None  # the other user's store is separate


def test_transform_tracking_logs_sends_the_same_statements(lrs, preview):
    from django.conf import settings
    from django.core.management import call_command
    from event_routing_backends.models import RouterConfiguration

    root, log, statements, events = preview
    RouterConfiguration.objects.create(
        backend_name=RouterConfiguration.XAPI_BACKEND,
        enabled=True,
        route_url=lrs.endpoint(),
        auth_scheme=RouterConfiguration.AUTH_BASIC,
        username="backfill",
        password=lrs.passwords["backfill"],
    )
    call_command(
        "transform_tracking_logs",
        source_provider="LOCAL",
        source_config=json.dumps({"key": str(root), "container": "logs", "prefix": log.name}),
        destination_provider="LRS",
        transformer_type="xapi",
        sleep_between_batches_secs=0,
    )
    # what the LMS routes: the allowed event types (the course's are among them; the platform's
    # edx.grades.problem.submitted is not, by event-routing-backends' default)
    routed = [e for e in events if e["name"] in settings.EVENT_TRACKING_BACKENDS_ALLOWED_XAPI_EVENTS]
    assert {e["name"] for e in routed} == set(v.EVENT_TYPES)
    expected = statements_of(routed)
    for statement in expected:
        stored = lrs.get("backfill", statement["id"])
        assert stored is not None, f"{statement['id']} not in the backfill store:\n{lrs.output()[-3000:]}"
        for key in ("stored", "authority"):
            stored.pop(key, None)
        assert stored == statement
