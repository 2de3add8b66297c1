"""The toolkit's fields: authoring (settings, content), the learner's state, and staff counters."""

from xblock.fields import Boolean, Dict, Integer, List, Scope, String

from xblocks.common.fields import FastString
from xblocks.stage_toolkit.olx import STAGES

DEFAULT_BODY = (
    "<overview><p>What this stage of the partnership is for.</p></overview>\n"
    '<step id="first-step" title="First step">What to do first.</step>\n'
    '<checklist_item id="first-item">The first step is done</checklist_item>\n'
    '<reflection id="notes" prompt="What did you learn at this stage?" max_length="2000"/>'
)


class ReplacedDict(Dict):
    """A Dict the block only ever replaces (``self.x = {...new...}``), never changes in place.

    XBlock deep-copies a mutable field on every first read and again after each save, in case it was
    changed in place; for values that are always replaced that work is wasted (it was most of the cost
    of ``toggle_item``). Never mutate the value you read: build a new one and assign it.
    """

    MUTABLE = False


class ReplacedList(List):
    """A List the block only ever replaces, never changes in place (see ReplacedDict)."""

    MUTABLE = False


class ToolkitFieldsMixin:
    """Fields only; the block and its handlers read and write them."""

    # --- authoring ----------------------------------------------------------------------------------
    display_name = String(
        display_name="Display name",
        default="Stage toolkit",
        scope=Scope.settings,
        help="The title learners see above the toolkit.",
    )
    stage = FastString(
        display_name="Stage",
        default="planning",
        scope=Scope.content,
        values=[{"display_name": name.capitalize(), "value": name} for name in STAGES],
        help="Which developmental stage of a sector partnership this toolkit covers: planning, emerging or "
        "sustaining.",
    )
    body = FastString(
        display_name="Toolkit content (OLX)",
        default=DEFAULT_BODY,
        scope=Scope.content,
        multiline_editor=True,
        help="The toolkit's elements, one per line: <overview>, <step id title session chapter ref start>, "
        "<resource id title href kind>, <checklist_item id>, <reflection id prompt max_length required>. "
        "Overview and step text may hold simple HTML (it is sanitised). Resource links are /static/... "
        "files or https:// addresses.",
    )

    # --- the learner's state ------------------------------------------------------------------------
    checked_items = ReplacedList(
        default=[],
        scope=Scope.user_state,
        help="Ids of the checklist items this learner has checked, in the toolkit's order.",
    )
    reflection_texts = ReplacedDict(
        default={},
        scope=Scope.user_state,
        help="This learner's reflections: reflection id -> text exactly as written (shown escaped).",
    )
    resource_opens = ReplacedDict(
        default={},
        scope=Scope.user_state,
        help="How many times this learner opened each resource: resource id -> count.",
    )
    counted = Boolean(
        default=False,
        scope=Scope.user_state,
        help="True once this learner is counted in summary_learners (on their first action here).",
    )

    # --- counters across learners (staff view) ------------------------------------------------------
    summary_learners = Integer(
        default=0,
        scope=Scope.user_state_summary,
        help="How many learners have acted in this toolkit (the base of the shares in the staff view).",
    )
    summary_items = ReplacedDict(
        default={},
        scope=Scope.user_state_summary,
        help="Checklist item id -> how many learners have it checked now (kept on check and uncheck).",
    )
    summary_reflections = ReplacedDict(
        default={},
        scope=Scope.user_state_summary,
        help="Reflection id -> how many learners have written text in it now.",
    )
    summary_resource_learners = ReplacedDict(
        default={},
        scope=Scope.user_state_summary,
        help="Resource id -> how many learners have opened it at least once.",
    )
    summary_resource_opens = ReplacedDict(
        default={},
        scope=Scope.user_state_summary,
        help="Resource id -> how many times it was opened, all learners together.",
    )
