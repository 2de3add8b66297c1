"""Open edX's completion loop in the preview, run as the LMS runs it (edx-completion over SQLite).

- ``submit_published``: the preview's publish hook hands it what a block publishes as ``completion``; it goes
  into ``BlockCompletion.objects.submit_completion(user, block_key, completion)`` as the LMS runtime does,
  inside an event-tracking context naming the learner and the course, so the platform's
  ``edx.completion.block_completion.changed`` line in ``tracking.log`` carries them.
- ``PreviewCompletionService``: the ``completion`` service the LMS gives blocks, i.e. edx-completion's
  ``CompletionService(user, course_key)`` for the runtime's current learner.
- ``enable_completion_tracking``: creates the waffle switch ``completion.enable_completion_tracking``, on,
  after ``migrate`` (the LMS's operators turn it on; without it edx-completion records nothing).
- ``course_key``: the preview's course, ``settings.PREVIEW_COURSE_ID``; the preview's runtime offers it as
  ``runtime.course_id``, as the LMS runtime does.
- ``clear_course_records``: the workbench's "Reset state of every learner" also clears the course's records.

Learners are Django users named by the workbench's ``?student=`` id. A block's key is
``course_key.make_usage_key(block_type, module_id or url_name)``: the ref the progress block's tracks use.
The workbench loads the service class by its path: this module imports Django models inside functions only.
"""

import logging

log = logging.getLogger(__name__)

SWITCH = "completion.enable_completion_tracking"
CONTEXT_NAME = "facilitator_preview.request"
DEFAULT_STUDENT = "student_1"  # the workbench's learner when the URL names none
MAX_USERNAME = 150  # Django's User.username


def course_key():
    """The preview's course as an opaque key (raises InvalidKeyError when the setting is not a course key)."""
    from django.conf import settings
    from opaque_keys.edx.keys import CourseKey

    return CourseKey.from_string(settings.PREVIEW_COURSE_ID)


def learner(student_id):
    """The Django user of a workbench learner, created on first sight (the LMS has one per learner)."""
    from django.contrib.auth import get_user_model

    name = str(student_id or DEFAULT_STUDENT)
    if len(name) > MAX_USERNAME:
        raise ValueError(f"the learner name is {len(name)} characters long; the most is {MAX_USERNAME}")
    user, _created = get_user_model().objects.get_or_create(username=name)
    return user


def block_key(block, course):
    """The block's usage key in the preview's course: its block type and its ref (module_id or url_name)."""
    from xblocks.facilitator_progress.sources import ref_of

    return course.make_usage_key(block.scope_ids.block_type, ref_of(block))


def logged_usage_key(block):
    """The usage key a tracking-log line names, as the LMS logs it: ``block-v1:…+type@…+block@<ref>`` in the
    preview's course (the key edx-completion stores too), so the log ties to completion records and
    event-routing-backends can make statements of it. The workbench's own id where opaque keys are not
    installed or ``PREVIEW_COURSE_ID`` is not a course key."""
    try:
        from opaque_keys import InvalidKeyError
    except ImportError:
        return str(block.scope_ids.usage_id)
    try:
        return str(block_key(block, course_key()))
    except InvalidKeyError:
        return str(block.scope_ids.usage_id)


def tracking_enabled():
    """edx-completion's own test: the waffle switch ``completion.enable_completion_tracking``."""
    from completion.waffle import ENABLE_COMPLETION_TRACKING_SWITCH

    return ENABLE_COMPLETION_TRACKING_SWITCH.is_enabled()


def _completion_value(data):
    value = data.get("completion") if isinstance(data, dict) else None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
        return None  # NaN fails the range test too
    return float(value)


def submit_published(student_id, block, data):
    """Record a published ``completion`` in ``BlockCompletion``; the record, or None when nothing was stored.

    Never raises: the learner's action already succeeded in the block, a problem here is logged.
    """
    value = _completion_value(data)
    if value is None:
        log.warning(
            "completion of %s not recorded: %r is not a number from 0 to 1", block.scope_ids.usage_id, data
        )
        return None
    try:
        if not tracking_enabled():
            log.info("completion tracking is switched off (%s): nothing recorded", SWITCH)
            return None
        from completion.models import BlockCompletion
        from eventtracking import tracker

        course = course_key()
        key = block_key(block, course)
        user = learner(student_id)
        context = {
            "course_id": str(course),
            "org_id": course.org,
            "user_id": user.id,
            "username": user.username,
        }
        with tracker.get_tracker().context(CONTEXT_NAME, context):
            record, _created = BlockCompletion.objects.submit_completion(
                user=user, block_key=key, completion=value
            )
        return record
    except Exception:  # the preview's store must not break the learner's page
        log.exception("completion of %s for %r not recorded", block.scope_ids.usage_id, student_id)
        return None


def clear_course_records():
    """Delete the preview course's completion records (the preview's "Reset state of every learner")."""
    from completion.models import BlockCompletion

    try:
        deleted, _by_model = BlockCompletion.objects.filter(context_key=course_key()).delete()
    except Exception:  # a reset must still reset the blocks' state
        log.exception("the preview's completion records were not cleared")
        return 0
    return deleted


def runtime_course_id(runtime):
    """``runtime.course_id`` of the workbench runtime: the preview's course key (None when malformed)."""
    try:
        return course_key()
    except Exception:
        log.warning("PREVIEW_COURSE_ID is not a course key: the progress block reads the page instead")
        return None


def enable_completion_tracking(sender=None, **kwargs):
    """``post_migrate``: create the switch, on (an existing switch keeps its state)."""
    from waffle.models import Switch

    Switch.objects.get_or_create(
        name=SWITCH, defaults={"active": True, "note": "Turned on by the facilitator course preview."}
    )


class PreviewCompletionService:
    """edx-completion's ``CompletionService`` for the runtime's current learner and the preview's course.

    Built with no arguments by the workbench, which then sets ``.runtime``; every attribute of the real
    service (``completion_tracking_enabled``, ``get_completions``, ``submit_completion``...) passes through.
    """

    runtime = None

    def __init__(self):
        self._built = None

    def service(self):
        from completion.services import CompletionService

        student = getattr(self.runtime, "user_id", None)
        if self._built is None or self._built[0] != student:
            self._built = (student, CompletionService(learner(student), course_key()))
        return self._built[1]

    def completion_tracking_enabled(self):
        """The real service's answer; False when it cannot be built (learner name, course id)."""
        try:
            service = self.service()
        except Exception as err:
            log.warning("no completion service for %r: %s", getattr(self.runtime, "user_id", None), err)
            return False
        return service.completion_tracking_enabled()

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.service(), name)
