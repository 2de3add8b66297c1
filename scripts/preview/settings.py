"""Django settings for the preview: the workbench's, with this project's users, log and static files."""

from pathlib import Path

from workbench.settings import *  # noqa: F403
from workbench.settings import INSTALLED_APPS, LOGGING, MIDDLEWARE, TEMPLATES, WORKBENCH

from scripts.preview.openedx import COMPLETION_SERVICE, completion_installed, completion_settings
from scripts.preview.paths import var_dir

VAR = var_dir()
VAR.mkdir(parents=True, exist_ok=True)

DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(VAR / "workbench.db")}}
LOGGING["handlers"]["logfile"]["filename"] = str(VAR / "workbench.log")
LOGGING["loggers"]["django"]["level"] = "INFO"
TRACKING_LOG = VAR / "tracking.log"
PREVIEW_COURSE_ID = "course-v1:NGSP+Facilitator+preview"

INSTALLED_APPS = tuple(INSTALLED_APPS)
# Open edX's completion loop (edx-completion, event-tracking, waffle) where installed; else the preview's own.
COMPLETION_LOOP = completion_installed()
if COMPLETION_LOOP:
    _loop = completion_settings(INSTALLED_APPS, MIDDLEWARE)
    INSTALLED_APPS = _loop["INSTALLED_APPS"]
    MIDDLEWARE = _loop["MIDDLEWARE"]
    EVENT_TRACKING_ENABLED = _loop["EVENT_TRACKING_ENABLED"]
    EVENT_TRACKING_BACKENDS = _loop["EVENT_TRACKING_BACKENDS"]
    EVENT_TRACKING_PROCESSORS = _loop["EVENT_TRACKING_PROCESSORS"]
INSTALLED_APPS = (*INSTALLED_APPS, "scripts.preview.apps.PreviewConfig")
ROOT_URLCONF = "scripts.preview.urls"
# Our block page first: the stock one prints scenario XML and field values (quiz answers among them).
TEMPLATES[0]["DIRS"] = [str(Path(__file__).parent / "templates"), *TEMPLATES[0]["DIRS"]]
# The course's own "/static/..." links are served as in the LMS; the workbench's files move aside.
STATIC_URL = "/workbench-static/"
# lms.localhost and apps.lms.localhost: the LMS and Learning MFE origins of the preview's MFE page (mfe.py).
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver", "lms.localhost", "apps.lms.localhost"]

OUR_BLOCKS = ("chaptered_video", "checkpoint_quiz", "stage_toolkit", "facilitator_progress")
# Show only this project's blocks on the index page (the SDK's sample blocks stay installed).
EXCLUDED_XBLOCKS = set()
try:
    from importlib.metadata import entry_points

    EXCLUDED_XBLOCKS = {ep.name for ep in entry_points(group="xblock.v1")} - set(OUR_BLOCKS)
except Exception:  # pragma: no cover - metadata unreadable: show everything
    EXCLUDED_XBLOCKS = set()

WORKBENCH = {
    **WORKBENCH,
    "services": {
        **WORKBENCH["services"],
        "user": "scripts.preview.users.PreviewUserService",
        **({"completion": COMPLETION_SERVICE} if COMPLETION_LOOP else {}),
    },
}
