"""The learner's handlers: check an item, save a reflection, open a resource.

Each handler checks its whole input first (unknown ids, wrong types, text too long: 400 and nothing
changed), then changes the learner's fields and the staff counters together, publishes its event and
``completion`` (only when it rises), and answers with the learner's state as the server now holds it.
"""

from xblocks.common.handlers import BadRequest, json_api, require
from xblocks.common.rendering import gettext
from xblocks.stage_toolkit import progress


def N_(text):
    """Mark a message for translation where it is written; it is translated when used."""
    return text


def _bump(counter, key, delta):
    """A copy of ``counter`` (dict id -> int) with ``key`` moved by ``delta``, never below 0."""
    counts = dict(counter or {})
    counts[key] = max(0, int(counts.get(key, 0)) + delta)
    return counts


class ToolkitHandlersMixin:
    """Handlers and the state they answer with. Needs the fields mixin and TrackedModuleMixin."""

    # --- state --------------------------------------------------------------------------------------

    def progress_state(self, toolkit, checked, texts, stage=None):
        """What every handler answers: the checklist and completion as the server now holds them.

        Handlers pass the values they already hold: each field read is a trip through the runtime.
        """
        checked = progress.checked_in_order(toolkit.item_ids, checked)
        written = progress.reflections_written(toolkit.reflection_ids, texts)
        value = progress.completion(toolkit.item_ids, checked, toolkit.required_reflection_ids, texts)
        return {
            "stage": self.stage if stage is None else stage,
            "checked": checked,
            "items_checked": len(checked),
            "items_total": len(toolkit.item_ids),
            "reflections_written": written,
            "reflections_total": len(toolkit.reflection_ids),
            "completion": value,
            "complete": value >= 1.0,
        }

    def learner_state(self):
        """Everything about the current learner: progress, reflection texts, resources opened."""
        toolkit = self.toolkit
        texts = self.reflection_texts or {}
        opens = self.resource_opens or {}
        state = self.progress_state(toolkit, self.checked_items or (), texts)
        state["reflections"] = {
            rid: texts[rid] for rid in toolkit.reflection_ids if isinstance(texts.get(rid), str)
        }
        state["opened"] = [rid for rid in toolkit.resources_by_id if opens.get(rid)]
        return state

    def _count_learner(self):
        """Count this learner once in ``summary_learners`` (on their first action here)."""
        if not self.counted:
            self.counted = True
            self.summary_learners = int(self.summary_learners or 0) + 1

    def _known(self, data, key, known, message):
        """``data[key]``, a string among ``known`` ids; else 400 with ``message`` (translated) naming it."""
        value = require(data, key, str)
        if value not in known:
            raise BadRequest(gettext(self, message).format(id=value))
        return value

    # --- handlers -----------------------------------------------------------------------------------

    @json_api
    def toggle_item(self, data, suffix=""):
        """``{"item": id, "checked": bool}``: check or uncheck one item; answers ``progress_state``."""
        toolkit = self.toolkit
        item = self._known(
            data, "item", toolkit.item_ids, N_('There is no checklist item "{id}" in this toolkit.')
        )
        checked = require(data, "checked", bool)
        before = self.checked_items or ()
        current = set(before)
        texts = self.reflection_texts or {}
        if checked == (item in current):
            return self.progress_state(toolkit, current, texts)
        if checked:
            current.add(item)
        else:
            current.discard(item)
        self.checked_items = progress.checked_in_order(toolkit.item_ids, current)
        if not before:  # a learner with a checked item is counted already: skip the field read
            self._count_learner()
        self.summary_items = _bump(self.summary_items, item, 1 if checked else -1)
        state = self.progress_state(toolkit, current, texts)
        self.publish_event(
            "edx.stage_toolkit.item_checked",
            {
                "stage": state["stage"],
                "item": item,
                "checked": checked,
                "items_checked": state["items_checked"],
                "items_total": state["items_total"],
                "completion": state["completion"],
            },
        )
        self.raise_completion(state["completion"])
        return state

    @json_api
    def save_reflection(self, data, suffix=""):
        """``{"reflection": id, "text": str}``: keep the text (up to max_length); answers progress + text."""
        toolkit = self.toolkit
        rid = self._known(
            data,
            "reflection",
            toolkit.reflections_by_id,
            N_('There is no reflection "{id}" in this toolkit.'),
        )
        text = require(data, "text", str)
        limit = toolkit.reflections_by_id[rid].limit
        if len(text) > limit:
            raise BadRequest(
                gettext(
                    self,
                    "Not saved: this reflection holds at most {limit} characters and yours has {length}. "
                    "Your last saved text is kept.",
                ).format(limit=limit, length=len(text)),
                reflection=rid,
                max_length=limit,
                length=len(text),
            )
        if "\x00" in text or not _encodable(text):
            raise BadRequest(gettext(self, "Not saved: the text holds characters that cannot be stored."))
        checked = self.checked_items or ()
        texts = dict(self.reflection_texts or {})
        before = texts.get(rid, "")
        if text != before:
            texts[rid] = text
            self.reflection_texts = texts
            self._count_learner()
            delta = int(progress.written(text)) - int(progress.written(before))
            if delta:
                self.summary_reflections = _bump(self.summary_reflections, rid, delta)
        state = self.progress_state(toolkit, checked, texts)
        state.update(reflection=rid, text=text)
        if text != before:
            self.publish_event(
                "edx.stage_toolkit.reflection_saved",
                {
                    "stage": state["stage"],
                    "reflection": rid,
                    "length": len(text),
                    "completion": state["completion"],
                },
            )
            self.raise_completion(state["completion"])
        return state

    @json_api
    def open_resource(self, data, suffix=""):
        """``{"resource": id}``: record that the learner opened a resource; answers progress + opened."""
        toolkit = self.toolkit
        rid = self._known(
            data, "resource", toolkit.resources_by_id, N_('There is no resource "{id}" in this toolkit.')
        )
        resource = toolkit.resources_by_id[rid]
        opens = dict(self.resource_opens or {})
        first = not opens.get(rid)
        opens[rid] = int(opens.get(rid, 0)) + 1
        self.resource_opens = opens
        self._count_learner()
        if first:
            self.summary_resource_learners = _bump(self.summary_resource_learners, rid, 1)
        self.summary_resource_opens = _bump(self.summary_resource_opens, rid, 1)
        state = self.progress_state(toolkit, self.checked_items or (), self.reflection_texts or {})
        state["opened"] = [r for r in toolkit.resources_by_id if opens.get(r)]
        self.publish_event(
            "edx.stage_toolkit.resource_opened",
            {"stage": state["stage"], "resource": rid, "href": resource.href},
        )
        return state


def _encodable(text):
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
