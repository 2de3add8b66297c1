"""Completion and journey rules of the stage toolkit (no runtime)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xblocks.stage_toolkit.progress import (
    WAITING_FOR_REFLECTION,
    checked_in_order,
    completion,
    journey,
    reflections_written,
    stage_position,
    written,
)

ITEMS = ["a", "b", "c", "d"]


@pytest.mark.parametrize(
    ("checked", "texts", "expected"),
    [
        ([], {}, 0.0),
        (["a"], {}, 0.25),
        (["a", "c"], {"r": "text"}, 0.5),
        (["a", "b", "c"], {}, 0.75),
        (["a", "b", "c", "d"], {}, WAITING_FOR_REFLECTION),
        (["a", "b", "c", "d"], {"r": "   \n\t"}, WAITING_FOR_REFLECTION),
        (["a", "b", "c", "d"], {"r": "Manufacturing, because..."}, 1.0),
        (["d", "c", "b", "a"], {"r": "order does not matter"}, 1.0),
        (["a", "a", "a", "a"], {"r": "duplicates count once"}, 0.25),
        (["a", "zzz", "b"], {}, 0.5),
        (["a", "b", "c", "d"], {"r": 42}, WAITING_FOR_REFLECTION),
    ],
)
def test_completion_rules(checked, texts, expected):
    assert completion(ITEMS, checked, ["r"], texts) == pytest.approx(expected)


def test_optional_reflections_do_not_hold_completion_back():
    assert completion(ITEMS, ITEMS, [], {}) == 1.0
    assert completion(ITEMS, ITEMS, ["r1", "r2"], {"r1": "x"}) == WAITING_FOR_REFLECTION
    assert completion(ITEMS, ITEMS, ["r1", "r2"], {"r1": "x", "r2": "y"}) == 1.0


def test_toolkit_without_items():
    assert completion([], [], [], {}) == 1.0
    assert completion([], [], ["r"], {}) == 0.0
    assert completion([], [], ["r"], {"r": "done"}) == 1.0


def test_a_single_item_waits_for_the_reflection():
    assert completion(["only"], ["only"], ["r"], {}) == WAITING_FOR_REFLECTION
    assert completion(["only"], ["only"], ["r"], {"r": "done"}) == 1.0


@given(
    checked=st.lists(st.sampled_from(ITEMS + ["x", ""]), max_size=10),
    text=st.one_of(st.none(), st.text(max_size=5)),
)
def test_completion_stays_in_range_and_is_one_only_when_all_done(checked, text):
    texts = {} if text is None else {"r": text}
    value = completion(ITEMS, checked, ["r"], texts)
    assert 0.0 <= value <= 1.0
    all_done = set(ITEMS) <= set(checked) and written(text)
    assert (value == 1.0) == all_done


def test_helpers():
    assert checked_in_order(ITEMS, {"d", "a", "nope"}) == ["a", "d"]
    assert checked_in_order(ITEMS, None) == []
    assert reflections_written(["r", "s", "t"], {"r": "x", "s": " ", "t": None}) == 1
    assert not written("") and not written("  ") and not written(None) and written(" x ")


def test_journey_positions():
    assert [stage_position(s) for s in ("planning", "emerging", "sustaining", "launching", None)] == [
        1,
        2,
        3,
        None,
        None,
    ]
    steps = journey("emerging")
    assert [s["stage"] for s in steps] == ["planning", "emerging", "sustaining"]
    assert [s["current"] for s in steps] == [False, True, False]
    assert [s["before"] for s in steps] == [True, False, False]
    assert [s["position"] for s in steps] == [1, 2, 3]
    assert not any(s["current"] or s["before"] for s in journey("unknown"))
    assert [s["before"] for s in journey("sustaining")] == [True, True, False]
