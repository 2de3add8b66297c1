"""The stage_toolkit XBlock (placeholder until its issue lands)."""

from web_fragments.fragment import Fragment
from xblock.core import XBlock
from xblock.fields import Scope, String


class StageToolkitBlock(XBlock):
    """Placeholder: replaced by the real block."""

    display_name = String(default="stage_toolkit", scope=Scope.settings, help="Title shown to learners")

    def student_view(self, context=None):
        return Fragment("<p>stage_toolkit: not built yet</p>")
