"""Every learner's completion of the tracked blocks, from Open edX's own records (edx-completion).

The staff matrix, its CSV, ``staff_report`` and the cohort figures would otherwise know only the learners
who opened the progress page (the block's ``learners`` snapshot record). Where edx-completion is installed
(the LMS; the preview where the package is), this reads ``BlockCompletion`` instead: every learner with a
completion record in the course, by username (one query), then the tracked blocks' records a page of
``PAGE_SIZE`` learners per query. Learners who opened the page keep their chapter details (the drop-off
chart) from the snapshot record; those with no completion record yet are listed with nothing complete.

``course_learners(block, tracks, snapshot)`` answers None where this store cannot answer (no completion
service or tracking switched off, no ``course-v1:`` course key, edx-completion not installed, a database
error): the staff view then keeps the snapshot record. Platform code is imported inside functions only.
"""

import importlib.util
import logging

from xblocks.facilitator_progress import sources
from xblocks.facilitator_progress.progress import clamp
from xblocks.facilitator_progress.staff import MAX_MATRIX_ROWS

log = logging.getLogger(__name__)
PAGE_SIZE = MAX_MATRIX_ROWS


def store_installed():
    """True when edx-completion's models are part of this Django project."""
    if importlib.util.find_spec("completion") is None:
        return False
    try:
        from django.apps import apps

        return apps.ready and apps.is_installed("completion")
    except Exception:  # Django not configured: no store
        return False


def completion_pages(course_key, usage_keys, page_size=PAGE_SIZE):
    """Pages ``[(username, [completion or None per usage key])]`` of every learner with a completion record
    in the course, by username.

    One query lists the course's learners (username and id, from the course's records), then one query a
    page reads the tracked blocks' records of that page's learners (through the ``(course, block, user)``
    unique index): never a query per learner, and no page query scans the whole course.
    """
    from completion.models import BlockCompletion
    from django.db.models import CharField
    from django.db.models.functions import Cast

    roster = list(
        BlockCompletion.objects.filter(context_key=course_key)
        .values_list("user__username", "user_id")
        .distinct()
        .order_by("user__username")
    )
    keys = list(usage_keys)
    column = {str(key): i for i, key in enumerate(keys)}
    for start in range(0, len(roster), page_size):
        page = roster[start : start + page_size]
        values = {user_id: [None] * len(keys) for _name, user_id in page}
        records = (
            BlockCompletion.objects.filter(
                context_key=course_key, block_key__in=keys, user_id__in=list(values)
            )
            .annotate(key=Cast("block_key", output_field=CharField()))  # the text: no key parsed per row
            .values_list("user_id", "key", "completion")
        )
        for user_id, block_key, completion in records:
            values[user_id][column[block_key]] = completion
        yield [(name, values[user_id]) for name, user_id in page]


def merge(tracks, pages, snapshot):
    """``{username: {"at", "modules"}}`` in the snapshot record's shape: completion from the store for every
    learner it knows, chapter details and last visit from the snapshot; snapshot-only learners at zero."""
    snapshot = snapshot if isinstance(snapshot, dict) else {}
    learners = {}

    def record(name, values):
        previous = snapshot.get(name) if isinstance(snapshot.get(name), dict) else {}
        kept = previous.get("modules") if isinstance(previous.get("modules"), dict) else {}
        modules = {}
        for track, value in zip(tracks, values, strict=True):
            entry = kept.get(track["ref"])
            details = list(entry[1:]) if isinstance(entry, list) and len(entry) > 1 else [None, None, None]
            modules[track["ref"]] = [round(clamp(value), 4), *details]
        return {"at": str(previous.get("at") or ""), "modules": modules}

    for page in pages:
        for name, values in page:
            learners[name] = record(name, values)
    for name in snapshot:
        if name not in learners:
            learners[name] = record(name, [0.0] * len(tracks))
    return learners


def course_learners(block, tracks, snapshot):
    """Every learner of the block's course from ``BlockCompletion``, merged with the snapshot; None when
    the store cannot answer (see the module docstring)."""
    if not tracks or not store_installed() or sources.completion_service(block) is None:
        return None
    course = sources.course_key(block)
    if course is None:
        return None
    try:
        keys = [sources.course_usage_key(block, track, course) for track in tracks]
        return merge(tracks, completion_pages(course, keys), snapshot)
    except Exception:  # a store that cannot answer leaves the staff view on the snapshot record
        log.exception("facilitator_progress %s: cannot read the completion records", block.scope_ids.usage_id)
        return None
