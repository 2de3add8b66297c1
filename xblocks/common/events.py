"""What every tracked block shares: a stable module id in every event, and completion that only rises.

Every custom event a block publishes carries ``module_id``: the author's stable id of the module (the
course build sets it to the block's ``url_name``, e.g. ``session-2-video``), so reports can group events
by module in the LMS and in the preview alike (the preview's usage ids do not carry url_names).
"""

from xblock.completable import CompletableXBlockMixin, XBlockCompletionMode
from xblock.fields import Float, Scope, String


class TrackedModuleMixin(CompletableXBlockMixin):
    """Fields and helpers for blocks that report completion and tracking events."""

    has_custom_completion = True
    completion_mode = XBlockCompletionMode.COMPLETABLE

    module_id = String(
        display_name="Module id",
        default="",
        scope=Scope.settings,
        help="Stable id of this module in the course (e.g. session-2-video); reports group events by it. "
        "The course build sets it to the block's url_name.",
    )
    completion_published = Float(
        default=0.0,
        scope=Scope.user_state,
        help="The highest completion (0..1) already published for this learner; completion only rises.",
    )

    @property
    def tracking_id(self):
        """``module_id`` when set, else the last part of the usage id."""
        if self.module_id:
            return self.module_id
        usage = str(self.scope_ids.usage_id)
        return usage.rsplit("@", 1)[-1]

    def publish_event(self, event_type, data):
        """Publish a tracking event with ``module_id`` added."""
        self.runtime.publish(self, event_type, {"module_id": self.tracking_id, **data})

    def raise_completion(self, value):
        """Publish ``completion`` when ``value`` (0..1) is above what was published; returns True if so."""
        value = min(1.0, max(0.0, float(value)))
        if value <= self.completion_published:
            return False
        self.completion_published = value
        self.emit_completion(value)
        return True
