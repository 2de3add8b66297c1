"""HTML that authors may put in a toolkit's overview and steps, cleaned with nh3; resource links checked.

``clean_html(text)`` keeps a short allow-list of tags (paragraphs, emphasis, lists, links, small headings),
drops every attribute except ``href``/``title`` on links, drops ``<script>``/``<style>`` with their content,
refuses ``javascript:``, ``data:`` and every other scheme except https, http and mailto, and repairs broken
markup (unclosed tags are closed, stray end tags dropped). The block applies it when OLX is parsed and
again when a page is rendered, so stored content that slipped past the first pass is still cleaned.

``resource_link_problem(href)`` says why a resource link is refused (None when it is fine): a resource is a
file of the course's static folder (``/static/...``) or an absolute ``https://`` address.
"""

import re
from urllib.parse import urlsplit

import nh3

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "h3", "h4", "blockquote", "code"}
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_SCHEMES = frozenset({"https", "http", "mailto"})
DROPPED_WITH_CONTENT = frozenset({"script", "style"})

_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(DROPPED_WITH_CONTENT),
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(ALLOWED_SCHEMES),
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def clean_html(text):
    """``text`` (an HTML fragment) with only the allowed tags and safe links; never raises on bad markup."""
    if not text:
        return ""
    return _CLEANER.clean(str(text)).strip()


def plain_text(text):
    """``text`` with every tag removed (for attributes such as titles and prompts)."""
    if not text:
        return ""
    return nh3.clean(str(text), tags=set(), clean_content_tags=set(DROPPED_WITH_CONTENT)).strip()


_CONTROL = re.compile(r"[\x00-\x20\x7f\\]")
_STATIC_PATH = re.compile(r"^/static/[A-Za-z0-9._~!$&'()*+,;=:@%/-]+$")


def resource_link_problem(href):
    """Why ``href`` cannot be a resource link, or None: ``/static/<file>`` or ``https://<host>/...`` only."""
    href = href if isinstance(href, str) else ""
    if not href.strip():
        return "the link is empty"
    if _CONTROL.search(href):
        return "the link holds spaces, control characters or backslashes"
    if href.startswith("/static/"):
        if not _STATIC_PATH.match(href) or any(part in ("", ".", "..") for part in href[8:].split("/")):
            return "the /static/ path is not a plain file path (no '..', no empty parts)"
        return None
    try:
        parts = urlsplit(href)
    except ValueError:
        return "the link is not a valid address"
    if parts.scheme.lower() == "https" and parts.netloc and not parts.username and not parts.password:
        return None
    return "a resource must be a /static/... file of the course or an absolute https:// address"


def safe_resource_link(href):
    """``href`` if it is an allowed resource link, else None (the page shows the title, no link)."""
    return href if resource_link_problem(href) is None else None
