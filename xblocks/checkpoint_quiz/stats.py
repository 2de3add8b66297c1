"""What staff see: the class summary kept in ``user_state_summary`` and the per-learner report rows.

The summary counts each learner once, by their latest attempt: on every submit the learner's previous
contribution (stored in their own state) is taken out and the new one put in, so shares stay "of the
learners who answered". Pure functions over plain dicts; the block stores the result.

Summary shape: ``{"learners", "passed", "score_sum", "attempts", "questions": {qid: {"answered",
"right", "choices": {cid: picks}}}}``. A contribution: ``{"kept", "passed", "questions": {qid:
{"correct", "chosen"}}}``.
"""

EMPTY = {"learners": 0, "passed": 0, "score_sum": 0.0, "attempts": 0, "questions": {}}


def _apply(summary, contribution, sign, copied):
    summary["passed"] += sign * int(bool(contribution.get("passed")))
    summary["score_sum"] += sign * float(contribution.get("kept") or 0.0)
    questions = summary["questions"]
    for qid, result in (contribution.get("questions") or {}).items():
        if qid not in copied:  # copy-on-write: the stored summary is never changed in place
            old = questions.get(qid) or {"answered": 0, "right": 0, "choices": {}}
            questions[qid] = {**old, "choices": dict(old.get("choices") or {})}
            copied.add(qid)
        stats = questions[qid]
        stats["answered"] += sign
        stats["right"] += sign * int(bool(result.get("correct")))
        choices = stats["choices"]
        for cid in result.get("chosen") or ():
            choices[cid] = choices.get(cid, 0) + sign


def update_summary(summary, previous, current):
    """A new summary with one learner's ``previous`` contribution (None the first time) replaced.

    ``summary`` is not changed: only the parts that change are copied.
    """
    result = {**EMPTY, **(summary or {})}
    result["questions"] = dict(result.get("questions") or {})
    copied = set()
    result["attempts"] += 1
    if previous is None:
        result["learners"] += 1
    else:
        _apply(result, previous, -1, copied)
    _apply(result, current, +1, copied)
    result["score_sum"] = round(result["score_sum"], 9)
    return result


def _share(part, whole):
    return part / whole if whole else 0.0


def staff_view(summary, questions, gettext):
    """Numbers and rows for the staff panel (bars are shares 0..1); ``most_missed`` is a question id."""
    summary = summary or EMPTY
    learners = summary.get("learners", 0)
    rows = []
    for question in questions:
        stats = summary.get("questions", {}).get(question.id, {"answered": 0, "right": 0, "choices": {}})
        answered = stats.get("answered", 0)
        labels = {"true": gettext("True"), "false": gettext("False")}
        rows.append(
            {
                "id": question.id,
                "prompt": question.prompt,
                "answered": answered,
                "right_share": _share(stats.get("right", 0), answered),
                "choices": [
                    {
                        "id": c.id,
                        "text": labels[c.id] if question.kind == "true_false" else c.text,
                        "correct": c.correct,
                        "picks": stats.get("choices", {}).get(c.id, 0),
                        "share": _share(stats.get("choices", {}).get(c.id, 0), answered),
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


def report_row(state, questions):
    """One learner's report columns from their stored state (field name -> JSON value)."""
    kept = state.get("kept_score")
    row = {
        "Score": "" if kept is None else round(float(kept), 4),
        "Passed": bool(state.get("passed", False)),
        "Attempts": int(state.get("attempts_used", 0) or 0),
    }
    last = state.get("last_results") or {}
    for question in questions:
        result = last.get(question.id) or {}
        row[f"{question.id}: chosen"] = ", ".join(result.get("chosen") or [])
        row[f"{question.id}: correct"] = bool(result.get("correct")) if result else ""
    return row


def report_rows(user_state_iterator, questions, limit_responses=None):
    """``(username, columns)`` per learner who attempted the quiz, at most ``limit_responses`` rows."""
    count = 0
    for user_state in user_state_iterator:
        if limit_responses is not None and count >= limit_responses:
            return
        state = getattr(user_state, "state", None) or {}
        if not state.get("attempts_used"):
            continue
        yield user_state.username, report_row(state, questions)
        count += 1
