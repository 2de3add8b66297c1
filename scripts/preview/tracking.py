"""Tracking-log lines in the form the Open edX LMS writes them (one JSON object a line).

The preview writes what blocks publish through ``log_event``; the report reads the same form.
``grade`` becomes ``edx.grades.problem.submitted`` as in the LMS; ``completion`` writes nothing (the
LMS keeps completion in its own table, so blocks publish milestone events of their own too).
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


def write_record(path, record):
    """Append one record as a JSON line (threads of one server share the file safely)."""
    line = json.dumps(record, separators=(",", ":"), sort_keys=True, default=str) + "\n"
    with _lock, open(path, "a", encoding="utf-8") as handle:
        handle.write(line)
