"""The facilitator_progress XBlock: progress for facilitators, completion tracking for staff."""

from xblocks.facilitator_progress.block import FacilitatorProgressBlock

__all__ = ["FacilitatorProgressBlock"]
