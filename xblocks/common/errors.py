"""The error every command-line tool of the project raises for a problem the user can fix.

It sits at the bottom of the package (imports nothing) so that ``course``, ``media_manifest``, the report and
``scripts.cli`` can all raise and catch the same class without importing upward from ``scripts/``.
"""


class CommandError(Exception):
    """A problem the user can fix; printed as ``error: message`` with exit code 1 (or ``code``)."""

    def __init__(self, message, code=1):
        super().__init__(message)
        self.code = code
