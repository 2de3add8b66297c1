"""Checkpoint quiz: ``submit`` on a 20-question quiz against the platform floor (same runtime, same run).

Target: at most 2x the floor, a JSON handler that reads and writes one user_state field of the size the
quiz keeps per learner and publishes one event (``common.floor_call``). Two retries are measured: the same
answers again (nothing moves in the staff summary) and every answer changed (every question's counters
move; a first attempt does about as much). Both count against the target.

The floor's field holds as many characters as the quiz's learner state (``state_size``: the record's own
length, not the longer escaped form it takes inside the LMS's state JSON, so the floor is not inflated).
"""

import itertools
import json

import webob
from xblock.fields import Scope

from scripts.benchmarks import Row
from scripts.benchmarks.common import best_of, floor_call
from tests.runtime import Harness

QUESTIONS = 20
TARGET_RATIO = 2.0
CORRECT = ' correct="true"'


def quiz_olx(count=QUESTIONS):
    """A quiz mixing every kind: single, multiple (half with partial credit), true/false."""
    parts = [
        '<checkpoint_quiz display_name="Readiness assessment" pass_ratio="0.8" max_attempts="0" '
        'shuffle="true" shuffle_questions="true" show_answers="after_pass_or_last_attempt" module_id="bench">'
    ]
    for i in range(count):
        kind = ("single", "multiple", "true_false")[i % 3]
        if kind == "true_false":
            parts.append(
                f'<question id="q{i}" kind="true_false" answer="true"><prompt>Statement {i} is true.</prompt>'
                f"<explanation>Because {i}.</explanation></question>"
            )
            continue
        partial = ' partial_credit="true"' if kind == "multiple" and i % 2 else ""
        correct = (0, 2) if kind == "multiple" else (0,)
        choices = "".join(
            f'<choice id="c{j}"{CORRECT if j in correct else ""} feedback="Feedback for choice {j} of '
            f'question {i}.">Choice {j} of question {i}</choice>'
            for j in range(4)
        )
        parts.append(
            f'<question id="q{i}" kind="{kind}"{partial}><prompt>Question {i}: which is right?</prompt>'
            f"{choices}"
            f"<explanation>Explanation {i}.</explanation></question>"
        )
    parts.append("</checkpoint_quiz>")
    return "".join(parts)


def answers(count=QUESTIONS, variant=0):
    """A mostly wrong attempt (the quiz never passes and stays on the common path).

    The two variants differ on every question, so alternating them is a retry that changes every answer:
    nothing in the staff summary can be skipped as unchanged.
    """
    result = {}
    for i in range(count):
        kind = ("single", "multiple", "true_false")[i % 3]
        if kind == "true_false":
            result[f"q{i}"] = [("false", "true")[variant]]
        elif kind == "multiple":
            result[f"q{i}"] = [["c1", "c2"], ["c1", "c3"]][variant]
        else:
            result[f"q{i}"] = [("c1", "c3")[variant]]
    return result


def submit_call(harness, user="bench", change_answers=False):
    """A callable posting one submit per call (a retry after the warm-up calls), and the block.

    ``change_answers``: alternate the two answer variants, so every retry changes every answer (the most
    work for the staff summary); otherwise every retry sends the same answers (the least).
    """
    quiz = harness.parse(quiz_olx())
    block = harness.block(quiz, user)
    bodies = [
        json.dumps({"answers": answers(variant=v)}).encode() for v in ((0, 1) if change_answers else (0,))
    ]
    calls = itertools.count()

    def call():
        request = webob.Request.blank("/", method="POST", body=bodies[next(calls) % len(bodies)])
        response = block.runtime.handle(block, "submit", request)
        if response.status_code != 200:
            raise RuntimeError(f"submit answered {response.status_code}: {response.body[:200]!r}")
        return response

    return call, block


def state_size(block):
    """Characters of the learner state the quiz keeps (what the floor's one field must hold).

    Every ``user_state`` field as stored; the record (JSON text) counts as its own length, not as the
    longer escaped string it becomes inside the LMS's state JSON (the smaller size makes a cheaper floor).
    """
    size = 0
    for name, field in block.fields.items():
        if field.scope == Scope.user_state:
            value = field.to_json(getattr(block, name))
            size += len(value) if isinstance(value, str) else len(json.dumps(value))
    return size


def run(quick=False):
    number = 50 if quick else 300
    repeat = 3 if quick else 7
    harness = Harness()
    same, block = submit_call(harness, "bench-same")
    changed, _ = submit_call(harness, "bench-changed", change_answers=True)
    for submit in (same, changed, same, changed):  # warm: compiled questions, first state; then retries
        submit()
    size = state_size(block)
    floor, _floor_block = floor_call(harness, size)
    floor()
    # Side by side, interleaved, best of several runs each: noise on a shared machine only adds time.
    calls = {"same": same, "changed": changed, "floor": floor}
    seconds = {name: [] for name in calls}
    for _ in range(repeat):
        for name, call in calls.items():
            harness.clear_events()  # the platform sends events on; it keeps none in memory (same for all)
            seconds[name].append(best_of(call, repeat=1, number=number))
    best = {name: min(values) for name, values in seconds.items()}
    ratio_same, ratio_changed = best["same"] / best["floor"], best["changed"] / best["floor"]
    target = f"<= {TARGET_RATIO:.0f}x"
    return [
        Row(
            "quiz",
            f"submit, {QUESTIONS} questions, retry with the same answers (ms)",
            _ms(best["same"]),
            "—",
            None,
        ),
        Row(
            "quiz",
            f"submit, {QUESTIONS} questions, retry changing every answer (ms)",
            _ms(best["changed"]),
            "—",
            None,
        ),
        Row("quiz", f"floor_call, {size} B state (ms)", _ms(best["floor"]), "—", None),
        Row("quiz", "submit / floor, same answers", f"{ratio_same:.2f}x", target, ratio_same <= TARGET_RATIO),
        Row(
            "quiz",
            "submit / floor, every answer changed",
            f"{ratio_changed:.2f}x",
            target,
            ratio_changed <= TARGET_RATIO,
        ),
    ]


def _ms(seconds):
    return f"{seconds * 1000:.3f}"
