"""The facilitator_progress XBlock: progress for facilitators, completion tracking for staff.

The block class loads on first use (PEP 562), so the ``report`` command, which lives in this package too,
starts without importing XBlock.
"""

__all__ = ["FacilitatorProgressBlock"]


def __getattr__(name):
    if name == "FacilitatorProgressBlock":
        from xblocks.facilitator_progress.block import FacilitatorProgressBlock

        return FacilitatorProgressBlock
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
