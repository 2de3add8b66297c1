"""The stage_toolkit XBlock: a stage's overview, steps, resources, checklist and reflections.

Thin on purpose: the OLX lives in ``olx.py``, sanitising in ``sanitize.py``, completion and journey
rules in ``progress.py``, the fields in ``fields.py`` and the handlers in ``handlers.py``.
"""

import hashlib
import re

from lxml import etree
from xblock.core import XBlock
from xblock.utils.studio_editable import StudioEditableXBlockMixin
from xblock.validation import ValidationMessage

from xblocks.common.events import TrackedModuleMixin
from xblocks.common.rendering import fragment, gettext
from xblocks.common.users import is_staff
from xblocks.stage_toolkit import olx, progress, scenarios
from xblocks.stage_toolkit.fields import ToolkitFieldsMixin
from xblocks.stage_toolkit.handlers import ToolkitHandlersMixin
from xblocks.stage_toolkit.sanitize import clean_html, safe_resource_link

PACKAGE = "xblocks.stage_toolkit"  # templates and static files (the runtime's mixed class lives elsewhere)
DEBOUNCE_MS = 800
_SESSION_NUMBER = re.compile(r"^session-(\d+)$")


@XBlock.needs("i18n")
@XBlock.wants("user")
class StageToolkitBlock(
    StudioEditableXBlockMixin, ToolkitHandlersMixin, ToolkitFieldsMixin, TrackedModuleMixin, XBlock
):
    """A working page for one developmental stage of a sector partnership."""

    editable_fields = ("display_name", "stage", "body", "module_id")
    icon_class = "other"

    @property
    def toolkit(self):
        """The parsed body (``olx.Toolkit``); cached by body text, so handlers do not re-parse."""
        return olx.parse_body(self.body).toolkit

    # --- OLX ----------------------------------------------------------------------------------------

    @classmethod
    def parse_xml(cls, node, runtime, keys):
        block = runtime.construct_xblock_from_class(cls, keys)
        for name, value in olx.root_attributes(node).items():
            setattr(block, name, value)
        block.body = olx.body_from_node(node)
        return block

    def add_xml_to_node(self, node):
        node.tag = self.xml_element_name()
        node.set("xblock-family", self.entry_point)
        attributes = {
            name: getattr(self, name) for name in olx.ROOT_ATTRIBUTES if self.fields[name].is_set_on(self)
        }
        attributes.setdefault("stage", self.stage)
        olx.write_node(node, attributes, self.body)

    # --- Studio -------------------------------------------------------------------------------------

    def clean_studio_edits(self, data):
        if isinstance(data.get("body"), str):
            try:
                data["body"] = olx.clean_body(data["body"])
            except olx.OlxError:
                pass  # validate_field_data refuses it with the parser's message

    def validate_field_data(self, validation, data):
        for problem in olx.problems(data.stage, data.body):
            validation.add(ValidationMessage(ValidationMessage.ERROR, problem))

    # --- views --------------------------------------------------------------------------------------

    def student_view(self, context=None):
        toolkit = self.toolkit
        state = self.learner_state()
        prefix = "tk-" + hashlib.sha1(str(self.scope_ids.usage_id).encode()).hexdigest()[:10]
        staff = is_staff(self)
        ctx = {
            "prefix": prefix,
            "title": self.display_name,
            "stage": self.stage,
            "stage_label": self.stage_label(self.stage),
            "journey": [
                dict(entry, label=self.stage_label(entry["stage"])) for entry in progress.journey(self.stage)
            ],
            "overview": clean_html(toolkit.overview),
            "steps": [
                {"id": s.id, "title": s.title, "html": clean_html(s.html), "watch": self.watch_label(s)}
                for s in toolkit.steps
            ],
            "resources": [
                {"id": r.id, "title": r.title, "href": safe_resource_link(r.href), "kind": r.kind}
                for r in toolkit.resources
            ],
            "items": [
                {"id": i.id, "text": i.text, "checked": i.id in state["checked"]} for i in toolkit.items
            ],
            "reflections": [
                {
                    "id": r.id,
                    "prompt": r.prompt,
                    "limit": r.limit,
                    "required": r.required,
                    "text": state["reflections"].get(r.id, ""),
                }
                for r in toolkit.reflections
            ],
            "state": state,
            "staff": self.staff_summary() if staff else None,
        }
        return fragment(
            self,
            "toolkit.html",
            ctx,
            css=["css/toolkit.css"],
            js=["js/toolkit.js"],
            init="StageToolkitInit",
            init_args={
                # The runtime writes these into a <script> without escaping "</": no learner text here,
                # only ids (letters, digits, "-", "_") and numbers.
                "state": {key: state[key] for key in ("checked", "items_checked", "items_total", "complete")},
                "debounce_ms": DEBOUNCE_MS,
                "strings": self.js_strings(),
            },
            package=PACKAGE,
        )

    def stage_label(self, stage):
        labels = {
            "planning": gettext(self, "Planning"),
            "emerging": gettext(self, "Emerging"),
            "sustaining": gettext(self, "Sustaining"),
        }
        return labels.get(stage, stage)

    def watch_label(self, step):
        """``Watch: Session 2, chapter 2`` (or without chapter), or "" when the step links no session."""
        if not step.session:
            return ""
        match = _SESSION_NUMBER.match(step.session)
        session = gettext(self, "Session {number}").format(number=match.group(1)) if match else step.session
        if step.chapter:
            return gettext(self, "Watch: {session}, chapter {chapter}").format(
                session=session, chapter=step.chapter
            )
        return gettext(self, "Watch: {session}").format(session=session)

    def js_strings(self):
        return {
            "saving": gettext(self, "Saving…"),
            "saved": gettext(self, "Saved"),
            "network": gettext(self, "The server could not be reached; your change is not saved yet."),
            "progress": gettext(self, "{checked} of {total} checklist items checked"),
            "complete": gettext(self, "This toolkit is complete."),
            "characters": gettext(self, "{count} of {limit} characters"),
        }

    # --- staff --------------------------------------------------------------------------------------

    def staff_summary(self):
        """Counts across learners for the staff view (from the user_state_summary counters)."""
        toolkit = self.toolkit
        learners = int(self.summary_learners or 0)

        def share(count):
            return round(100 * count / learners) if learners else 0

        items_count = self.summary_items or {}
        return {
            "learners": learners,
            "items": [
                {
                    "text": i.text,
                    "count": int(items_count.get(i.id, 0)),
                    "share": share(int(items_count.get(i.id, 0))),
                }
                for i in toolkit.items
            ],
            "resources": [
                {
                    "title": r.title,
                    "learners": int((self.summary_resource_learners or {}).get(r.id, 0)),
                    "opens": int((self.summary_resource_opens or {}).get(r.id, 0)),
                }
                for r in toolkit.resources
            ],
            "reflections": [
                {"prompt": r.prompt, "count": int((self.summary_reflections or {}).get(r.id, 0))}
                for r in toolkit.reflections
            ],
        }

    def generate_report_data(self, user_state_iterator, limit_responses=None):
        """``(username, row)`` per learner: stage, checked items, each reflection's text, resources opened."""
        toolkit = self.toolkit
        items = {i.id: i.text for i in toolkit.items}
        resources = {r.id: r.title for r in toolkit.resources}
        count = 0
        for user_state in user_state_iterator:
            if limit_responses is not None and count >= limit_responses:
                return
            state = user_state.state or {}
            checked = progress.checked_in_order(list(items), state.get("checked_items") or [])
            texts = state.get("reflection_texts") or {}
            opens = state.get("resource_opens") or {}
            row = {
                "Stage": self.stage,
                "Items checked": f"{len(checked)}/{len(items)}",
                "Checked items": "; ".join(items[i] for i in checked),
                "Resources opened": "; ".join(resources[r] for r in resources if opens.get(r)),
            }
            for reflection in toolkit.reflections:
                text = texts.get(reflection.id)
                row[f"Reflection: {reflection.prompt}"] = text if isinstance(text, str) else ""
            count += 1
            yield user_state.username, row

    # --- other blocks -------------------------------------------------------------------------------

    def progress_summary(self):
        """The current learner's state for the progress block (plain JSON, no rendering)."""
        state = self.learner_state()
        return {
            "completion": state["completion"],
            "completion_published": self.completion_published,
            "stage": self.stage,
            "items_checked": state["items_checked"],
            "items_total": state["items_total"],
            "reflections_written": state["reflections_written"],
            "reflections_total": state["reflections_total"],
        }

    @staticmethod
    def workbench_scenarios():
        return scenarios.workbench_scenarios()


def olx_string(block):
    """The block exported as OLX text (tests, tools)."""
    node = etree.Element("stage_toolkit")
    block.add_xml_to_node(node)
    return etree.tostring(node, encoding="unicode")
