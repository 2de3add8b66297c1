"""Shared measuring tools: best-of timing, the platform-floor handler, peak memory."""

import json
import statistics
import time

from xblock.core import XBlock
from xblock.fields import Scope, String

from xblocks.common.handlers import json_api


def best_of(func, repeat=5, number=200):
    """Seconds per call: the best of ``repeat`` runs of ``number`` calls (noise only adds time)."""
    results = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            func()
        results.append((time.perf_counter() - start) / number)
    return min(results)


def median_of(func, repeat=5):
    """Median seconds of ``repeat`` single calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


class FloorBlock(XBlock):
    """The platform floor: a JSON handler that reads and writes one user_state field and publishes once."""

    blob = String(default="", scope=Scope.user_state, help="state of the size the real block keeps")

    @json_api
    def touch(self, data, suffix=""):
        self.blob = data.get("blob", self.blob)
        self.runtime.publish(self, "edx.floor.touched", {"size": len(self.blob)})
        return {"size": len(self.blob)}

    def student_view(self, context=None):
        from web_fragments.fragment import Fragment

        return Fragment("<div class='floor'><p>Bare fragment</p></div>")


def floor_call(harness, blob_size, user="learner"):
    """A callable that posts one floor request carrying ``blob_size`` bytes of state, and the block."""
    import webob
    from xblock.fields import ScopeIds

    runtime = harness.runtime(user)
    def_id = harness.id_manager.create_definition("floor_block")
    usage_id = harness.id_manager.create_usage(def_id)
    block = runtime.construct_xblock_from_class(FloorBlock, ScopeIds(user, "floor_block", def_id, usage_id))
    # Two values in turn: XBlock saves only changed fields, and the floor must really write each time.
    bodies = [json.dumps({"blob": fill * blob_size}).encode() for fill in "xy"]
    turn = [0]

    def call():
        turn[0] ^= 1
        request = webob.Request.blank("/", method="POST", body=bodies[turn[0]])
        return block.runtime.handle(block, "touch", request)

    return call, block
