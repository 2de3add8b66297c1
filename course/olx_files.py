"""OLX files as data: safe XML parsing with located errors, and the canonical form of a course export.

``parse_xml(data, name)`` parses untrusted XML (no entities, no network, no huge trees); a syntax error is
an ``XmlError`` carrying ``name:line:column``. ``canonical_export(files)`` turns an export (relative path
-> bytes, paths under the top ``course/`` folder) into what two exports must agree on to be "equal OLX":

- every block reached from ``course.xml``, keyed ``tag/url_name``, whether Studio wrote it inline in its
  parent or as a pointer (``<tag url_name="x"/>`` + ``tag/x.xml``), as C14N XML of its own attributes and
  content, with child blocks reduced to ``<tag url_name="x"/>`` references (so a moved unit shows as a
  changed parent, not as a changed child); an html block's ``filename`` file is compared as its text;
- every JSON file (policies) as parsed JSON, and every other file not reached through a block as bytes.

Whitespace-only text between elements (pretty printing) and the final newline of a text file are not
content; ``xblock-family`` is an annotation exports add, not content.
"""

import json
import re
from dataclasses import dataclass

from lxml import etree

IGNORED_ATTRIBUTES = ("xblock-family",)


@dataclass
class XmlError(Exception):
    """Broken XML in a named file: ``path:line:column: message``."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self):
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


def _parser():
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def parse_xml(data, name):
    """The root element of ``data`` (bytes); XmlError naming ``name`` and the line when it is not XML."""
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as err:
        line, column = err.position if err.position else (1, 1)
        message = re.sub(r",? line \d+, column \d+$", "", (err.msg or str(err)).splitlines()[0])
        raise XmlError(name, line or 1, max(column, 1), f"broken XML: {message}") from None
    if root is None:
        raise XmlError(name, 1, 1, "broken XML: the file is empty")
    return root


def is_pointer(element, files, prefix=""):
    """True for ``<tag url_name="x"/>`` (no other attribute but ``xblock-family``, no content) with a
    file ``tag/x.xml`` in ``files``."""
    if len(element) or (element.text or "").strip():
        return False
    names = set(element.attrib) - set(IGNORED_ATTRIBUTES)
    return names == {"url_name"} and f"{prefix}{element.tag}/{element.get('url_name')}.xml" in files


def _strip_layout(element):
    """Remove whitespace-only text and tails (pretty printing), and comments, in place."""
    for node in list(element.iter()):
        if not isinstance(node.tag, str):
            parent = node.getparent()
            if parent is not None:
                if node.tail and node.tail.strip():
                    previous = node.getprevious()
                    if previous is not None:
                        previous.tail = (previous.tail or "") + node.tail
                    else:
                        parent.text = (parent.text or "") + node.tail
                parent.remove(node)
            continue
        if node.text is not None and not node.text.strip():
            node.text = None
        if node.tail is not None and not node.tail.strip():
            node.tail = None
    return element


def _c14n(element):
    return etree.tostring(element, method="c14n")


class _Walker:
    def __init__(self, files):
        self.files = files
        self.blocks = {}
        self.reached = set()

    def definition(self, element):
        """The defining element of a block (a pointer resolved to its file), a copy."""
        if is_pointer(element, self.files):
            path = f"{element.tag}/{element.get('url_name')}.xml"
            self.reached.add(path)
            found = parse_xml(self.files[path], path)
            found.set("url_name", element.get("url_name"))
            return found
        return etree.fromstring(etree.tostring(element))

    def block(self, element):
        node = self.definition(element)
        url_name = node.get("url_name", "")
        key = f"{node.tag}/{url_name}"
        children = []
        for child in list(node):
            if isinstance(child.tag, str) and child.get("url_name"):
                children.append(child)
                node.replace(child, etree.Element(child.tag, url_name=child.get("url_name")))
        for name in IGNORED_ATTRIBUTES:
            node.attrib.pop(name, None)
        node.attrib.pop("url_name", None)
        extra = b""
        if node.tag == "html" and node.get("filename"):
            path = f"html/{node.get('filename')}.html"
            if path in self.files:
                self.reached.add(path)
                extra = b"\n--html--\n" + self.files[path].rstrip(b"\n")
        self.blocks[key] = _c14n(_strip_layout(node)) + extra
        for child in children:
            self.block(child)


def canonical_export(files):
    """``{"blocks": {tag/url_name: bytes}, "json": {path: data}, "files": {path: bytes}}`` of an export."""
    walker = _Walker(files)
    top = parse_xml(files["course.xml"], "course.xml")
    walker.reached.add("course.xml")
    run = top.get("url_name")
    root = etree.Element("course", url_name=run)
    for name, value in top.attrib.items():
        if name != "url_name":
            root.set(name, value)  # org, course: pointer attributes of course.xml
    course_path = f"course/{run}.xml"
    if course_path in files:
        walker.reached.add(course_path)
        course = parse_xml(files[course_path], course_path)
        for name, value in course.attrib.items():
            root.set(name, value)
        for child in course:
            root.append(child)
    walker.files = files
    walker.block(root)
    json_files, other = {}, {}
    for path, data in files.items():
        if path in walker.reached:
            continue
        if path.endswith(".json"):
            try:
                json_files[path] = json.loads(data.decode("utf-8"))
                continue
            except (UnicodeDecodeError, ValueError):
                pass
        other[path] = data.rstrip(b"\n") if path.endswith((".html", ".xml", ".txt")) else data
    return {"blocks": walker.blocks, "json": json_files, "files": other}


def differences(first, second):
    """Human-readable differences between two ``canonical_export`` results (empty when equal)."""
    found = []
    for part in ("blocks", "json", "files"):
        a, b = first[part], second[part]
        for key in sorted(set(a) | set(b)):
            if key not in a:
                found.append(f"{part}: {key} only in the second")
            elif key not in b:
                found.append(f"{part}: {key} only in the first")
            elif a[key] != b[key]:
                found.append(f"{part}: {key} differs")
    return found
