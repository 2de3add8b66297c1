"""What staff see: the class summary kept in ``user_state_summary`` and the per-learner report rows.

The summary counts each learner once, by their latest attempt: on every submit the learner's previous
record (their own state) is taken out and the new one put in, so shares stay "of the learners who
answered". Only questions whose answer changed since the learner's previous attempt are touched. Pure
functions over plain data; the block stores the result.

Summary (one JSON text, the ``class_summary`` field)::

    {"learners": 2, "passed": 1, "score_sum": 1.5, "attempts": 3,
     "questions": {"<qid>": [<answered>, <right>, {"<cid>": <picks>, ...}], ...}}

(per question a short list rather than a mapping: a third less text to read and write on every submit).

Reading is forgiving: unreadable parts count as zero (a view never fails on stored data).
"""

import orjson

from xblocks.checkpoint_quiz.record import clean_results, from_state
from xblocks.checkpoint_quiz.reveal import choice_labels

COUNTERS = ("learners", "passed", "attempts")


def empty_summary():
    return {"learners": 0, "passed": 0, "score_sum": 0.0, "attempts": 0, "questions": {}}


def _count(value):
    return value if type(value) is int else 0


def load_summary(text):
    """A new, well-formed summary dict from its stored text; unreadable parts count as zero."""
    summary = empty_summary()
    if not text or not isinstance(text, str | bytes):
        return summary
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError:
        return summary
    if not isinstance(data, dict):
        return summary
    for name in COUNTERS:
        summary[name] = _count(data.get(name))
    score_sum = data.get("score_sum")
    if isinstance(score_sum, int | float) and not isinstance(score_sum, bool):
        summary["score_sum"] = float(score_sum)  # orjson reads no NaN or Infinity
    questions = data.get("questions")
    for qid, stats in (questions if isinstance(questions, dict) else {}).items():
        if isinstance(stats, list) and len(stats) == 3:
            answered, right, choices = stats
            choices = {cid: _count(n) for cid, n in choices.items()} if isinstance(choices, dict) else {}
            summary["questions"][qid] = [_count(answered), _count(right), choices]
    return summary


def dump_summary(summary):
    """The stored text of ``summary`` (compact JSON)."""
    return orjson.dumps(summary).decode()


def update_summary(summary, previous, current):
    """Count a learner's ``current`` record in ``summary`` in place of ``previous`` (None the first time).

    ``summary`` must be well formed and hold what ``previous`` counted (``load_summary`` then
    ``_reserve`` make it so); it is this request's own: it is changed and returned. ``previous`` and
    ``current`` are ``record.Record``; only questions whose stored result changed are touched.
    """
    summary["attempts"] += 1
    if previous is None:
        summary["learners"] += 1
        old_results = {}
    else:
        summary["passed"] -= previous.passed
        summary["score_sum"] -= previous.kept or 0.0
        old_results = previous.results
    summary["passed"] += current.passed
    summary["score_sum"] = round(summary["score_sum"] + (current.kept or 0.0), 9)
    if old_results == current.results:  # the same answers again (compared in C): no question moves
        return summary
    questions = summary["questions"]
    matched = 0
    for qid, new in current.results.items():
        old = old_results.get(qid)
        if old is None:  # a question this learner had not answered before
            stats = questions.get(qid)
            if stats is None:
                stats = questions[qid] = [0, 0, {}]
            stats[0] += 1
            stats[1] += new[0]
            choices = stats[2]
        else:
            matched += 1
            if old == new:  # same answer as last time: nothing moves
                continue
            stats = questions[qid]
            stats[1] += new[0] - old[0]
            choices = stats[2]
            for cid in old[2]:
                choices[cid] -= 1
        for cid in new[2]:
            choices[cid] = choices.get(cid, 0) + 1
    if matched < len(old_results):  # questions gone from the quiz since the last attempt
        for qid, old in old_results.items():
            if qid not in current.results:
                stats = questions[qid]
                stats[0] -= 1
                stats[1] -= old[0]
                for cid in old[2]:
                    stats[2][cid] -= 1
    return summary


def _reserve(summary, previous):
    """Make room in ``summary`` for everything ``previous`` counted (zeros where it is missing)."""
    if previous is not None:
        for qid, (_correct, _credit, chosen) in previous.results.items():
            stats = summary["questions"].setdefault(qid, [0, 0, {}])
            for cid in chosen:
                stats[2].setdefault(cid, 0)
    return summary


def count_attempt(text, previous, current):
    """The summary text after a learner's attempt: ``update_summary`` on the stored ``text``.

    Stored data this block wrote is well formed and goes straight through; anything else (unreadable
    text, wrong shapes in the summary or in the learner's previous record, a summary that lost what the
    previous attempt counted) is cleaned first and then counted the same way, never a failure.
    """
    try:
        summary = orjson.loads(text) if text else empty_summary()
        return dump_summary(update_summary(summary, previous, current))
    except (TypeError, ValueError, LookupError, AttributeError):  # JSONDecodeError is a ValueError
        if previous is not None:
            previous = previous._replace(results=clean_results(previous.results))
        return dump_summary(update_summary(_reserve(load_summary(text), previous), previous, current))


def _share(part, whole):
    return part / whole if whole else 0.0


def staff_view(summary, questions, gettext):
    """Numbers and rows for the staff panel (bars are shares 0..1); ``most_missed`` is a question id.

    ``summary`` is a well-formed summary dict (``load_summary``).
    """
    summary = summary or empty_summary()
    counted = summary.get("questions") or {}
    learners = summary.get("learners", 0)
    nothing = (0, 0, {})
    labels = choice_labels(gettext)
    rows = []
    for question in questions:
        answered, right, picks = counted.get(question.id, nothing)
        rows.append(
            {
                "id": question.id,
                "prompt": question.prompt,
                "answered": answered,
                "right_share": _share(right, answered),
                "choices": [
                    {
                        "id": c.id,
                        "text": labels[c.id] if question.kind == "true_false" else c.text,
                        "correct": c.correct,
                        "picks": picks.get(c.id, 0),
                        "share": _share(picks.get(c.id, 0), answered),
                    }
                    for c in question.choices
                ],
                "most_missed": False,
            }
        )
    answered_rows = [r for r in rows if r["answered"]]
    most_missed = None
    if answered_rows:
        worst = min(answered_rows, key=lambda r: r["right_share"])
        if worst["right_share"] < 1.0:
            worst["most_missed"] = True
            most_missed = worst["id"]
    return {
        "learners": learners,
        "pass_rate": _share(summary.get("passed", 0), learners),
        "average_score": _share(summary.get("score_sum", 0.0), learners),
        "attempts": summary.get("attempts", 0),
        "attempts_per_learner": _share(summary.get("attempts", 0), learners),
        "questions": rows,
        "most_missed": most_missed,
    }


def report_row(record, questions):
    """One learner's report columns from their ``record.Record``."""
    row = {
        "Score": "" if record.kept is None else round(record.kept, 4),
        "Passed": record.passed,
        "Attempts": record.attempts,
    }
    for question in questions:
        result = record.result(question.id)
        row[f"{question.id}: chosen"] = ", ".join(result[2]) if result else ""
        row[f"{question.id}: correct"] = result[0] if result else ""
    return row


def report_rows(user_state_iterator, questions, limit_responses=None):
    """``(username, columns)`` per learner who attempted the quiz, at most ``limit_responses`` rows.

    Each item has ``username`` and ``state`` (field name -> stored JSON value), as the LMS gives them.
    """
    count = 0
    for user_state in user_state_iterator:
        if limit_responses is not None and count >= limit_responses:
            return
        record = from_state(getattr(user_state, "state", None) or {})
        if not record.attempts:
            continue
        yield user_state.username, report_row(record, questions)
        count += 1
