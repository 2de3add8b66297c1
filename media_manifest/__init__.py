"""The media manifest (the five recorded sessions) and the ffmpeg pipeline that prepares them for the web.

``load_manifest()`` is the entry point for the course build; ``media_manifest.cli`` adds
``facilitator-course media check | stand-ins | prepare | doctor``.
"""

from media_manifest.manifest import DEFAULT_MANIFEST, Manifest, ManifestError, Session, load_manifest

__all__ = ["DEFAULT_MANIFEST", "Manifest", "ManifestError", "Session", "load_manifest"]
