"""The facilitator-course XBlocks: one subpackage per block, shared helpers in ``xblocks.common``."""
