"""Stage toolkit: ``toggle_item`` against the platform floor on the same in-memory runtime.

The floor (``common.floor_call``) reads and writes one user_state field as large as the toolkit's
learner state and publishes one event. ``toggle_item`` alternates one item on and off for a learner
who has already ticked two items and written a reflection, so each call changes state, moves a staff
counter and publishes ``edx.stage_toolkit.item_checked``. Target: at most 1.5x the floor.
"""

import json

import webob

from scripts.benchmarks import Row
from scripts.benchmarks.common import best_of, floor_call

TARGET_RATIO = 1.5
USER = "bench-learner"


def _toolkit_call(harness):
    from xblocks.stage_toolkit.scenarios import PLANNING_TOOLKIT

    usage = harness.parse(PLANNING_TOOLKIT)
    for payload, handler in (
        ({"item": "team-agreed", "checked": True}, "toggle_item"),
        ({"item": "industry", "checked": True}, "toggle_item"),
        ({"reflection": "industry-scope", "text": "Advanced manufacturing. " * 20}, "save_reflection"),
    ):
        status, answer = harness.call_handler(usage, handler, payload, user=USER)
        if status != 200:
            raise RuntimeError(f"{handler} answered {status}: {answer}")
    # The measured instance starts clean, as each request's instance does (and as the floor's does).
    block = harness.block(usage, USER)
    runtime = block.runtime
    state_size = len(
        json.dumps(
            {
                "checked_items": block.checked_items,
                "reflection_texts": block.reflection_texts,
                "resource_opens": block.resource_opens,
                "counted": block.counted,
                "completion_published": block.completion_published,
            }
        )
    )
    bodies = [json.dumps({"item": "region", "checked": flag}).encode() for flag in (True, False)]
    turn = [0]

    def call():
        turn[0] ^= 1
        request = webob.Request.blank("/", method="POST", body=bodies[turn[0]])
        response = runtime.handle(block, "toggle_item", request)
        if response.status_code != 200:
            raise RuntimeError(f"toggle_item answered {response.status_code}: {response.body[:200]!r}")
        return response

    return call, state_size


def run(quick=False):
    from tests.runtime import Harness

    harness = Harness()
    toggle, state_size = _toolkit_call(harness)
    floor, _block = floor_call(harness, state_size, user=USER)
    rounds, number = (8, 100) if quick else (40, 100)
    toggle()
    floor()  # warm both (template caches, parsed body)
    # Interleaved rounds, best of each side: load on a shared machine hits both sides alike.
    floor_s = toggle_s = float("inf")
    for _ in range(rounds):
        floor_s = min(floor_s, best_of(floor, repeat=1, number=number))
        toggle_s = min(toggle_s, best_of(toggle, repeat=1, number=number))
    ratio = toggle_s / floor_s
    return [
        Row(
            "toolkit",
            "platform floor (JSON handler, same state size)",
            f"{floor_s * 1e6:.0f} µs",
            "reference",
            None,
        ),
        Row("toolkit", "toggle_item", f"{toggle_s * 1e6:.0f} µs", "reported", None),
        Row(
            "toolkit",
            f"toggle_item / floor ({state_size} B of state)",
            f"{ratio:.2f}x",
            f"≤ {TARGET_RATIO}x",
            ratio <= TARGET_RATIO,
        ),
    ]
