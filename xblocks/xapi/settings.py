"""Plugin settings: event-routing-backends also routes the course's event types.

Runs for the LMS's ``common`` and ``production`` settings, before or after event-routing-backends' own
plugin settings (plugins come in entry-point order), so it works both ways: the event types are added to
``EVENT_TRACKING_BACKENDS_ALLOWED_XAPI_EVENTS`` (the list event-routing-backends extends in place), and if
event-routing-backends has already built its ``event_transformer`` backend from that list, the backend is
rebuilt with event-routing-backends' own helper. Nothing happens where it is not installed.
"""

from xblocks.xapi.apps import routing_installed
from xblocks.xapi.vocabulary import EVENT_TYPES


def plugin_settings(settings):
    if not routing_installed():
        return
    allowed = getattr(settings, "EVENT_TRACKING_BACKENDS_ALLOWED_XAPI_EVENTS", None)
    if allowed is None:
        allowed = settings.EVENT_TRACKING_BACKENDS_ALLOWED_XAPI_EVENTS = []
    missing = [name for name in EVENT_TYPES if name not in allowed]
    allowed.extend(missing)
    bus = getattr(settings, "EVENT_BUS_TRACKING_LOGS", None)
    if isinstance(bus, set):
        bus.update(EVENT_TYPES)
    backends = getattr(settings, "EVENT_TRACKING_BACKENDS", None)
    if missing and isinstance(backends, dict) and "event_transformer" in backends:
        from event_routing_backends.utils.settings import event_tracking_backends_config

        caliper = list(getattr(settings, "EVENT_TRACKING_BACKENDS_ALLOWED_CALIPER_EVENTS", []))
        backends.update(event_tracking_backends_config(settings, allowed, caliper))
