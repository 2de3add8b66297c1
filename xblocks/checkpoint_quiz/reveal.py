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


def closed_after_pass(show_answers, passed):
    """True when a learner may not submit again because passing showed them the answers.

    With ``after_pass_or_last_attempt`` a pass reveals every correct answer; another attempt would then
    raise the kept score (best) or keep it (last) with the answers in view, so the quiz closes. With
    ``always`` the quiz is practice from the start, with ``never`` nothing was shown: retries stay open.
    """
    return show_answers == SHOW_AFTER and bool(passed)


def questions_view(ordered, gettext):
    """The form as the browser sees it: ``ordered`` is ``shuffle.learner_order`` output."""
    labels = choice_labels(gettext)
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


def choice_labels(gettext):
    """The shown labels of the true/false choices, translated once per request."""
    return {"true": gettext("True"), "false": gettext("False")}


def answer_view(question, labels):
    """Correct choices and explanation of one question: only for when ``answers_visible`` is True.

    ``labels`` is ``choice_labels(gettext)``.
    """
    correct = [c for c in question.choices if c.correct]
    return {
        "answer": [c.id for c in correct],
        "answer_text": [labels[c.id] if question.kind == "true_false" else c.text for c in correct],
        "explanation": question.explanation,
        "source": question.source,
    }


def result_item(question, correct, credit, chosen):
    """One question's result as the browser may see it before answers are visible.

    Whether it was right, the credit, the chosen ids still in the question, their feedback: nothing
    about the choices the learner did not pick.
    """
    by_id = question.choices_by_id
    picked = [by_id[c] for c in chosen if c in by_id]
    return {
        "correct": bool(correct),
        "credit": float(credit),
        "chosen": [c.id for c in picked],
        "feedback": [c.feedback for c in picked if c.feedback],
    }


def results_view(questions, record, visible, gettext):
    """Per question of the last attempt: right or not, feedback of the chosen choices; answers if visible.

    ``record`` is the learner's ``record.Record``.
    """
    labels = choice_labels(gettext) if visible else None
    view = {}
    for question in questions:
        stored = record.result(question.id)
        item = result_item(question, *stored) if stored is not None else {}
        if visible:
            item.update(answer_view(question, labels))
        if item:
            view[question.id] = item
    return view


def attempt_results(questions, outcomes, visible, gettext):
    """The results of an attempt just scored (``outcomes``: qid -> ``answer_key.Outcome``).

    Hidden answers: the outcomes' prepared items as they are (built once per content and pick by
    ``result_item``; only serialized, never changed). Visible: each with its ``answer_view`` added.
    """
    if not visible:
        return {qid: outcome.shown for qid, outcome in outcomes.items()}
    labels = choice_labels(gettext)
    return {
        question.id: {**outcomes[question.id].shown, **answer_view(question, labels)}
        for question in questions
        if question.id in outcomes
    }


def status_view(
    *, attempts_used, max_attempts, kept_score, last_score, passed, visible, pass_ratio, show_answers
):
    """The numbers the result area shows (no answers in here).

    ``can_submit`` is False when no attempt is left or when ``closed`` (``closed_after_pass``).
    """
    left = attempts_left(max_attempts, attempts_used)
    closed = closed_after_pass(show_answers, passed)
    return {
        "attempts_used": attempts_used,
        "attempts_left": left,
        "max_attempts": max_attempts if max_attempts and max_attempts > 0 else None,
        "can_submit": (left is None or left > 0) and not closed,
        "closed": closed,
        "score": kept_score,
        "last_score": last_score,
        "passed": bool(passed),
        "answers_visible": bool(visible),
        "pass_ratio": pass_ratio,
    }


def public_data(*, title, module_id, ordered, record, status, visible, gettext, settings):
    """The quiz as the mobile apps and the Course Blocks API read it (``student_view_data``).

    The same rule as the learner's page: the form (``questions_view``, no ``correct`` flag anywhere),
    the status, and the last attempt's results (``results_view``: feedback of chosen choices only,
    nothing for a question not answered yet, answers only when ``visible``). ``settings`` holds the
    quiz-wide numbers (pass_ratio, max_attempts, weight).
    """
    questions = [question for question, _choices in ordered]
    return {
        "display_name": title,
        "module_id": module_id,
        **settings,
        "questions": questions_view(ordered, gettext),
        "status": status,
        "results": results_view(questions, record, visible, gettext) if record.attempts or visible else {},
    }
