"""One learner's quiz record: everything the quiz keeps per learner, stored as one compact JSON text.

Stored form (the ``record`` field, ``user_state``)::

    {"attempts": 2, "kept": 0.75, "last": 0.5, "passed": false,
     "results": {"<question id>": [<correct>, <credit 0..1>, ["<choice id>", ...]], ...},
     "layout": "<fingerprint>", "counted": [0, 3, 5, ...]}

``kept`` is the score that counts (best or last), ``last`` the latest attempt's score, both 0..1 or null
before the first attempt; ``results`` is the latest attempt per question (right or not, the credit, the
choices picked in the author's order). ``counted`` is where the latest attempt was counted in the class
summary (positions in its flat list, ``stats.Layout.positions``) and ``layout`` the fingerprint of that
summary layout, so the next attempt can be counted in place of this one without reading ``results``
(``stats.count_attempt``). One field means one read and one write per submit, and one value
to check-and-increment, which is what keeps two tabs from using more attempts than allowed.

Reading is forgiving: an empty or unreadable text is "no attempt yet", wrong-typed parts fall back to
their defaults, so a view never fails on stored data.
"""

from typing import NamedTuple

import orjson


class Record(NamedTuple):
    """A learner's record (see the module docstring).

    ``results`` is the stored mapping as read (qid -> [correct, credit, chosen]); read an item through
    ``result(qid)``, which checks its shape.
    """

    attempts: int = 0
    kept: float | None = None
    last: float | None = None
    passed: bool = False
    results: dict = {}  # never changed in place: a Record is replaced, not edited
    layout: str = ""  # fingerprint of the summary layout ``counted`` refers to ("": none)
    counted: list | tuple = ()  # positions in the class summary this attempt added 1 to

    def result(self, question_id):
        """``(correct, credit, chosen)`` of the latest attempt at one question; None if none is stored."""
        return result_item(self.results.get(question_id))


EMPTY = Record()


def result_item(item):
    """A stored per-question result as ``(correct, credit, chosen)``, or None when it is not one."""
    if type(item) is not list or len(item) != 3:
        return None
    correct, credit, chosen = item
    if type(chosen) is not list or not all(type(c) is str for c in chosen):
        return None
    return correct is True, _score(credit) or 0.0, chosen


def clean_results(results):
    """Only the well-formed entries of stored ``results`` (qid -> [correct, credit, [choice ids]])."""
    cleaned = {}
    for qid, item in results.items():
        checked = result_item(item)
        if checked is not None:
            cleaned[qid] = list(checked)
    return cleaned


def _score(value):
    # orjson reads no NaN or Infinity, so any int or float is a finite score
    return float(value) if type(value) is float or type(value) is int else None


_TEXT = (str, bytes)


def load(text):
    """The Record stored as ``text`` (None, empty or unreadable: no attempt yet)."""
    if not text or not isinstance(text, _TEXT):
        return EMPTY
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError:
        return EMPTY
    if type(data) is not dict:
        return EMPTY
    attempts, results = data.get("attempts"), data.get("results")
    layout, counted = data.get("layout"), data.get("counted")
    if type(layout) is not str or type(counted) is not list:
        layout, counted = "", ()
    return Record(  # by position: attempts, kept, last, passed, results, layout, counted
        attempts if type(attempts) is int and attempts >= 0 else 0,
        _score(data.get("kept")),
        _score(data.get("last")),
        data.get("passed") is True,
        results if type(results) is dict else {},
        layout,
        counted,
    )


def dump(record):
    """The stored text of ``record`` (compact JSON; ``layout`` and ``counted`` only when it has them)."""
    data = {
        "attempts": record.attempts,
        "kept": record.kept,
        "last": record.last,
        "passed": record.passed,
        "results": record.results,
    }
    if record.layout:
        data["layout"], data["counted"] = record.layout, record.counted
    return orjson.dumps(data).decode()


def from_state(state):
    """The Record in a learner's stored state as reports get it (field name -> JSON value)."""
    return load(state.get("record")) if isinstance(state, dict) else EMPTY
