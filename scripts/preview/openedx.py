"""Which of Open edX's own libraries the preview runs with, and the settings they need (no Django imports).

Where ``edx-completion`` is installed (it brings ``edx-opaque-keys``, ``event-tracking``, ``django-waffle``
and ``edx-toggles``), the preview runs the LMS's completion loop: what blocks publish as ``completion``
goes into ``BlockCompletion``, the progress block reads it through the real ``CompletionService``, and
``edx.completion.block_completion.changed`` reaches ``tracking.log``. Where it is absent, the preview keeps
its own path: the progress block reads the tracked blocks on the page.
"""

import importlib.util

# The import names edx-completion's loop needs, all present or the loop stays off.
COMPLETION_MODULES = (
    "completion",
    "waffle",
    "edx_toggles",
    "edx_django_utils",
    "eventtracking",
    "opaque_keys",
)
COMPLETION_APPS = (
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "waffle",
    "completion",
    "eventtracking.django",
)
COMPLETION_SERVICE = "scripts.preview.completion.PreviewCompletionService"


def completion_installed(find_spec=importlib.util.find_spec):
    """True when every library of the completion loop can be imported."""
    for name in COMPLETION_MODULES:
        try:
            if find_spec(name) is None:
                return False
        except (ImportError, ValueError):  # a parent package missing, or a module without a spec
            return False
    return True


# Clears edx-toggles' per-request cache of waffle switches at each request, as in the LMS.
REQUEST_CACHE_MIDDLEWARE = "edx_django_utils.cache.middleware.RequestCacheMiddleware"


def completion_settings(installed_apps, middleware):
    """The settings the completion loop adds: apps (each once, in order), event tracking, the middleware."""
    apps = tuple(installed_apps)
    return {
        "INSTALLED_APPS": apps + tuple(app for app in COMPLETION_APPS if app not in apps),
        "MIDDLEWARE": [REQUEST_CACHE_MIDDLEWARE, *(m for m in middleware if m != REQUEST_CACHE_MIDDLEWARE)],
        # eventtracking.django registers its tracker at start when on (edx-completion emits through it).
        "EVENT_TRACKING_ENABLED": True,
        "EVENT_TRACKING_BACKENDS": {
            "tracking_logs": {"ENGINE": "scripts.preview.tracking.TrackingLogBackend", "OPTIONS": {}},
        },
        "EVENT_TRACKING_PROCESSORS": [{"ENGINE": "scripts.preview.tracking.LegacyFieldMappingProcessor"}],
    }
