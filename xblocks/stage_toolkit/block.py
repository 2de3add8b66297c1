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

from xblocks.common import deeplinks
from xblocks.common.events import TrackedModuleMixin
from xblocks.common.rendering import fragment, gettext
from xblocks.common.users import is_staff
from xblocks.stage_toolkit import olx, progress, report, scenarios
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

    def student_view_data(self, context=None):
        """Public data for the mobile apps and the Course Blocks API: the stage's content, cleaned as on
        the page (overview and step HTML through the allow-list, resource links checked); no learner state."""
        toolkit = self.toolkit
        return {
            "display_name": self.display_name,
            "module_id": self.tracking_id,
            "stage": self.stage,
            "stage_label": self.stage_label(self.stage),
            "stage_position": progress.stage_position(self.stage),
            "overview": clean_html(toolkit.overview),
            "steps": self._steps_view(toolkit),
            "resources": self._resources_view(toolkit),
            "items": [{"id": i.id, "text": i.text} for i in toolkit.items],
            "reflections": [
                {"id": r.id, "prompt": r.prompt, "limit": r.limit, "required": r.required}
                for r in toolkit.reflections
            ],
        }

    def _steps_view(self, toolkit):
        return [
            {
                "id": s.id,
                "title": s.title,
                "html": clean_html(s.html),
                "watch": self.watch_label(s),
                "watch_href": self.watch_href(s),
            }
            for s in toolkit.steps
        ]

    def _resources_view(self, toolkit):
        return [
            {
                "id": r.id,
                "title": r.title,
                "href": safe_resource_link(r.href),
                "kind": self.kind_label(r.kind),
            }
            for r in toolkit.resources
        ]

    @XBlock.supports("multi_device")
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
            "stage_position": progress.stage_position(self.stage),
            "journey": [
                dict(entry, label=self.stage_label(entry["stage"])) for entry in progress.journey(self.stage)
            ],
            "overview": clean_html(toolkit.overview),
            "steps": self._steps_view(toolkit),
            "resources": self._resources_view(toolkit),
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

    def watch_href(self, step):
        """Where a step's "Watch" line links: the session video at the step's second, or "" (no link).

        Needs the step's ``ref`` (the video's module_id) and a course (in the LMS the usage key has
        one; the block workbench has none): ``/courses/<course>/jump_to_id/<ref>#t=S&module=<ref>``, the
        form the progress page uses and the chaptered video honours.
        """
        course_key = deeplinks.course_key(self)
        if not step.ref or not step.session or course_key is None:
            return ""
        return jump_link(str(course_key), step.ref, step.start)

    def kind_label(self, kind):
        labels = {
            "pdf": gettext(self, "PDF"),
            "link": gettext(self, "web page"),
            "video": gettext(self, "video"),
            "document": gettext(self, "document"),
            "spreadsheet": gettext(self, "spreadsheet"),
            "slides": gettext(self, "slides"),
            "page": gettext(self, "page"),
        }
        return labels.get(kind, kind)

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
        """``(username, row)`` per learner: stage, checked items, each reflection's text, resources opened.

        The rows come from ``report.report_row``: stored state of any shape, formula-safe CSV cells.
        """
        toolkit = self.toolkit
        for count, user_state in enumerate(user_state_iterator):
            if limit_responses is not None and count >= limit_responses:
                return
            yield user_state.username, report.report_row(self.stage, toolkit, user_state.state)

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


def jump_link(course_key, ref, start=None):
    """``/courses/<course>/jump_to_id/<ref>``, plus ``#t=SECONDS&module=<ref>`` when ``start`` is given."""
    return deeplinks.jump_href(course_key, ref, start)


def olx_string(block):
    """The block exported as OLX text (tests, tools)."""
    node = etree.Element("stage_toolkit")
    block.add_xml_to_node(node)
    return etree.tostring(node, encoding="unicode")
