"""The Django app the LMS loads as an Open edX plugin (``lms.djangoapp`` entry point).

edx-django-utils' plugin framework reads ``plugin_app``: the LMS adds this app to ``INSTALLED_APPS`` and
calls :func:`xblocks.xapi.settings.plugin_settings` for its ``common`` and ``production`` settings. No
LMS setting is edited by hand. Without event-routing-backends the app does nothing.
"""

import importlib.util
import logging

from django.apps import AppConfig

log = logging.getLogger(__name__)

# The keys of edx_django_utils.plugins.PluginSettings (CONFIG, RELATIVE_PATH), spelt out so that this
# module imports nothing beyond Django.
PLUGIN_SETTINGS = {"common": {"relative_path": "settings"}, "production": {"relative_path": "settings"}}


def routing_installed():
    """Whether event-routing-backends can be imported here (it is an optional dependency)."""
    try:
        return importlib.util.find_spec("event_routing_backends") is not None
    except (ImportError, ValueError):
        return False


class FacilitatorXapiConfig(AppConfig):
    name = "xblocks.xapi"
    label = "facilitator_xapi"
    verbose_name = "Facilitator course xAPI statements"

    plugin_app = {"settings_config": {"lms.djangoapp": PLUGIN_SETTINGS}}

    def ready(self):
        if not routing_installed():
            log.info("event-routing-backends is not installed: no xAPI transformers registered")
            return
        from xblocks.xapi import transformers  # noqa: F401  (registers the transformers)
