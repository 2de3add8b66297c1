"""The quiz's JSON handler decorator: the shared input rules, with the answer encoded by orjson.

Same rules and helpers as ``xblocks.common.handlers.json_api`` (POST only, at most 64 KiB, strict JSON
object, ``BadRequest`` -> JSON error with nothing saved); only the success body is encoded with orjson,
which costs a tenth of ``json.dumps`` for a 20-question answer. The quiz's answers hold finite numbers
only (scores and credits come from finite weights), so nothing like NaN can be written.
"""

import functools

import orjson
from webob import Response
from xblock.core import XBlock
from xblock.exceptions import JsonHandlerError

from xblocks.common.handlers import BadRequest, error_response, parse_json_body


def quiz_json_api(func):
    """Turn ``func(self, data, suffix) -> dict`` into an XBlock JSON handler (see the module docstring)."""

    @XBlock.handler
    @functools.wraps(func)
    def wrapper(self, request, suffix=""):
        if request.method != "POST":
            return error_response(405, "Use POST for this handler.")
        try:
            data = parse_json_body(request.body)
            result = func(self, data, suffix)
        except BadRequest as err:
            return error_response(err.status_code, err.message, **err.details)
        except JsonHandlerError as err:
            return error_response(err.status_code, err.message)
        return Response(
            body=orjson.dumps(result), status=200, content_type="application/json", charset="utf-8"
        )

    return wrapper
