"""The course key of a block, the one place blocks find it (deep links, completion, the staff matrix).

In the LMS it is inside the block's usage key; else the runtime's ``course_id`` (the LMS runtime offers it
too, and so does the preview's where edx-completion is installed), parsed with edx-opaque-keys when that is
installed. Only a key that can make usage keys counts.
"""

import logging

log = logging.getLogger(__name__)


def usage_course_key(block):
    """The course (context) key inside the block's usage key: set in the LMS, None elsewhere."""
    usage = block.scope_ids.usage_id
    return getattr(usage, "context_key", None) or getattr(usage, "course_key", None)


def context_key(block):
    """The block's course (context) key of any kind, parsed; None where there is none (logged when a
    runtime ``course_id`` cannot be read as a key)."""
    key = usage_course_key(block)
    if key is None:
        key = getattr(block.runtime, "course_id", None)
    if isinstance(key, str):
        try:
            from opaque_keys import InvalidKeyError
            from opaque_keys.edx.keys import CourseKey
        except ImportError:
            return None
        try:
            key = CourseKey.from_string(key)
        except InvalidKeyError:
            log.warning("%s: course id %r is not a course key", block.scope_ids.usage_id, key)
            return None
    return key


def course_key(block):
    """The block's course key if it can make usage keys (an edx-opaque-keys ``CourseKey``), else None."""
    key = context_key(block)
    return key if callable(getattr(key, "make_usage_key", None)) else None
