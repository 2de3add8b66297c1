"""Where the learner's progress is read from: the LMS completion service, or the tracked blocks themselves.

- Open edX: the ``completion`` service (``get_completions(candidates)`` -> ``{usage_key: 0..1}``), with
  usage keys made from the course key and each track's ``block_type`` and ``ref`` (= url_name). The course
  key is the block's usage key's (in the LMS), else the runtime's ``course_id`` (the LMS runtime offers it
  too; the preview's runtime does where edx-completion is installed). Only ``course-v1:`` course keys are
  used: any other key is logged and the page is read as below.
- The preview (no completion service, or tracking switched off): the tracked blocks are found on the page
  by walking from the root of the scenario (``get_parent()`` up, ``children`` down) and matching their
  ``module_id`` (else their url_name) with ``ref``; each one's ``progress_summary()`` gives completion and
  details (chapters, position, score, items). Blocks are loaded for the current user, so this reads only
  that learner's state.
- The preview with the completion service: completion comes from the service, and, because the usage ids
  there are not the LMS's, the tracked blocks found on the page add their details (chapters watched, quiz
  score) to the service's figures.
"""

import logging

from xblocks.common import keys as course_keys
from xblocks.facilitator_progress.progress import Status, clamp

log = logging.getLogger(__name__)
MAX_BLOCKS_WALKED = 5000


def completion_service(block):
    service = block.runtime.service(block, "completion")
    if service is None:
        return None
    try:
        enabled = getattr(service, "completion_tracking_enabled", None)
        if callable(enabled) and not enabled():
            return None
    except Exception:  # a service that cannot answer is treated as absent
        log.exception("completion_tracking_enabled failed")
        return None
    return service


def course_key(block):
    """The block's ``course-v1:`` course key, or None (logged when a key of another kind was found)."""
    key = course_keys.context_key(block)
    if key is None:
        return None
    if not str(key).startswith("course-v1:") or not callable(getattr(key, "make_usage_key", None)):
        log.warning(
            "facilitator_progress %s: course key %r is not a course-v1: key; reading the blocks on the page",
            block.scope_ids.usage_id,
            str(key),
        )
        return None
    return key


def course_usage_key(block, track, course=None):
    """The LMS usage key of a tracked block (its course key + block_type + ref), or None outside the LMS."""
    course = course or course_key(block)
    if course is None:
        return None
    return course.make_usage_key(track["block_type"], track["ref"])


def from_completion_service(block, tracks, service):
    """``{ref: Status}`` from ``service.get_completions``; refs without an answer are left out.

    None when the block has no ``course-v1:`` course key (the caller reads the page instead).
    """
    course = course_key(block)
    if course is None:
        return None
    keys = {}
    for track in tracks:
        keys[course_usage_key(block, track, course)] = track["ref"]
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


def ref_of(candidate):
    """What a track's ``ref`` names: the block's ``module_id``, else its url_name (usage id's block id)."""
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
        key = (node.scope_ids.block_type, ref_of(node))
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


def with_page_details(statuses, found):
    """The service's completion, with the details (summary, usage id) of the tracked blocks on the page."""
    for ref, status in found.items():
        if ref in statuses:
            statuses[ref] = Status(
                completion=statuses[ref].completion, summary=status.summary, usage_id=status.usage_id
            )
    return statuses


def read_statuses(block, tracks):
    """``(statuses, source)``: the completion service when present, else the runtime."""
    service = completion_service(block)
    if service is not None:
        statuses = from_completion_service(block, tracks, service)
        if statuses is not None:
            # Not the LMS's usage ids (the preview, blocks on one page): the page adds its details.
            if course_keys.usage_course_key(block) is None:
                statuses = with_page_details(statuses, from_runtime(block, tracks))
            return statuses, "completion"
    return from_runtime(block, tracks), "runtime"
