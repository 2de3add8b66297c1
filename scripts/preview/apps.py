"""Django app of the preview: hooks the workbench runtime's ``publish`` and scenario list at start.

Where Open edX's completion loop is installed (``settings.COMPLETION_LOOP``), ``publish`` also routes a
block's ``completion`` into edx-completion as the LMS runtime does, the runtime offers ``course_id`` as the
LMS runtime does, ``migrate`` turns the completion tracking switch on, and the workbench's reset of every
learner's state clears the course's completion records too (see ``completion.py``).
"""

import logging

from django.apps import AppConfig

log = logging.getLogger(__name__)


class PreviewConfig(AppConfig):
    name = "scripts.preview"
    label = "facilitator_preview"
    verbose_name = "Facilitator course preview"

    def ready(self):
        from django.conf import settings
        from workbench import runtime, scenarios

        from scripts.preview import completion, tracking
        from scripts.preview.extra_scenarios import add_extra_scenarios

        original_publish = runtime.WorkbenchRuntime.publish

        def publish(rt, block, event_type, event_data):
            original_publish(rt, block, event_type, event_data)
            record = tracking.tracking_record(
                event_type,
                event_data,
                username=str(rt.user_id),
                usage_key=completion.logged_usage_key(block),
                course_id=settings.PREVIEW_COURSE_ID,
                display_name=getattr(block, "display_name", "") or "",
            )
            if record is not None:
                tracking.write_record(settings.TRACKING_LOG, record)
            if event_type == "completion" and loop:
                completion.submit_published(rt.user_id, block, event_data)

        runtime.WorkbenchRuntime.publish = publish
        loop = getattr(settings, "COMPLETION_LOOP", False)
        if loop:
            from django.db.models.signals import post_migrate
            from workbench import views

            runtime.WorkbenchRuntime.course_id = property(completion.runtime_course_id)
            original_reset = views.reset_global_state

            def reset_global_state():
                original_reset()
                completion.clear_course_records()

            views.reset_global_state = reset_global_state
            post_migrate.connect(
                completion.enable_completion_tracking, dispatch_uid="facilitator_preview.completion_switch"
            )

        original_init = scenarios.init_scenarios

        def init_scenarios():
            original_init()
            add_extra_scenarios()

        scenarios.init_scenarios = init_scenarios
        # "Reset state" (runtime_util.reset_global_state) calls the name it imported: the built course's
        # pages would be gone after a reset.
        from workbench import runtime_util

        runtime_util.init_scenarios = init_scenarios
