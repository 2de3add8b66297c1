"""The facilitator_progress XBlock (placeholder until its issue lands)."""

from web_fragments.fragment import Fragment
from xblock.core import XBlock
from xblock.fields import Scope, String


class FacilitatorProgressBlock(XBlock):
    """Placeholder: replaced by the real block."""

    display_name = String(
        default="facilitator_progress", scope=Scope.settings, help="Title shown to learners"
    )

    def student_view(self, context=None):
        return Fragment("<p>facilitator_progress: not built yet</p>")
