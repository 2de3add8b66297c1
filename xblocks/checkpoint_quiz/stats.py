"""What staff see: the class summary kept in ``user_state_summary`` and the per-learner report rows.

The summary counts each learner once, by their latest attempt: on every submit the learner's previous
record (their own state) is taken out and the new one put in, so shares stay "of the learners who
answered". Pure functions over plain data; the block stores the result.

Two forms. Code reads and counts in the *logical* form (``load_summary``, ``update_summary``,
``staff_view``)::

    {"learners": 2, "passed": 1, "score_sum": 1.5, "attempts": 3,
     "questions": {"<qid>": [<answered>, <right>, {"<cid>": <picks>, ...}], ...}}

The *stored* form (one JSON text, the ``class_summary`` field) keeps the per-question numbers as one flat
list of ints in the order of a ``Layout`` (the content's questions in order, each as answered, right, then
one pick count per choice in content order), with the layout itself written out so the numbers can always
be read back by id::

    {"layout": "<qid> <cid> <cid>|<qid> <cid> <cid> <cid>", "counts": [2, 2, 0, 2, 2, 1, 4, 2, 1],
     "other": {"<qid>": [<answered>, <right>, {"<cid>": <picks>}]},
     "learners": 2, "passed": 1, "score_sum": 1.5, "attempts": 3}

(ids never hold a space or a ``|``: see ``questions._ID``). Each learner's record keeps the positions
its latest attempt added 1 to (``Layout.positions``: right, each pick) and the layout's
fingerprint, so a submit on unchanged content reads the list, takes 1 off at the old positions, adds 1
at the new ones and writes it back (``count_attempt``): no per-choice mapping is built or parsed. When
the content changed (the stored layout is not the content's), the summary was written by an older
version (a ``questions`` mapping), or anything stored is malformed, the summary is read into the logical
form, cleaned, counted there and stored again in the content's layout: numbers of questions and choices
the content no longer has move to ``other`` (kept while not zero, so a learner who answered them is
still taken out correctly later), never lost.

Reading is forgiving: unreadable parts count as zero (a view never fails on stored data).
"""

import functools
import hashlib

import orjson

from xblocks.checkpoint_quiz.record import clean_results, from_state
from xblocks.checkpoint_quiz.reveal import choice_labels

COUNTERS = ("learners", "passed", "attempts")


class Layout:
    """Where each question's numbers sit in the stored ``counts`` list (see the module docstring).

    ``entries``: ``(qid, (cid, ...))`` in order; ``text``: the stored form; ``slots``: qid -> (position of
    its "answered" count (its "right" count follows), {cid: position of its pick count}); ``answered``:
    every question's "answered" position; ``size``: the length of ``counts``; ``fingerprint``: a short
    digest of ``text``, which a learner's record keeps beside the positions its attempt counted
    (``positions``). Built once per content (``AnswerKey.layout``); never changed.
    """

    __slots__ = ("entries", "text", "slots", "answered", "size", "fingerprint")

    def __init__(self, entries):
        self.entries = tuple((qid, tuple(cids)) for qid, cids in entries)
        self.text = "|".join(" ".join((qid, *cids)) for qid, cids in self.entries)
        slots, position = {}, 0
        for qid, cids in self.entries:
            slots.setdefault(qid, (position, {cid: position + 2 + n for n, cid in enumerate(cids)}))
            position += 2 + len(cids)
        self.slots, self.size = slots, position
        self.answered = tuple(base for base, _index in slots.values())
        self.fingerprint = hashlib.blake2b(self.text.encode(), digest_size=8).hexdigest()

    def positions(self, qid, correct, chosen):
        """The positions in ``counts`` one answer adds 1 to besides "answered": right (if ``correct``),
        then each pick."""
        base, index = self.slots[qid]
        picks = tuple(index[c] for c in chosen)
        return (base + 1, *picks) if correct else picks

    @classmethod
    def of(cls, questions):
        """The layout of a quiz's questions: content order, choices in content order."""
        return cls((q.id, tuple(c.id for c in q.choices)) for q in questions)

    @staticmethod
    @functools.lru_cache(maxsize=64)
    def parse(text):
        """The Layout written as ``text`` (a stored ``layout``)."""
        return Layout(
            (parts[0], parts[1:]) for parts in (entry.split(" ") for entry in text.split("|")) if text
        )


def empty_summary():
    return {"learners": 0, "passed": 0, "score_sum": 0.0, "attempts": 0, "questions": {}}


def _count(value):
    return value if type(value) is int and value > 0 else 0


def _add_entries(questions, entries):
    """Add stored ``{qid: [answered, right, {cid: picks}]}`` to ``questions``; malformed parts are skipped."""
    for qid, stats in entries.items():
        if isinstance(stats, list) and len(stats) == 3:
            answered, right, choices = stats
            into = questions.setdefault(qid, [0, 0, {}])
            into[0] += _count(answered)
            into[1] += _count(right)
            picks = into[2]
            for cid, n in choices.items() if isinstance(choices, dict) else ():
                picks[cid] = picks.get(cid, 0) + _count(n)


def _add_counts(questions, layout_text, counts):
    """Add a stored flat ``counts`` list laid out as ``layout_text`` to ``questions`` (if they fit)."""
    if not isinstance(layout_text, str) or not isinstance(counts, list):
        return
    layout = Layout.parse(layout_text)
    if layout.size != len(counts):
        return
    position = 0
    for qid, cids in layout.entries:
        into = questions.setdefault(qid, [0, 0, {}])
        into[0] += _count(counts[position])
        into[1] += _count(counts[position + 1])
        picks = into[2]
        for n, cid in enumerate(cids, position + 2):
            picks[cid] = picks.get(cid, 0) + _count(counts[n])
        position += 2 + len(cids)


def load_summary(text):
    """A new, well-formed logical summary from its stored text (either stored form, or the old
    ``questions`` mapping); unreadable parts count as zero."""
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
    questions = summary["questions"]
    _add_counts(questions, data.get("layout"), data.get("counts"))
    for name in ("other", "questions"):  # "questions": the form older versions stored
        entries = data.get(name)
        if isinstance(entries, dict):
            _add_entries(questions, entries)
    return summary


def dump_summary(summary, layout):
    """The stored text of the logical ``summary`` in ``layout`` (compact JSON).

    Numbers of questions and choices outside ``layout`` go to ``other`` unless they are all zero;
    a count below zero (a summary that lost what it had counted) is stored as zero.
    """
    counts = [0] * layout.size
    other = {}
    slots = layout.slots
    for qid, (answered, right, picks) in summary["questions"].items():
        slot = slots.get(qid)
        if slot is None:
            kept = {cid: n for cid, n in picks.items() if n > 0}
            if answered > 0 or right > 0 or kept:
                other[qid] = [max(answered, 0), max(right, 0), kept]
            continue
        base, index = slot
        counts[base] = max(answered, 0)
        counts[base + 1] = max(right, 0)
        extra = {}
        for cid, n in picks.items():
            position = index.get(cid)
            if position is not None:
                counts[position] = max(n, 0)
            elif n > 0:
                extra[cid] = n
        if extra:
            other[qid] = [0, 0, extra]
    return orjson.dumps(
        {
            "layout": layout.text,
            "counts": counts,
            "other": other,
            "learners": summary["learners"],
            "passed": summary["passed"],
            "score_sum": summary["score_sum"],
            "attempts": summary["attempts"],
        }
    ).decode()


def update_summary(summary, previous, current):
    """Count a learner's ``current`` record in ``summary`` in place of ``previous`` (None the first time).

    ``summary`` is the logical form, well formed and holding what ``previous`` counted (``load_summary``
    then ``_reserve`` make it so); it is this request's own: it is changed and returned. ``previous`` and
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


def _count_positions(data, previous, current, layout):
    """``update_summary`` straight on the parsed stored form ``data`` in ``layout`` (changed in place),
    by the positions each attempt counted (``Record.counted``, kept in the learner's record).

    An attempt counted by positions answered every question of its layout (a submit with an unanswered
    question is refused), so the "answered" counts move only with a learner's first attempt.

    Raises TypeError, ValueError or LookupError, possibly halfway, for anything it cannot count here
    (wrong types, a record counted in another layout or without positions, a position outside the list,
    a count that would go below zero): the caller then takes the general path. Counts it does not touch
    are not checked (reading cleans them).
    """
    counts, other = data["counts"], data.get("other")
    fingerprint, questions = layout.fingerprint, len(layout.answered)
    if (
        type(counts) is not list
        or len(counts) != layout.size
        or (other is not None and type(other) is not dict)
        or current.layout != fingerprint
        or len(current.results) != questions
    ):
        raise ValueError("not the stored form of this layout")
    data["attempts"] += 1
    if previous is None:
        data["learners"] += 1
        for position in layout.answered:
            counts[position] += 1
        old = ()
    else:
        if previous.layout != fingerprint or len(previous.results) != questions:
            raise LookupError("the previous attempt was counted in another layout, or not by positions")
        old = previous.counted
        data["passed"] -= previous.passed
        data["score_sum"] -= previous.kept or 0.0
    data["passed"] += current.passed
    data["score_sum"] = round(data["score_sum"] + (current.kept or 0.0), 9)
    new = current.counted
    if old == new:  # the same answers again (compared in C): no count moves
        return
    if old and min(old) < 0:  # a negative index would count from the end of the list
        raise ValueError("position below zero")
    for position in old:
        counts[position] -= 1
    if old and min(map(counts.__getitem__, old)) < 0:  # the summary lost what it counted
        raise ValueError("count below zero")
    for position in new:
        counts[position] += 1


def count_attempt(text, previous, current, layout):
    """The summary text after a learner's attempt, stored in ``layout`` (the content's).

    Stored data this block wrote for the same content is counted in place by the positions the records
    keep (``_count_positions``); anything else (no summary yet, another layout or the old form, unreadable
    text, a previous record counted in another layout or with wrong shapes, a summary that lost what the
    previous attempt counted) is read into the logical form, cleaned and counted there
    (``update_summary``), never a failure.
    """
    if text:
        try:
            data = orjson.loads(text)
            if data["layout"] == layout.text:
                _count_positions(data, previous, current, layout)
                return orjson.dumps(data).decode()
        except (TypeError, ValueError, LookupError, AttributeError):  # JSONDecodeError is a ValueError
            pass
    if previous is not None:
        previous = previous._replace(results=clean_results(previous.results))
    summary = _reserve(load_summary(text), previous)
    return dump_summary(update_summary(summary, previous, current), layout)


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
