"""The chaptered_video XBlock: chapters, resume, transcripts, and completion the server can trust."""

from xblocks.chaptered_video.block import ChapteredVideoBlock

__all__ = ["ChapteredVideoBlock"]
