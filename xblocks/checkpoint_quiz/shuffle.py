"""Per-learner orders of questions and choices: deterministic, stable across reloads, different per learner.

The order comes from a SHA-256 of (learner, block, what is shuffled), so nothing is stored and nothing
is random between requests: the same learner always sees the same order, two learners usually differ.
True/false choices keep their natural order (True, then False).
"""

import hashlib
import random


def seeded(learner, block, salt):
    """A ``random.Random`` seeded from the three strings (never the process's global generator)."""
    digest = hashlib.sha256("\x1f".join((str(learner), str(block), str(salt))).encode("utf-8")).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def shuffled(items, learner, block, salt):
    """A new list with ``items`` in this learner's order for ``salt``."""
    items = list(items)
    seeded(learner, block, salt).shuffle(items)
    return items


def learner_order(questions, learner, block, shuffle_choices=True, shuffle_questions=False):
    """``[(question, [choice, ...]), ...]`` in the order this learner sees them."""
    ordered = shuffled(questions, learner, block, "questions") if shuffle_questions else list(questions)
    result = []
    for question in ordered:
        choices = list(question.choices)
        if shuffle_choices and question.kind != "true_false":
            choices = shuffled(choices, learner, block, f"choices:{question.id}")
        result.append((question, choices))
    return result
