"""The checkpoint_quiz XBlock: graded, fair (per-learner order), with answers that stay on the server."""

from xblocks.checkpoint_quiz.block import CheckpointQuizBlock

__all__ = ["CheckpointQuizBlock"]
