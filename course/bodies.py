"""Bodies of the course (the files under ``bodies/``): HTML or Markdown, read into one HTML form.

``read_body(text, name)`` gives a ``Body``: the HTML that goes into the course, every ``/static/...`` and
``/jump_to_id/...`` link and every quotation (``<blockquote>``/``<q>`` in HTML, ``>`` in Markdown), each
with its line and column in the source file, so validation can point at it.

HTML bodies (``.html``/``.htm``) are fragments the author writes; they go into the course as written (an
author is trusted as in Studio's HTML editor). Markdown bodies (``.md``) are rendered at build time with
markdown-it-py (CommonMark plus tables) with raw HTML switched off (``<script>`` stays text), its link
check (no ``javascript:``, ``vbscript:``, ``file:`` links), then cleaned by nh3 with an allow-list, so a
Markdown body can never carry markup of its own. ``to_xhtml(html)`` gives the same fragment as well-formed
XML for the preview scenario.
"""

import re
from dataclasses import dataclass, field
from functools import cache

import nh3
from lxml import etree, html

LINK_ATTRIBUTES = ("href", "src", "poster", "data")
STATIC_PREFIX = "/static/"
JUMP_PREFIX = "/jump_to_id/"
HTML_SUFFIXES = (".html", ".htm")
MARKDOWN_SUFFIXES = (".md",)
QUOTE_TAGS = ("blockquote", "q")

# What a rendered Markdown body may hold (nh3 drops everything else; the text of dropped tags stays).
MARKDOWN_TAGS = frozenset(
    {
        "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "em", "strong", "code", "pre", "blockquote",
        "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
MARKDOWN_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
}
MARKDOWN_SCHEMES = frozenset({"https", "http", "mailto"})


@dataclass(frozen=True)
class Link:
    """A link in a body: ``kind`` is "static" or "jump", ``target`` the file name or id after the prefix."""

    kind: str
    target: str
    line: int
    column: int


@dataclass(frozen=True)
class Quote:
    """A quotation in a body: its text (whitespace collapsed) and where it starts in the source file."""

    text: str
    line: int
    column: int


@dataclass
class Body:
    """A body as the course uses it: ``html`` (what is written into the course), its links and quotes."""

    html: str
    links: list = field(default_factory=list)
    quotes: list = field(default_factory=list)


class BodyError(ValueError):
    """A body that cannot be read (its kind is unknown)."""


def body_kind(name):
    """ "html" or "markdown" from the file name; BodyError for any other suffix."""
    lowered = str(name).lower()
    if lowered.endswith(HTML_SUFFIXES):
        return "html"
    if lowered.endswith(MARKDOWN_SUFFIXES):
        return "markdown"
    raise BodyError(f'the body file "{name}" must be HTML (.html) or Markdown (.md)')


def normalise(text):
    """``text`` with every run of whitespace as one space, trimmed (how quotes are compared)."""
    return " ".join(str(text).split())


_ELISION = re.compile(r"\s*(?:\[\s*(?:\u2026|\.\.\.)\s*\]|\u2026|\.\.\.)\s*")


def quote_pieces(quote):
    """The parts of a quotation around its elisions (``…``, ``...``, ``[…]``), empty parts dropped."""
    return [piece for piece in _ELISION.split(normalise(quote)) if piece]


def quoted_in(quote, text):
    """The first piece of ``quote`` not found in ``text`` in order (None when it is all there)."""
    position = 0
    for piece in quote_pieces(quote):
        found = text.find(piece, position)
        if found < 0:
            return piece
        position = found + len(piece)
    return None


def fragment_elements(text):
    """An HTML fragment parsed under one wrapping <div> (its text and children are the fragment)."""
    return html.fragment_fromstring(text or "", create_parent="div")


def read_body(text, name):
    """The ``Body`` of the file ``name`` (its suffix says HTML or Markdown) holding ``text``."""
    if body_kind(name) == "markdown":
        return _read_markdown(text)
    return Body(text, links(text), _html_quotes(text))


def links(text):
    """Every ``/static/`` and ``/jump_to_id/`` link of the HTML ``text``, with 1-based line and column."""
    lines = text.splitlines()
    return [
        Link(kind, target, line, _column(lines, line, value))
        for kind, target, value, line in _html_links(text)
    ]


def _html_links(text):
    """``(kind, target, raw value, line)`` per course link of the HTML ``text``, in document order."""
    found = []
    if not text.strip():
        return found
    for element in fragment_elements(text).iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in LINK_ATTRIBUTES:
            value = element.get(attribute)
            if not value:
                continue
            if value.startswith(STATIC_PREFIX):
                kind, target = "static", value[len(STATIC_PREFIX) :]
            elif value.startswith(JUMP_PREFIX):
                kind, target = "jump", value[len(JUMP_PREFIX) :].split("#", 1)[0].rstrip("/")
            else:
                continue
            found.append((kind, target.split("?", 1)[0].split("#", 1)[0], value, element.sourceline or 1))
    return found


def _quote_elements(text):
    if not text.strip():
        return []
    return [
        element
        for element in fragment_elements(text).iter()
        if isinstance(element.tag, str) and element.tag in QUOTE_TAGS
    ]


def _html_quotes(text):
    lines = text.splitlines()
    found = []
    for element in _quote_elements(text):
        line = element.sourceline or 1
        found.append(Quote(normalise(element.text_content()), line, _column(lines, line, f"<{element.tag}")))
    return found


@cache
def _markdown():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


@cache
def _cleaner():
    return nh3.Cleaner(
        tags=set(MARKDOWN_TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in MARKDOWN_ATTRIBUTES.items()},
        url_schemes=set(MARKDOWN_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )


def render_markdown(text):
    """Markdown ``text`` as a clean HTML fragment (no raw HTML, no unsafe links)."""
    return _cleaner().clean(_markdown().render(text or "")).strip() + "\n"


def _read_markdown(text):
    rendered = render_markdown(text)
    lines = text.splitlines()
    found, line_index, column_from = [], 0, 0
    for kind, target, value, _line in _html_links(rendered):
        # the links appear in the source in the same order: find each after the previous one
        for index in range(line_index, len(lines) + 1):
            start = column_from if index == line_index else 0
            at = lines[index].find(value, start) if index < len(lines) else -1
            if at >= 0:
                line_index, column_from = index, at + len(value)
                found.append(Link(kind, target, index + 1, at + 1))
                break
        else:
            found.append(Link(kind, target, 1, 1))
    starts = [token.map[0] for token in _markdown().parse(text or "") if token.type == "blockquote_open"]
    quotes = []
    for element, start in zip(_quote_elements(rendered), starts, strict=False):
        column = lines[start].find(">") + 1 if start < len(lines) else 1
        quotes.append(Quote(normalise(element.text_content()), start + 1, max(column, 1)))
    return Body(rendered, found, quotes)


def _column(lines, line, value):
    if 0 < line <= len(lines):
        index = lines[line - 1].find(value)
        if index >= 0:
            return index + 1
    return 1


_JUMP = re.compile(r"^/jump_to_id/([a-z0-9-]+)/?(?:#.*)?$")


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
