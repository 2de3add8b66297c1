"""``json_text_api``: ``common.handlers.json_api`` for a handler that writes its own JSON answer text.

The input rules are the shared ones, by the shared code (POST only, 64 KiB, strict JSON object, a
``BadRequest`` becomes ``{"error": ...}`` with its status); only the answer differs: the handler returns
JSON text it built (the progress report answers ~12 chapters on every call, and ``json.dumps`` of that
dict cost more than the rest of the report's logic).
"""

import functools

from webob import Response
from xblock.core import XBlock
from xblock.exceptions import JsonHandlerError

from xblocks.common.handlers import error_response, parse_json_body


def json_text_api(func):
    """Turn ``func(self, data, suffix) -> str`` (JSON text) into an XBlock JSON handler."""

    @XBlock.handler
    @functools.wraps(func)
    def wrapper(self, request, suffix=""):
        if request.method != "POST":
            return error_response(405, "Use POST for this handler.")
        try:
            data = parse_json_body(request.body)
            text = func(self, data, suffix)
        except JsonHandlerError as err:  # BadRequest included, with its details
            return error_response(err.status_code, err.message, **getattr(err, "details", {}))
        return Response(
            body=text.encode("utf-8"), status=200, content_type="application/json", charset="utf-8"
        )

    return wrapper
