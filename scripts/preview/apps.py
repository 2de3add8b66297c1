"""Django app of the preview: hooks the workbench runtime's ``publish`` and scenario list at start."""

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

        from scripts.preview import tracking
        from scripts.preview.extra_scenarios import add_extra_scenarios

        original_publish = runtime.WorkbenchRuntime.publish

        def publish(rt, block, event_type, event_data):
            original_publish(rt, block, event_type, event_data)
            record = tracking.tracking_record(
                event_type,
                event_data,
                username=str(rt.user_id),
                usage_key=str(block.scope_ids.usage_id),
                course_id=settings.PREVIEW_COURSE_ID,
                display_name=getattr(block, "display_name", "") or "",
            )
            if record is not None:
                tracking.write_record(settings.TRACKING_LOG, record)

        runtime.WorkbenchRuntime.publish = publish

        original_init = scenarios.init_scenarios

        def init_scenarios():
            original_init()
            add_extra_scenarios()

        scenarios.init_scenarios = init_scenarios
