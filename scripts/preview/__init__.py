"""The live preview: the XBlock SDK workbench carrying this project's blocks.

What it adds to the stock workbench (all in this package):
- ``users.PreviewUserService``: ``?student=NAME`` picks the learner; names beginning ``staff`` are staff.
- ``tracking``: events the blocks publish are written to ``var/tracking.log`` as the LMS logs them.
- ``media``: ``/static/...`` served from the built course and the media folder, with byte ranges so
  the video player can seek.
- ``scenarios``: extra pages (the whole course) next to each block's ``workbench_scenarios``.
"""

default_app_config = "scripts.preview.apps.PreviewConfig"
