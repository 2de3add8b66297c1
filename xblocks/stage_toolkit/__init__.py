"""The stage_toolkit XBlock: the planning, emerging and sustaining stages as checklists to work through."""

from xblocks.stage_toolkit.block import StageToolkitBlock

__all__ = ["StageToolkitBlock"]
