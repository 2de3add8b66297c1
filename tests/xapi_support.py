"""What the xAPI tests share: the tools check, a preview tracking log from real blocks, the LMS side, Ralph.

- ``require_tools()``: event-routing-backends, tincan and Ralph must be installed; they skip with one line
  when missing, except under CI=true, where missing tools fail (as the browser tests do).
- ``write_preview_log(path)``: learners use the real blocks (the in-memory runtime, a fake clock for the
  video's trust budget) and what they publish is written as the preview writes ``var/tracking.log``
  (``scripts.preview.tracking``): every custom event type appears in it.
- ``lms_environment(...)``: the Django side of an LMS with event-routing-backends and this app loaded as
  plugins (``INSTALLED_APPS`` and plugin settings through edx-django-utils' ``add_plugins``), celery
  tasks run eagerly, a tracker built from ``EVENT_TRACKING_BACKENDS``, learners in ``auth_user``.
  edx-platform itself is absent: ``EdxPlatformStandIn`` answers the edx-platform lookups
  event-routing-backends' helpers make (``ExternalId.add_new_user_id``, the course overview), and
  nothing else of the transformer machinery is replaced.
- ``RalphLrs``: a Ralph LRS process on 127.0.0.1 (filesystem backend, its own credentials file, in a
  temporary folder), one target (store) per user; ``stop()`` ends its whole process group.
"""

import contextlib
import datetime
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import types
import urllib.request
import uuid
from base64 import b64encode
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
RALPH = Path(sys.executable).with_name("ralph")
LMS_ROOT_URL = "http://lms.facilitator.test"
COURSE_ID = "course-v1:NGSP+Facilitator+xapi"
COURSE_NAME = "Facilitating Next Generation Sector Partnerships"
LEARNERS = ("ana", "ben", "cy", "staff_1", "xapi_viewer")  # xapi_viewer: the live preview's learner
#: A reflection's text: it must never reach a statement (only its length does).
REFLECTION = "Advanced manufacturing <b>because</b> our 40 plants share a welder shortage"


def require_tools():
    """Skip (fail under CI=true) when event-routing-backends, tincan or Ralph are not installed."""
    missing = [
        name for name in ("event_routing_backends", "tincan", "ralph") if not importlib.util.find_spec(name)
    ]
    if not RALPH.exists():
        missing.append(str(RALPH))
    if missing:
        reason = f"xAPI tools not installed ({', '.join(missing)}): pip install -e '.[xapi,test]'"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and {reason}")
        pytest.skip(reason)


# --- a preview tracking log from the real blocks ----------------------------------------------------


#: What the video's page reports as a learner plays (reason, intervals played, position, seek from), the way
#: ``chaptered_video.js`` sends them: a report on play, pause, seek and leaving, periodic ones between.
PLAYER_SESSIONS = {
    "ana": [  # jumps ahead, goes back for the middle, watches the whole video, leaves
        ("play", [], 0, None),
        ("progress", [[0, 30]], 30, None),
        ("seek", [[30, 40]], 90, 40),
        ("progress", [[90, 120]], 120, None),
        ("pause", [], 120, None),
        ("seek", [], 40, 120),
        ("play", [], 40, None),
        ("progress", [[40, 70]], 70, None),
        ("pause", [[70, 90]], 90, None),
        ("leave", [], 90, None),
    ],
    "ben": [  # plays the first 45 seconds and closes the tab
        ("play", [], 0, None),
        ("progress", [[0, 30]], 30, None),
        ("leave", [[30, 45]], 45, None),
    ],
}


def write_preview_log(path):
    """Drive the demo page's blocks for three learners and staff; write their events as the preview does."""
    from scripts.preview.tracking import tracking_record, write_record
    from tests.runtime import Harness
    from tests.test_progress_block import Clock, view
    from xblocks.chaptered_video import block as video_block
    from xblocks.facilitator_progress.scenarios import DEMO_PAGE
    from xblocks.stage_toolkit.scenarios import PLANNING_TOOLKIT

    harness = Harness()
    root = harness.parse(DEMO_PAGE)
    children = {harness.block(c).scope_ids.block_type: c for c in root.children}
    video, quiz, toolkit = children["chaptered_video"], children["checkpoint_quiz"], children["stage_toolkit"]
    progress = children["facilitator_progress"]
    planning = harness.parse(PLANNING_TOOLKIT)  # a toolkit with a reflection and resources too
    clock = Clock()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(video_block, "now", clock)

        def call(block, handler, payload, user, method="POST"):
            status, body = harness.call_handler(block, handler, payload, user=user, method=method)
            assert status == 200, (handler, body)
            return body

        for user, steps in PLAYER_SESSIONS.items():
            for reason, watched, position, seek_from in steps:
                clock.advance(30)
                body = {"watched": watched, "position": position, "reason": reason}
                if seek_from is not None:
                    body["from"] = seek_from
                call(video, "report_progress", body, user)
        call(quiz, "submit", {"answers": {"lead": ["colleges"]}}, "ben")  # failed attempt
        call(quiz, "submit", {"answers": {"lead": ["industry"]}}, "ben")  # passed
        call(quiz, "submit", {"answers": {"lead": ["industry"]}}, "ana")
        call(toolkit, "toggle_item", {"item": "team-agreed", "checked": True}, "ana")
        call(toolkit, "toggle_item", {"item": "industry", "checked": True}, "cy")
        call(toolkit, "toggle_item", {"item": "industry", "checked": False}, "cy")
        call(planning, "save_reflection", {"reflection": "industry-scope", "text": REFLECTION}, "ana")
        call(planning, "open_resource", {"resource": "sector-report"}, "ana")
        call(planning, "open_resource", {"resource": "nga"}, "cy")
        for user in ("ana", "ben", "cy"):
            view(harness, children, user)
        call(progress, "search_transcripts", {"query": "industry"}, "ben")
        status, _csv = harness.call_handler(progress, "download_csv", None, user="staff_1", method="GET")
        assert status == 200

    start = datetime.datetime(2025, 6, 2, 9, 0, tzinfo=datetime.UTC)
    written = 0
    for i, (user, usage, event_type, data) in enumerate(harness.published):
        block = harness.block(usage, user)
        # the usage key the LMS logs (the in-memory runtime's own ids are short names)
        kind, name = block.scope_ids.block_type, block.tracking_id
        usage_key = f"block-v1:{COURSE_ID.split(':', 1)[1]}+type@{kind}+block@{name}"
        record = tracking_record(
            event_type,
            data,
            username=str(user),
            usage_key=usage_key,
            course_id=COURSE_ID,
            when=start + datetime.timedelta(seconds=i),
            display_name=getattr(block, "display_name", "") or "",
        )
        if record is not None:
            write_record(path, record)
            written += 1
    return written


def read_log_events(path):
    """The log's lines as event-routing-backends reads them (its own tracking-log line parser)."""
    from event_routing_backends.management.commands.helpers.event_log_parser import parse_json_event

    return [parse_json_event(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line]


# --- the LMS side -----------------------------------------------------------------------------------


class EdxPlatformStandIn:
    """What edx-platform answers to event-routing-backends' helpers, for learners in ``auth_user``.

    ``helpers.get_anonymous_user_id`` (run for real: user lookup, id type, lru cache) calls
    ``ExternalId.add_new_user_id(user, type)``, edx-platform's one call that makes the learner's
    anonymous id; here it is a random UUID kept per (user, type), as edx-platform keeps it in a table.
    ``helpers.get_course_from_id`` reads the course overview (its display name). Retired users are not
    looked up (every learner exists).
    """

    class ExternalIdType:
        XAPI = "xapi"
        CALIPER = "caliper"
        LTI = "lti"

    def __init__(self, courses):
        self.courses = dict(courses)
        self.ids = {}
        stand_in = self

        class ExternalId:
            @classmethod
            def add_new_user_id(cls, user, type_name):
                key = (user.pk, type_name)
                created = key not in stand_in.ids
                if created:
                    stand_in.ids[key] = uuid.uuid4()
                return types.SimpleNamespace(external_user_id=stand_in.ids[key]), created

        self.ExternalId = ExternalId

    def get_course_overviews(self, course_keys):
        return [{"display_name": self.courses[str(key)]} for key in course_keys if str(key) in self.courses]

    @staticmethod
    def get_potentially_retired_user_by_username(username):
        from django.contrib.auth import get_user_model

        raise get_user_model().DoesNotExist(username)

    def anonymous_id(self, username):
        from django.contrib.auth import get_user_model

        return str(self.ids[(get_user_model().objects.get(username=username).pk, "xapi")])

    @contextlib.contextmanager
    def installed(self):
        from event_routing_backends import helpers

        names = (
            "ExternalId",
            "ExternalIdType",
            "get_course_overviews",
            "get_potentially_retired_user_by_username",
        )
        with pytest.MonkeyPatch.context() as patch:
            for name in names:
                patch.setattr(helpers, name, getattr(self, name))
            helpers.get_anonymous_user_id.cache_clear()
            helpers.get_course_from_id.cache_clear()
            try:
                yield self
            finally:
                helpers.get_anonymous_user_id.cache_clear()
                helpers.get_course_from_id.cache_clear()


def plugin_settings_module(app_configs, base):
    """A settings module filled as the LMS fills its own: ``add_plugins`` over ``app_configs``.

    Only the entry-point discovery is given (the registry answers ``app_configs``); edx-django-utils reads
    each app's ``plugin_app`` and calls the plugin settings it names for ``common``, then ``production``.
    """
    from edx_django_utils.plugins import add_plugins, registry

    module = types.ModuleType("facilitator_xapi_test_lms_settings")
    for key, value in base.items():
        setattr(module, key, value)
    sys.modules[module.__name__] = module
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(registry.DjangoAppRegistry, "get_available_plugins", lambda *a, **k: {})
            patch.setattr(
                "edx_django_utils.plugins.plugin_settings.registry.get_plugin_app_configs",
                lambda project_type: list(app_configs) if project_type == "lms.djangoapp" else [],
            )
            add_plugins(module.__name__, "lms.djangoapp", "common")
            add_plugins(module.__name__, "lms.djangoapp", "production")
    finally:
        del sys.modules[module.__name__]
    return module


LMS_SETTINGS = (
    "EVENT_TRACKING_BACKENDS",
    "EVENT_TRACKING_BACKENDS_ALLOWED_XAPI_EVENTS",
    "EVENT_TRACKING_BACKENDS_ALLOWED_CALIPER_EVENTS",
    "EVENT_TRACKING_BACKENDS_BUSINESS_CRITICAL_EVENTS",
    "XAPI_EVENTS_ENABLED",
    "XAPI_EVENT_LOGGING_ENABLED",
    "XAPI_AGENT_IFI_TYPE",
    "CALIPER_EVENTS_ENABLED",
    "EVENT_ROUTING_BACKEND_BATCHING_ENABLED",
    "EVENT_ROUTING_BACKEND_BULK_DOWNLOAD_MAX_RETRIES",
    "EVENT_ROUTING_BACKEND_BULK_DOWNLOAD_COUNTDOWN",
)


def _create_tables(app_label):
    """The app's tables in the test database (its models' current shape; no migration signals run).

    Text columns compare case-insensitively, as in the LMS's MySQL: the xAPI router looks its routes up
    by ``backend_name="xapi"`` and the admin stores ``"xAPI"``.
    """
    from django.apps import apps
    from django.db import connection, models

    existing = set(connection.introspection.table_names())
    with connection.schema_editor() as editor, pytest.MonkeyPatch.context() as patch:
        for model in apps.get_app_config(app_label).get_models():
            if model._meta.db_table in existing:
                editor.delete_model(model)  # made anew, with the collation
            for field in model._meta.fields:
                if type(field) is models.CharField and connection.vendor == "sqlite":
                    patch.setattr(field, "db_collation", "NOCASE")
            editor.create_model(model)


@contextlib.contextmanager
def lms_environment(django_db_blocker):
    """The LMS's Django side with event-routing-backends and this app as plugins; yields the stand-in."""
    from celery import current_app
    from django.conf import settings
    from django.db import connection
    from django.test.utils import override_settings
    from event_routing_backends.apps import EventRoutingBackendsConfig
    from eventtracking import tracker
    from eventtracking.django.django_tracker import DjangoTracker

    from xblocks.xapi.apps import FacilitatorXapiConfig

    # ours first: the harder order (event-routing-backends then builds its backends with our types)
    lms = plugin_settings_module(
        [FacilitatorXapiConfig, EventRoutingBackendsConfig],
        {"LMS_ROOT_URL": LMS_ROOT_URL, "ENV_TOKENS": {}},
    )
    values = {name: getattr(lms, name) for name in LMS_SETTINGS}
    # celery_utils: event-routing-backends' tasks use its models (the LMS installs it too)
    installed = [
        *settings.INSTALLED_APPS,
        "celery_utils",
        "event_routing_backends",
        "xblocks.xapi.apps.FacilitatorXapiConfig",
    ]
    eager = current_app.conf.task_always_eager
    previous_tracker = tracker.get_tracker() if "default" in tracker.TRACKERS else None
    # no tracker-level processors, as in the LMS (its legacy field mapping runs in the log backend only)
    with override_settings(
        INSTALLED_APPS=installed, LMS_ROOT_URL=LMS_ROOT_URL, EVENT_TRACKING_PROCESSORS=[], **values
    ):
        from django.contrib.auth import get_user_model
        from django.utils import timezone
        from edx_django_utils.cache import TieredCache

        # this module's course, and the live preview's (its own tracking log becomes statements too)
        stand_in = EdxPlatformStandIn({COURSE_ID: COURSE_NAME, settings.PREVIEW_COURSE_ID: COURSE_NAME})
        users = get_user_model()
        with django_db_blocker.unblock():
            _create_tables("event_routing_backends")
            for name in LEARNERS:
                users.objects.get_or_create(
                    username=name, defaults={"email": f"{name}@example.com", "last_login": timezone.now()}
                )
        current_app.conf.task_always_eager = True
        tracker.register_tracker(DjangoTracker())
        TieredCache.dangerous_clear_all_tiers()
        try:
            with stand_in.installed(), django_db_blocker.unblock():
                yield stand_in
        finally:
            current_app.conf.task_always_eager = eager
            if previous_tracker is not None:
                tracker.register_tracker(previous_tracker)
            else:
                tracker.TRACKERS.pop("default", None)
            TieredCache.dangerous_clear_all_tiers()
            with django_db_blocker.unblock():
                from event_routing_backends.models import RouterConfiguration

                RouterConfiguration.objects.all().delete()
                with connection.cursor() as cursor:  # no cascade: the test database has no admin log table
                    marks = ", ".join(["%s"] * len(LEARNERS))
                    cursor.execute(f"DELETE FROM auth_user WHERE username IN ({marks})", LEARNERS)  # noqa: S608


def statements_of(events):
    """Statements (JSON dicts) made by event-routing-backends' xAPI processor, as its router makes them."""
    from event_routing_backends.processors.xapi.transformer_processor import XApiProcessor

    return XApiProcessor()(events)


# --- Ralph ------------------------------------------------------------------------------------------


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RalphLrs:
    """A Ralph LRS (``ralph runserver -b fs``) on a free loopback port; one store (target) per user."""

    def __init__(self, users):
        import bcrypt

        self.folder = Path(tempfile.mkdtemp(prefix="facilitator-ralph-"))
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.passwords = {}
        credentials = []
        for user in users:
            password = uuid.uuid4().hex
            self.passwords[user] = password
            (self.folder / "store" / user).mkdir(parents=True)
            # the entry `ralph auth -u USER -p PASS -s all -M mailto:USER@example.com -t USER` prints
            credentials.append(
                {
                    "agent": {"mbox": f"mailto:{user}@example.com", "objectType": "Agent"},
                    "scopes": ["all"],
                    "target": user,
                    "hash": bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode(),
                    "username": user,
                }
            )
        self.auth_file = self.folder / "auth.json"
        self.auth_file.write_text(json.dumps(credentials), encoding="utf-8")
        env = {
            **os.environ,
            "RALPH_AUTH_FILE": str(self.auth_file),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "HOME": str(self.folder),
        }
        self.log = open(self.folder / "ralph.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [str(RALPH), "runserver", "-b", "fs", "-h", "127.0.0.1", "-p", str(self.port)]
            + ["--fs-default-directory-path", str(self.folder / "store")],
            cwd=self.folder,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Ralph exited early: {self.output()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/__heartbeat__", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"Ralph did not answer within {timeout} s: {self.output()[-2000:]}")

    def output(self):
        return (self.folder / "ralph.log").read_text(encoding="utf-8", errors="replace")

    def endpoint(self):
        return f"{self.url}/xAPI/"

    def get(self, user, statement_id):
        """The stored statement with this id in ``user``'s store, or None."""
        token = b64encode(f"{user}:{self.passwords[user]}".encode()).decode()
        request = urllib.request.Request(
            f"{self.url}/xAPI/statements?statementId={statement_id}",
            headers={"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = json.loads(response.read())
        found = body.get("statements", [body]) if isinstance(body, dict) else []
        found = [s for s in found if s.get("id") == statement_id]
        return found[0] if found else None

    def group_alive(self):
        """Whether any process of the server's group is left (zombies count until reaped)."""
        try:
            os.killpg(self.process.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def stop(self):
        """End the server and its reloader (the whole process group); remove the folder."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while self.group_alive() and time.monotonic() < deadline:  # the server the reloader started
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
            time.sleep(0.1)
        self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def ralph_validate(statements):
    """Run ``ralph validate -f xapi --fail-on-unknown`` over the statements (one JSON a line)."""
    lines = "".join(json.dumps(s) + "\n" for s in statements)
    return subprocess.run(
        [str(RALPH), "validate", "-f", "xapi", "--fail-on-unknown"],
        input=lines,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "RALPH_RUNSERVER_BACKEND": "fs"},
    )
