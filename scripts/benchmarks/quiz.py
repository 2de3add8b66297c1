"""Checkpoint quiz: ``submit`` on a 20-question quiz against the platform floor (same runtime, same run).

Target: at most 2x the floor, a JSON handler that reads and writes one user_state field of the size the
quiz keeps per learner and publishes one event.
"""

import json

import webob

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


def answers(count=QUESTIONS):
    """A mostly wrong attempt (so the quiz never passes and stays on the common path)."""
    result = {}
    for i in range(count):
        kind = ("single", "multiple", "true_false")[i % 3]
        result[f"q{i}"] = (
            ["false"] if kind == "true_false" else (["c1", "c2"] if kind == "multiple" else ["c1"])
        )
    return result


def submit_call(harness, user="bench"):
    quiz = harness.parse(quiz_olx())
    block = harness.block(quiz, user)
    body = json.dumps({"answers": answers()}).encode()

    def call():
        request = webob.Request.blank("/", method="POST", body=body)
        response = block.runtime.handle(block, "submit", request)
        if response.status_code != 200:
            raise RuntimeError(f"submit answered {response.status_code}: {response.body[:200]!r}")
        return response

    return call, block


def state_size(block):
    """Bytes of the learner state the quiz keeps (what the floor reads and writes)."""
    names = ("attempts_used", "kept_score", "last_score", "passed", "last_results", "completion_published")
    return len(json.dumps({n: block.fields[n].to_json(getattr(block, n)) for n in names}))


def run(quick=False):
    number = 50 if quick else 300
    repeat = 3 if quick else 7
    harness = Harness()
    submit, block = submit_call(harness)
    submit()  # warm: parse cache, templates, first state
    size = state_size(block)
    floor, _floor_block = floor_call(harness, size)
    floor()
    # Side by side, interleaved, best of several runs each: noise on a shared machine only adds time.
    quiz_seconds, floor_seconds = [], []
    for _ in range(repeat):
        quiz_seconds.append(best_of(submit, repeat=1, number=number))
        floor_seconds.append(best_of(floor, repeat=1, number=number))
    quiz_best, floor_best = min(quiz_seconds), min(floor_seconds)
    ratio = quiz_best / floor_best
    return [
        Row("quiz", f"submit, {QUESTIONS} questions (ms)", f"{quiz_best * 1000:.3f}", "—", None),
        Row("quiz", f"floor_call, {size} B state (ms)", f"{floor_best * 1000:.3f}", "—", None),
        Row("quiz", "submit / floor", f"{ratio:.2f}x", f"<= {TARGET_RATIO:.0f}x", ratio <= TARGET_RATIO),
    ]
