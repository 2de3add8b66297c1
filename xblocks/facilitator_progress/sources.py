"""Where the learner's progress is read from: the LMS completion service, or the tracked blocks themselves.

- Open edX: the ``completion`` service (``get_completions(candidates)`` -> ``{usage_key: 0..1}``), with
  usage keys made from the course key and each track's ``block_type`` and ``ref`` (= url_name).
- The preview (no completion service, or tracking switched off): the tracked blocks are found on the page
  by walking from the root of the scenario (``get_parent()`` up, ``children`` down) and matching their
  ``module_id`` (else their url_name) with ``ref``; each one's ``progress_summary()`` gives completion and
  details (chapters, position, score, items). Blocks are loaded for the current user, so this reads only
  that learner's state.
"""

import logging

from xblocks.facilitator_progress.progress import Status, clamp

log = logging.getLogger(__name__)
MAX_BLOCKS_WALKED = 5000


def completion_service(block):
    service = block.runtime.service(block, "completion")
    if service is None:
        return None
    enabled = getattr(service, "completion_tracking_enabled", None)
    try:
        if callable(enabled) and not enabled():
            return None
    except Exception:  # a service that cannot answer is treated as absent
        log.exception("completion_tracking_enabled failed")
        return None
    return service


def course_usage_key(block, track):
    """The LMS usage key of a tracked block (its course key + block_type + ref), or None outside the LMS."""
    course_key = getattr(block.scope_ids.usage_id, "course_key", None)
    make = getattr(course_key, "make_usage_key", None)
    if make is None:
        return None
    return make(track["block_type"], track["ref"])


def from_completion_service(block, tracks, service):
    """``{ref: Status}`` from ``service.get_completions``; refs without an answer are left out."""
    keys = {}
    for track in tracks:
        key = course_usage_key(block, track)
        if key is not None:
            keys[key] = track["ref"]
    if not keys:
        return {}
    answer = service.get_completions(list(keys)) or {}
    statuses = {}
    for key, value in answer.items():
        ref = keys.get(key)
        if ref is None:
            # services may answer with keys of another type that print the same
            ref = next((r for k, r in keys.items() if str(k) == str(key)), None)
        if ref is not None:
            statuses[ref] = Status(completion=clamp(value))
    return statuses


def _root(block):
    node = block
    for _ in range(100):
        parent = node.get_parent()
        if parent is None:
            return node
        node = parent
    return node


def _ref_of(candidate):
    module_id = getattr(candidate, "module_id", "") or ""
    if module_id:
        return module_id
    usage = candidate.scope_ids.usage_id
    return str(getattr(usage, "block_id", "") or str(usage).rsplit("@", 1)[-1])


def find_tracked(block, tracks):
    """``{ref: tracked block}`` for the tracks found on the page."""
    wanted = {(t["block_type"], t["ref"]) for t in tracks}
    found = {}
    stack = [_root(block)]
    walked = 0
    while stack and walked < MAX_BLOCKS_WALKED and len(found) < len(wanted):
        node = stack.pop()
        walked += 1
        key = (node.scope_ids.block_type, _ref_of(node))
        if key in wanted and key[1] not in found:
            found[key[1]] = node
        for child_id in reversed(getattr(node, "children", None) or []):
            try:
                stack.append(node.runtime.get_block(child_id))
            except Exception:  # a child that cannot load is skipped: the page still shows the others
                log.exception("cannot load child %s", child_id)
    return found


def from_runtime(block, tracks):
    """``{ref: Status}`` from each tracked block's ``progress_summary()``."""
    statuses = {}
    for ref, tracked in find_tracked(block, tracks).items():
        summarize = getattr(tracked, "progress_summary", None)
        if not callable(summarize):
            continue
        try:
            summary = summarize() or {}
        except Exception:  # one broken block must not break the progress page
            log.exception("progress_summary of %s failed", ref)
            continue
        if not isinstance(summary, dict):
            continue
        statuses[ref] = Status(
            completion=clamp(summary.get("completion")),
            summary=summary,
            usage_id=str(tracked.scope_ids.usage_id),
        )
    return statuses


def read_statuses(block, tracks):
    """``(statuses, source)``: the completion service when present, else the runtime."""
    service = completion_service(block)
    if service is not None:
        return from_completion_service(block, tracks, service), "completion"
    return from_runtime(block, tracks), "runtime"
