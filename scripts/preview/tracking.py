"""Tracking-log lines in the form the Open edX LMS writes them (one JSON object a line).

The preview writes what blocks publish through ``log_event``; the report reads the same form.
``grade`` becomes ``edx.grades.problem.submitted`` as in the LMS. ``completion`` writes no line of its
own: as in the LMS it goes into edx-completion's ``BlockCompletion`` (see ``completion.py``), which emits
``edx.completion.block_completion.changed`` through event-tracking; ``TrackingLogBackend`` below writes
that event here after ``LegacyFieldMappingProcessor`` gave it the LMS's tracking-log form.
"""

import datetime
import json
import threading

GRADE_EVENT = "edx.grades.problem.submitted"
_lock = threading.Lock()


def tracking_record(event_type, data, username, usage_key, course_id, when=None, display_name=""):
    """The dict the LMS would log for one published event, or None for events it does not log."""
    if event_type == "completion":
        return None
    when = when or datetime.datetime.now(datetime.UTC)
    if event_type == "grade":
        event_type = GRADE_EVENT
        data = {
            "user_id": username,
            "course_id": course_id,
            "problem_id": usage_key,
            "weighted_earned": data.get("value"),
            "weighted_possible": data.get("max_value"),
        }
    return {
        "name": event_type,  # the LMS logs the event-tracking name too; transform_tracking_logs reads it
        "username": username,
        "event_type": event_type,
        "event_source": "server",
        "event": data,
        "time": when.isoformat(),
        "context": {
            "course_id": course_id,
            "user_id": username,
            "org_id": course_id.split(":", 1)[-1].split("+", 1)[0],
            "module": {"usage_key": usage_key, "display_name": display_name},
        },
        "page": None,
    }


def _json_value(value):
    """Datetimes as ISO 8601 in UTC (as the LMS's logger backend writes them), anything else as text."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.UTC)
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def write_record(path, record):
    """Append one record as a JSON line (threads of one server share the file safely)."""
    line = json.dumps(record, separators=(",", ":"), sort_keys=True, default=_json_value) + "\n"
    with _lock, open(path, "a", encoding="utf-8") as handle:
        handle.write(line)


# Request fields the LMS keeps at the top of a tracking-log line rather than in its context.
LEGACY_TOP_LEVEL_FIELDS = ("username", "session", "ip", "agent", "host", "referer", "accept_language")


class LegacyFieldMappingProcessor:
    """An event-tracking processor giving an event the LMS's tracking-log form.

    A copy, written for the preview, of the shape edx-platform's ``track.shim.LegacyFieldMappingProcessor``
    gives the events emitted through event-tracking (the LMS runs it before its tracking-log backend):
    ``username`` and the other request fields move from the context to the top (``""`` when absent),
    ``data`` becomes ``event``, ``timestamp`` becomes ``time``, ``event_type`` is the event's ``name``
    (which stays too), ``event_source`` is ``"server"`` and ``page`` is null. The preview's requests carry
    no session, address or browser, so those fields are empty.
    """

    def __call__(self, event):
        context = event.setdefault("context", {})
        for name in LEGACY_TOP_LEVEL_FIELDS:
            event[name] = context.pop(name, "")
        context.pop("client_id", None)
        event["event"] = event.pop("data", {})
        if "timestamp" in context:
            event["time"] = context.pop("timestamp")
            event.pop("timestamp", None)
        elif "timestamp" in event:
            event["time"] = event.pop("timestamp")
        event["event_type"] = context.pop("event_type", event.get("name", ""))
        event["event_source"] = context.pop("event_source", "server")
        event["page"] = context.pop("page", None)
        return event


class TrackingLogBackend:
    """An event-tracking backend appending each event to ``settings.TRACKING_LOG`` as one JSON line."""

    def __init__(self, **options):
        self.options = options

    def send(self, event):
        from django.conf import settings

        write_record(settings.TRACKING_LOG, event)
