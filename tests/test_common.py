"""Shared helpers: time codes, chapter rules, JSON handler input rules, safe init args."""

import json
import math

import pytest
import webob
from xblock.core import XBlock
from xblock.fields import Scope, String

from xblocks.common.chapters import Chapter, check_chapters
from xblocks.common.handlers import BadRequest, json_api, parse_json_body
from xblocks.common.rendering import script_safe
from xblocks.common.timecode import TimecodeError, format_time, format_vtt, parse_time


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("1:31:15", 5475), ("11:40", 700), ("700", 700), ("700.5", 700.5), (90, 90), (1.5, 1.5), ("0:00:00", 0)],
)
def test_parse_time(text, seconds):
    assert parse_time(text) == seconds


@pytest.mark.parametrize(
    "bad", ["", "abc", "1:99:00", "1:00:60", "-5", float("nan"), float("inf"), -1, True, None, [], "99999999"]
)
def test_parse_time_refuses(bad):
    with pytest.raises(TimecodeError):
        parse_time(bad)


def test_format_time():
    assert format_time(5475) == "1:31:15"
    assert format_time(2530, always_hours=False) == "42:10"
    assert format_vtt(3661.5) == "01:01:01.500"


def test_chapter_rules_name_the_chapter():
    chapters = [
        Chapter(0, "Welcome"),
        Chapter(20, "Too short"),
        Chapter(25, "Next"),
        Chapter(3, "Backwards"),
        Chapter(100, " "),
    ]
    messages = [p.message for p in check_chapters(chapters, 60)]
    assert any('chapter 2 "Too short"' in m and "10 s" in m for m in messages)
    assert any('chapter 4 "Backwards"' in m and "increase" in m for m in messages)
    assert any("chapter 5: the title is empty" in m for m in messages)
    assert any("chapter 5" in m and "past the end" in m for m in messages)
    assert check_chapters([Chapter(0, "A"), Chapter(30, "B")], 60) == []
    assert check_chapters([], 60)[0].index is None


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"not json", "not valid JSON"),
        (b"[1, 2]", "JSON object"),
        (b'{"a": NaN}', "NaN"),
        (b'{"a": Infinity}', "Infinity"),
        (b"\xff\xfe", "UTF-8"),
        (b'{"a": "' + b"x" * 70000 + b'"}', "too large"),
    ],
)
def test_parse_json_body_refuses(body, fragment):
    with pytest.raises(BadRequest) as err:
        parse_json_body(body)
    assert fragment in err.value.message
    assert err.value.status_code == 400


class EchoBlock(XBlock):
    note = String(default="", scope=Scope.user_state, help="what was last echoed")

    @json_api
    def echo(self, data, suffix=""):
        if not isinstance(data.get("note"), str):
            raise BadRequest('"note" must be a string.')
        self.note = data["note"]
        return {"note": self.note}


def _call(harness, block, method="POST", body=b"{}"):
    request = webob.Request.blank("/", method=method, body=body)
    response = block.runtime.handle(block, "echo", request)
    return response.status_code, json.loads(response.body)


def _echo_block(harness):
    from xblock.fields import ScopeIds

    runtime = harness.runtime("ana")
    def_id = harness.id_manager.create_definition("echo")
    usage_id = harness.id_manager.create_usage(def_id)
    return runtime.construct_xblock_from_class(EchoBlock, ScopeIds("ana", "echo", def_id, usage_id))


def test_json_api_answers_and_refuses(harness):
    block = _echo_block(harness)
    assert _call(harness, block, body=b'{"note": "hi"}') == (200, {"note": "hi"})
    assert _call(harness, block, method="GET")[0] == 405
    status, body = _call(harness, block, body=b'{"note": 5}')
    assert status == 400 and "string" in body["error"]
    assert block.note == "hi"
    status, body = _call(harness, block, body=b'{"note": NaN}')
    assert status == 400


def test_script_safe_keeps_script_closers_out():
    args = {"title": "</script><script>alert(1)</script>", "n": [1, "a</b"], "x": math.pi}
    text = json.dumps(script_safe(args))
    assert "</" not in text
    assert script_safe({"plain": "no tags"}) == {"plain": "no tags"}


@pytest.mark.parametrize("body", [b'{"a": 1e999}', b'{"a": "\\ud800"}', b'{"a": -Infinity}'])
def test_parse_json_body_refuses_what_is_not_strict_json(body):
    with pytest.raises(BadRequest) as err:
        parse_json_body(body)
    assert "not valid JSON" in err.value.message


def test_fast_string_cleans_as_string_does_in_every_scope():
    from xblock.fields import Scope, String

    from xblocks.common.fields import FastString

    samples = ["plain", "tab\tand\nnewline", "a\x00b\x1fc\x0b", "é\x01", "’curly’ \x0b quotes", ""]
    for scope in (Scope.content, Scope.settings, Scope.user_state):
        field = FastString(scope=scope)
        for text in samples:
            assert field._sanitize(text) == String()._sanitize(text)
    text = "0:00 Intro\n"
    assert FastString()._sanitize(text) is text
