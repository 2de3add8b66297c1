"""The live preview: the XBlock SDK workbench carrying this project's blocks.

What it adds to the stock workbench (all in this package):
- ``users.PreviewUserService``: ``?student=NAME`` picks the learner; names beginning ``staff`` are staff.
- ``tracking``: events the blocks publish are written to ``var/tracking.log`` as the LMS logs them.
- ``media``: ``/static/...`` served from the built course and the media folder, with byte ranges so
  the video player can seek.
- ``scenarios``: extra pages (the whole course) next to each block's ``workbench_scenarios``.
- ``completion`` (where edx-completion is installed, see ``openedx``): Open edX's completion loop as the
  LMS runs it: published ``completion`` into ``BlockCompletion``, the real ``completion`` service, and the
  platform's ``edx.completion.block_completion.changed`` lines in ``tracking.log``.
"""

default_app_config = "scripts.preview.apps.PreviewConfig"
