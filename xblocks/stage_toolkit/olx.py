"""The toolkit's OLX: read, clean, check and write it back (lxml; no XBlock runtime needed).

    <stage_toolkit display_name="Planning stage toolkit" stage="planning" module_id="toolkit-planning">
      <overview>What the stage is for (simple HTML, sanitised).</overview>
      <step id="support-team" title="Build your regional support team" session="session-2" chapter="2"
            ref="session-2-video" start="5:12">Advice (simple HTML, sanitised).</step>
      <resource id="report" title="Sector partnership report" href="/static/report.pdf" kind="pdf"/>
      <checklist_item id="champion">A business champion has agreed to lead</checklist_item>
      <reflection id="scope" prompt="Which industry ...?" max_length="2000" required="true"/>
    </stage_toolkit>

The block keeps its attributes (``display_name``, ``stage``, ``module_id``) as fields and the children as
one text, the *body* (``body_from_node``): the same elements as XML, with the overview and step HTML
already sanitised. ``parse_body(body)`` turns a body into a ``Toolkit`` plus the problems found in it;
``problems(stage, body)`` adds the stage check. Problem messages name the element (``<step
id="support-team">: ...``). A ``step``'s ``chapter`` is 1-based and needs a ``session``; its optional
``ref`` (the ``module_id``/url_name of that session's chaptered video) and ``start`` (where to open it:
``H:MM:SS``, ``MM:SS`` or seconds; needs ``ref``) turn the "Watch: ..." line into a link; a reflection's
``max_length`` is 1..10000 characters (2000 when left out) and ``required`` is ``true`` or ``false``
(false when left out).
"""

import functools
import re
from dataclasses import dataclass

from lxml import etree
from lxml import html as lxml_html

from xblocks.common.timecode import TimecodeError, parse_time
from xblocks.stage_toolkit.sanitize import clean_html, resource_link_problem

STAGES = ("planning", "emerging", "sustaining")
ROOT_ATTRIBUTES = ("display_name", "stage", "module_id")
IGNORED_ROOT_ATTRIBUTES = ("url_name", "xblock-family")
MIN_MAX_LENGTH, MAX_MAX_LENGTH, DEFAULT_MAX_LENGTH = 1, 10000, 2000
RESOURCE_KINDS = ("pdf", "link", "video", "document", "spreadsheet", "slides", "page")

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_SESSION = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_ATTRIBUTES = {
    "overview": (),
    "step": ("id", "title", "session", "chapter", "ref", "start"),
    "resource": ("id", "title", "href", "kind"),
    "checklist_item": ("id",),
    "reflection": ("id", "prompt", "max_length", "required"),
}
_HTML_ELEMENTS = ("overview", "step")


def _parser():
    # No entity expansion, no network, no huge trees: OLX from an import is not trusted.
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    html: str
    session: str = ""
    chapter: int | None = None
    ref: str = ""  # the session video's module_id (url_name): the "Watch" line links there
    start: float | None = None  # seconds into that video where the link opens it


@dataclass(frozen=True)
class Resource:
    id: str
    title: str
    href: str
    kind: str = "link"


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    text: str


@dataclass(frozen=True)
class Reflection:
    id: str
    prompt: str
    max_length: int = DEFAULT_MAX_LENGTH
    required: bool = False

    @property
    def limit(self):
        """The length the handler enforces (``max_length`` kept inside 1..10000)."""
        return min(MAX_MAX_LENGTH, max(MIN_MAX_LENGTH, self.max_length))


@dataclass(frozen=True)
class Toolkit:
    """What a body holds, in authored order; ids are unique and safe (letters, digits, "-", "_")."""

    overview: str = ""
    steps: tuple = ()
    resources: tuple = ()
    items: tuple = ()
    reflections: tuple = ()

    @functools.cached_property
    def item_ids(self):
        return tuple(item.id for item in self.items)

    @functools.cached_property
    def reflection_ids(self):
        return tuple(r.id for r in self.reflections)

    @functools.cached_property
    def resources_by_id(self):
        return {r.id: r for r in self.resources}

    @functools.cached_property
    def reflections_by_id(self):
        return {r.id: r for r in self.reflections}

    @functools.cached_property
    def required_reflection_ids(self):
        return tuple(r.id for r in self.reflections if r.required)


@dataclass(frozen=True)
class Parsed:
    toolkit: Toolkit
    problems: tuple  # of str


class OlxError(ValueError):
    """OLX that cannot be read at all (not well-formed XML)."""


# --- reading ------------------------------------------------------------------------------------------


def label(element):
    """How messages name an element: ``<step id="support-team">`` or ``<overview>``."""
    tag = element.tag if isinstance(element.tag, str) else "?"
    ident = element.get("id")
    return f'<{tag} id="{ident}">' if ident is not None else f"<{tag}>"


def inner_html(element):
    """The element's content (text and child elements) as an HTML fragment."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str):
            parts.append(etree.tostring(child, encoding="unicode", method="html", with_tail=False))
        parts.append(child.tail or "")
    return "".join(parts)


def _set_inner_html(element, html_text):
    """Replace the element's content with ``html_text`` (already clean HTML), written as XML."""
    for child in list(element):
        element.remove(child)
    element.text = None
    if not html_text:
        return
    wrapper = lxml_html.fragment_fromstring(html_text, create_parent="div")
    xml_text = etree.tostring(wrapper, encoding="unicode", method="xml")
    parsed = etree.fromstring(xml_text, _parser())
    element.text = parsed.text
    for child in parsed:
        element.append(child)


def clean_children(root):
    """Sanitise the HTML of every overview and step of ``root`` in place; returns ``root``."""
    for element in root:
        if isinstance(element.tag, str) and element.tag in _HTML_ELEMENTS:
            _set_inner_html(element, clean_html(inner_html(element)))
    return root


def body_from_node(node):
    """The body text for an OLX ``<stage_toolkit>`` element: its children, HTML sanitised."""
    root = etree.Element("body")
    for child in node:
        if isinstance(child.tag, str):
            copy = etree.fromstring(etree.tostring(child, with_tail=False), _parser())
            root.append(copy)
    clean_children(root)
    return serialize_children(root)


def serialize_children(root):
    """Each child element on its own line (the body's stored form)."""
    lines = []
    for child in root:
        if isinstance(child.tag, str):
            child.tail = None
            lines.append(etree.tostring(child, encoding="unicode"))
    return "\n".join(lines)


def root_attributes(node):
    """The block's attributes from a ``<stage_toolkit>`` element (``url_name``/``xblock-family`` ignored)."""
    return {name: node.get(name) for name in ROOT_ATTRIBUTES if node.get(name) is not None}


def body_root(body):
    """The body parsed under a ``<body>`` element; OlxError when it is not well-formed XML."""
    try:
        return etree.fromstring(f"<body>{body or ''}</body>", _parser())
    except etree.XMLSyntaxError as err:
        line, column = err.position if err.position else (0, 0)
        raise OlxError(f"the content is not well-formed XML (line {line}, column {column}): {err.msg}")


def clean_body(body):
    """``body`` re-read and sanitised (what Studio saves); OlxError when it is not well-formed."""
    return serialize_children(clean_children(body_root(body)))


def _text(element):
    return " ".join("".join(element.itertext()).split())


def _read_step(element, problems):
    chapter = element.get("chapter")
    number = None
    if chapter is not None:
        if re.fullmatch(r"\s*\d{1,4}\s*", chapter) and int(chapter) >= 1:
            number = int(chapter)
        else:
            problems.append(f'{label(element)}: chapter "{chapter}" must be a whole number, 1 or more')
        if not element.get("session"):
            problems.append(f'{label(element)}: a chapter needs a session (session="session-2")')
    session = element.get("session") or ""
    if session and not _SESSION.match(session):
        problems.append(f'{label(element)}: session "{session}" is not a session id (e.g. session-2)')
    ref, start = _read_watch_link(element, session, problems)
    if not (element.get("title") or "").strip():
        problems.append(f"{label(element)}: the title is empty")
    return Step(
        id=element.get("id") or "",
        title=(element.get("title") or "").strip(),
        html=clean_html(inner_html(element)),
        session=session,
        chapter=number,
        ref=ref,
        start=start,
    )


def _read_watch_link(element, session, problems):
    """A step's ``ref`` and ``start`` (the video and second its "Watch" line opens), or ("", None)."""
    ref = element.get("ref")
    raw_start = element.get("start")
    start = None
    if raw_start is not None:
        try:
            start = parse_time(raw_start)
        except TimecodeError as err:
            problems.append(f"{label(element)}: start: {err}")
        if ref is None:
            problems.append(f'{label(element)}: a start needs a ref (ref="session-2-video")')
    if ref is None:
        return "", None
    if not _ID.match(ref):
        problems.append(
            f'{label(element)}: ref "{ref}" must be the module id of a video: 1-64 letters, digits, '
            "'-' or '_'"
        )
        return "", None
    if not session:
        problems.append(f'{label(element)}: a ref needs a session (session="session-2")')
    return ref, start


def _read_resource(element, problems):
    href = element.get("href") or ""
    why = resource_link_problem(href)
    if why:
        problems.append(f'{label(element)}: the link "{href}" is refused: {why}')
    if not (element.get("title") or "").strip():
        problems.append(f"{label(element)}: the title is empty")
    kind = element.get("kind") or "link"
    if kind not in RESOURCE_KINDS:
        problems.append(f'{label(element)}: kind "{kind}" is not one of {", ".join(RESOURCE_KINDS)}')
    return Resource(
        id=element.get("id") or "", title=(element.get("title") or "").strip(), href=href, kind=kind
    )


def _read_item(element, problems):
    text = _text(element)
    if not text:
        problems.append(f"{label(element)}: the item has no text")
    return ChecklistItem(id=element.get("id") or "", text=text)


def _read_reflection(element, problems):
    raw = element.get("max_length")
    max_length = DEFAULT_MAX_LENGTH
    if raw is not None:
        if re.fullmatch(r"\s*-?\d{1,9}\s*", raw):
            max_length = int(raw)
            if not MIN_MAX_LENGTH <= max_length <= MAX_MAX_LENGTH:
                problems.append(
                    f"{label(element)}: max_length {max_length} is out of range "
                    f"({MIN_MAX_LENGTH}..{MAX_MAX_LENGTH} characters)"
                )
        else:
            problems.append(f'{label(element)}: max_length "{raw}" must be a whole number of characters')
    required_raw = (element.get("required") or "false").strip().lower()
    if required_raw not in ("true", "false"):
        problems.append(f'{label(element)}: required "{element.get("required")}" must be true or false')
    if not (element.get("prompt") or "").strip():
        problems.append(f"{label(element)}: the prompt is empty")
    return Reflection(
        id=element.get("id") or "",
        prompt=(element.get("prompt") or "").strip(),
        max_length=max_length,
        required=required_raw == "true",
    )


_READERS = {
    "step": ("steps", _read_step),
    "resource": ("resources", _read_resource),
    "checklist_item": ("items", _read_item),
    "reflection": ("reflections", _read_reflection),
}


def read_body(root):
    """``Parsed`` for a body element: the toolkit and every problem, each naming its element."""
    problems = []
    found = {"steps": [], "resources": [], "items": [], "reflections": []}
    overviews = []
    seen_ids = {}
    for element in root:
        if not isinstance(element.tag, str):
            continue
        tag = element.tag
        if tag not in _ATTRIBUTES:
            problems.append(
                f"<{tag}>: unknown element (a toolkit holds overview, step, resource, checklist_item, "
                "reflection)"
            )
            continue
        for name in element.keys():
            if name not in _ATTRIBUTES[tag]:
                problems.append(f'{label(element)}: unknown attribute "{name}"')
        if tag == "overview":
            overviews.append(clean_html(inner_html(element)))
            continue
        # An element without a usable id is reported and left out: handlers and pages address by id.
        ident = element.get("id")
        if ident is None or not ident.strip():
            problems.append(f"<{tag}>: the id is missing")
            continue
        if not _ID.match(ident):
            problems.append(
                f"{label(element)}: the id must be 1-64 letters, digits, '-' or '_', starting with a letter "
                "or digit"
            )
            continue
        if ident in seen_ids:
            problems.append(f'{label(element)}: duplicate id "{ident}" (already used by <{seen_ids[ident]}>)')
            continue
        seen_ids[ident] = tag
        key, reader = _READERS[tag]
        found[key].append(reader(element, problems))
    if len(overviews) > 1:
        problems.append("<overview>: there is more than one overview; keep one")
    if not found["items"]:
        problems.append("<checklist_item>: the checklist is empty: add at least one checklist_item")
    toolkit = Toolkit(
        overview=overviews[0] if overviews else "",
        steps=tuple(found["steps"]),
        resources=tuple(found["resources"]),
        items=tuple(found["items"]),
        reflections=tuple(found["reflections"]),
    )
    return Parsed(toolkit, tuple(problems))


@functools.lru_cache(maxsize=256)
def parse_body(body):
    """``Parsed`` for a stored body. Cached by the body text (content, never learner state; immutable)."""
    try:
        root = body_root(body)
    except OlxError as err:
        return Parsed(Toolkit(), (str(err),))
    return read_body(root)


def stage_problem(stage):
    """Why ``stage`` is not a stage, or None."""
    if stage in STAGES:
        return None
    return f'<stage_toolkit stage="{stage}">: unknown stage: use one of {", ".join(STAGES)}'


def problems(stage, body):
    """Every problem of a toolkit with this stage and body, as messages naming the element."""
    found = [stage_problem(stage)] if stage_problem(stage) else []
    return found + list(parse_body(body).problems)


# --- writing ------------------------------------------------------------------------------------------


def write_node(node, attributes, body):
    """Fill an OLX ``<stage_toolkit>`` element: the attributes given (None/"" left out) and the body."""
    for name in ROOT_ATTRIBUTES:
        value = attributes.get(name)
        if value not in (None, ""):
            node.set(name, str(value))
    try:
        root = body_root(body)
    except OlxError:
        return node
    children = [child for child in root if isinstance(child.tag, str)]
    if children:
        node.text = "\n  "
    for i, child in enumerate(children):
        child.tail = "\n  " if i + 1 < len(children) else "\n"
        node.append(child)
    return node


def to_string(attributes, body, tag="stage_toolkit"):
    """The whole OLX element as text."""
    return etree.tostring(write_node(etree.Element(tag), attributes, body), encoding="unicode")
