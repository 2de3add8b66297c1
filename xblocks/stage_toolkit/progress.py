"""Checklist and journey rules for a stage toolkit (plain Python; no XBlock runtime).

Completion is the share of checklist items checked. It reaches 1.0 only when every item is checked and
every required reflection holds text (not just spaces): until then it stays at most
``WAITING_FOR_REFLECTION`` (0.95). A toolkit without items (refused by validation) counts as complete
once its required reflections are written.

The journey is planning -> emerging -> sustaining; ``journey(stage)`` says where a stage sits in it.
"""

from xblocks.stage_toolkit.olx import STAGES

WAITING_FOR_REFLECTION = 0.95


def written(text):
    """True when a reflection counts as written (some non-space text)."""
    return isinstance(text, str) and bool(text) and not text.isspace()


def checked_in_order(item_ids, checked):
    """The ids of ``checked`` that are items, in the toolkit's order (unknown ids dropped)."""
    checked = checked if isinstance(checked, set) else set(checked or ())
    return [item for item in item_ids if item in checked]


def reflections_written(reflection_ids, texts):
    """How many of ``reflection_ids`` (distinct) have written text in ``texts`` (a dict id -> text)."""
    texts = texts or {}
    count = 0
    for rid in reflection_ids:
        if written(texts.get(rid)):
            count += 1
    return count


def completion(item_ids, checked, required_reflection_ids, texts):
    """Completion 0..1: checked items over all items; 1.0 only when required reflections are written too.

    ``item_ids`` and ``required_reflection_ids`` are distinct ids (as a parsed toolkit gives them);
    ``checked`` may hold anything: only ids of ``item_ids`` count, once each.
    """
    reflections_done = reflections_written(required_reflection_ids, texts) == len(required_reflection_ids)
    if not item_ids:
        return 1.0 if reflections_done else 0.0
    checked = checked if isinstance(checked, set) else set(checked or ())
    ratio = len(checked.intersection(item_ids)) / len(item_ids)
    if ratio >= 1.0 and reflections_done:
        return 1.0
    return min(ratio, WAITING_FOR_REFLECTION)


def journey(stage):
    """One entry per stage in order: ``{"stage", "position" (1-based), "current", "before"}``.

    ``before`` marks the stages the partnership has passed through to reach ``stage``. An unknown stage
    has no current entry.
    """
    position = stage_position(stage)
    return [
        {
            "stage": name,
            "position": i,
            "current": i == position,
            "before": position is not None and i < position,
        }
        for i, name in enumerate(STAGES, start=1)
    ]


def stage_position(stage):
    """1, 2 or 3 for planning, emerging, sustaining; None for anything else."""
    return STAGES.index(stage) + 1 if stage in STAGES else None
