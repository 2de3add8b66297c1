"""JSON handlers with the input rules every block shares.

``json_api`` wraps ``XBlock.handler``: POST only (405), a body of at most 64 KiB, strict JSON (no NaN or
Infinity), a JSON object at the top; the handler gets the parsed dict and returns a dict (encoded with
orjson) or JSON text it built itself (str or bytes, for hot handlers that assemble cached pieces). Any
``BadRequest`` (or ``JsonHandlerError``) becomes a JSON error answer with its status, and nothing the
handler had not yet saved is kept: handlers validate first, then change fields.
"""

import functools
import json
import math

import orjson
from webob import Response
from xblock.core import XBlock
from xblock.exceptions import JsonHandlerError

MAX_BODY_BYTES = 64 * 1024


class BadRequest(JsonHandlerError):
    """Bad input: answered with ``status`` (400 unless said) and ``{"error": message}``."""

    def __init__(self, message, status=400, **details):
        super().__init__(status, message)
        self.details = details


class Forbidden(BadRequest):
    """The user may not call this handler (403); the answer says nothing else."""

    def __init__(self, message="You are not allowed to do this."):
        super().__init__(message, status=403)


def _reject_constant(name):
    raise ValueError(f"{name} is not allowed in JSON")


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def parse_json_body(body):
    """The request body as a dict, or BadRequest saying what was wrong with it."""
    if len(body) > MAX_BODY_BYTES:
        raise BadRequest(f"The request is too large ({len(body)} bytes; at most {MAX_BODY_BYTES}).")
    try:
        data = orjson.loads(body)  # strict JSON: NaN and Infinity are refused, as the stdlib below says
    except orjson.JSONDecodeError as strict_error:
        # Only bad bodies come here: the standard decoder words most problems (UTF-8, NaN, where)
        # better; what it would let through (1e999 as infinity, lone surrogates) stays refused.
        try:
            _DECODER.decode(body.decode("utf-8"))
        except UnicodeDecodeError:
            raise BadRequest("The request body is not UTF-8 text.")
        except ValueError as err:
            raise BadRequest(f"The request body is not valid JSON: {err}.")
        raise BadRequest(f"The request body is not valid JSON: {strict_error}.")
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object.")
    return data


def json_response(data, status=200):
    """A webob JSON response from a dict/list (orjson: NaN goes out as null, never NaN) or JSON text."""
    if isinstance(data, bytes):
        body = data
    elif isinstance(data, str):
        body = data.encode("utf-8")
    else:
        body = orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)
    return Response(body=body, status=status, content_type="application/json", charset="utf-8")


def error_response(status, message, **details):
    """The JSON answer for a refused request."""
    return json_response({"error": message, **details}, status=status)


def json_api(func):
    """Turn ``func(self, data, suffix)`` into an XBlock JSON handler with the shared input rules."""

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
        return json_response(result)

    return wrapper


# --- small validators handlers use on the parsed body -------------------------------------------


def require(data, key, kind, where=None):
    """``data[key]`` if it is of type ``kind`` (a type or tuple), else BadRequest naming the key."""
    if key not in data:
        raise BadRequest(f'"{key}" is missing{_where(where)}.')
    value = data[key]
    if isinstance(value, bool) and kind is not bool and bool not in _as_tuple(kind):
        raise BadRequest(f'"{key}" must be {_kind_name(kind)}, not true/false{_where(where)}.')
    if not isinstance(value, kind):
        raise BadRequest(f'"{key}" must be {_kind_name(kind)}{_where(where)}.')
    return value


def finite_number(value, what):
    """``value`` as a float if it is a finite JSON number (not a bool), else BadRequest."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadRequest(f"{what} must be a number.")
    number = float(value)
    if not math.isfinite(number):
        raise BadRequest(f"{what} must be a finite number.")
    return number


def _as_tuple(kind):
    return kind if isinstance(kind, tuple) else (kind,)


def _kind_name(kind):
    names = {
        str: "a string",
        bool: "true or false",
        int: "a whole number",
        float: "a number",
        list: "a list",
        dict: "an object",
    }
    return " or ".join(names.get(k, k.__name__) for k in _as_tuple(kind))


def _where(where):
    return f" in {where}" if where else ""
