"""The answer-leak rule and the only data about questions that ever reaches the browser.

``answers_visible`` says when correct answers and explanations may be shown (``show_answers``):
``always``; ``after_pass_or_last_attempt`` (once the kept score passes, or no attempt is left);
``never``. Before that, the learner's page, its init JSON and every handler answer carry only:
question ids, kinds, prompts, choice ids and texts; and, for a submitted attempt, whether each question
was right and the feedback of the choices the learner picked. Everything built for the browser is built
here, so the rule has one home.
"""

from xblocks.checkpoint_quiz.scoring import attempts_left

SHOW_ALWAYS = "always"
SHOW_AFTER = "after_pass_or_last_attempt"
SHOW_NEVER = "never"


def answers_visible(show_answers, passed, attempts_used, max_attempts):
    """True when correct answers and explanations may reach this learner's browser."""
    if show_answers == SHOW_ALWAYS:
        return True
    if show_answers == SHOW_AFTER:
        left = attempts_left(max_attempts, attempts_used)
        return bool(passed) or (left is not None and left == 0)
    return False


def questions_view(ordered, gettext):
    """The form as the browser sees it: ``ordered`` is ``shuffle.learner_order`` output."""
    labels = {"true": gettext("True"), "false": gettext("False")}
    view = []
    for question, choices in ordered:
        view.append(
            {
                "id": question.id,
                "kind": question.kind,
                "prompt": question.prompt,
                "multiple": question.kind == "multiple",
                "choices": [
                    {"id": c.id, "text": labels[c.id] if question.kind == "true_false" else c.text}
                    for c in choices
                ],
            }
        )
    return view


def answer_view(question, gettext):
    """Correct choices and explanation of one question: only for when ``answers_visible`` is True."""
    labels = {"true": gettext("True"), "false": gettext("False")}
    correct = [c for c in question.choices if c.correct]
    return {
        "answer": [c.id for c in correct],
        "answer_text": [labels[c.id] if question.kind == "true_false" else c.text for c in correct],
        "explanation": question.explanation,
        "source": question.source,
    }


def results_view(questions, last_results, visible, gettext):
    """Per question of the last attempt: right or not, feedback of the chosen choices; answers if visible.

    ``last_results`` is the stored ``{qid: {"correct": bool, "chosen": [ids], "credit": x}}``.
    """
    view = {}
    for question in questions:
        stored = (last_results or {}).get(question.id)
        item = {}
        if stored is not None:
            by_id = question.choices_by_id
            chosen = [by_id[c] for c in stored.get("chosen", ()) if c in by_id]
            item = {
                "correct": bool(stored.get("correct")),
                "credit": float(stored.get("credit", 0.0)),
                "chosen": [c.id for c in chosen],
                "feedback": [c.feedback for c in chosen if c.feedback],
            }
        if visible:
            item.update(answer_view(question, gettext))
        if item:
            view[question.id] = item
    return view


def status_view(*, attempts_used, max_attempts, kept_score, last_score, passed, visible, pass_ratio):
    """The numbers the result area shows (no answers in here)."""
    left = attempts_left(max_attempts, attempts_used)
    return {
        "attempts_used": attempts_used,
        "attempts_left": left,
        "max_attempts": max_attempts if max_attempts and max_attempts > 0 else None,
        "can_submit": left is None or left > 0,
        "score": kept_score,
        "last_score": last_score,
        "passed": bool(passed),
        "answers_visible": bool(visible),
        "pass_ratio": pass_ratio,
    }
