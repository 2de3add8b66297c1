"""HTML bodies of the course (the files under ``bodies/``): parse, find their links, serialise.

Bodies are HTML fragments the author writes. ``parse_body(text)`` gives the elements (lxml, HTML parser,
so any HTML an author writes is read as a browser would); ``links(root, text, path)`` lists every
``/static/...`` and ``/jump_to_id/...`` link with its place in the file; ``to_xhtml(text)`` gives the same
fragment as well-formed XML for the preview scenario.
"""

import re
from dataclasses import dataclass

from lxml import etree, html

LINK_ATTRIBUTES = ("href", "src", "poster", "data")
STATIC_PREFIX = "/static/"
JUMP_PREFIX = "/jump_to_id/"


@dataclass(frozen=True)
class Link:
    """A link in a body: ``kind`` is "static" or "jump", ``target`` the file name or id after the prefix."""

    kind: str
    target: str
    line: int
    column: int


def fragment_elements(text):
    """An HTML fragment parsed under one wrapping <div> (its text and children are the fragment)."""
    wrapper = html.fragment_fromstring(text or "", create_parent="div")
    return wrapper


def links(text):
    """Every ``/static/`` and ``/jump_to_id/`` link of the body ``text``, with 1-based line and column."""
    found = []
    if not text.strip():
        return found
    lines = text.splitlines()
    wrapper = fragment_elements(text)
    for element in wrapper.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in LINK_ATTRIBUTES:
            value = element.get(attribute)
            if not value:
                continue
            kind = None
            if value.startswith(STATIC_PREFIX):
                kind, target = "static", value[len(STATIC_PREFIX) :]
            elif value.startswith(JUMP_PREFIX):
                kind, target = "jump", value[len(JUMP_PREFIX) :].split("#", 1)[0].rstrip("/")
            if kind is None:
                continue
            line = element.sourceline or 1
            found.append(Link(kind, target.split("?", 1)[0], line, _column(lines, line, value)))
    return found


def _column(lines, line, value):
    if 0 < line <= len(lines):
        index = lines[line - 1].find(value)
        if index >= 0:
            return index + 1
    return 1


_JUMP = re.compile(r"^/jump_to_id/([a-z0-9-]+)/?$")


def to_xhtml(text, jump=None):
    """The fragment as well-formed XHTML (a string of elements); ``jump(id)`` rewrites jump_to_id links."""
    wrapper = fragment_elements(text)
    for element in wrapper.iter():
        if not isinstance(element.tag, str):
            continue
        href = element.get("href")
        if jump and href:
            match = _JUMP.match(href)
            if match:
                element.set("href", jump(match.group(1)))
    parts = [_escape_text(wrapper.text or "")]
    for child in wrapper:
        parts.append(etree.tostring(child, encoding="unicode", method="xml"))
    return "".join(parts)


def _escape_text(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
