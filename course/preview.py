"""The whole course as ONE workbench scenario, for the preview's "Whole course" page.

``whole_course_xml(checked)`` nests the SDK's demo blocks (``vertical_demo`` per unit, ``html_demo`` for
headings and HTML bodies) around the same custom-block elements the OLX export holds, in course order.
A table of contents at the top links to every module and unit (``#m-<module>``, ``#u-<unit>``); each unit
heading has Previous / Contents / Next links; ``/jump_to_id/<id>`` links in bodies become anchors.
``html_demo`` substitutes ``$names`` from its context, so every ``$`` is written ``$$``.
"""

from lxml import etree

from course import bodies
from course.olx import block_element, module_title

TITLE_LINE = "<!-- title: Whole course -->"

STYLE = """
.course-toc{border:1px solid #bbb;padding:.5em 1em;margin-bottom:1em;background:#f7f7f7}
.course-toc ol{margin:.2em 0}.course-module-head{margin-top:2em;border-bottom:3px solid #1f4e79}
.course-unit-head h3{margin:.4em 0}.unit-nav{font-size:90%}.unit-nav a{margin-right:1em}
.authored-note{border-left:4px solid #c67814;padding-left:.8em}
.course-html blockquote{border-left:4px solid #1f4e79;background:#f3f6fa;
  margin:.6em 0 .6em 1em;padding:.1em .9em}
.unit-module{margin:0;font-size:85%;color:#555;text-transform:uppercase;letter-spacing:.03em}
.course-unit-head,.course-module-head,#top{scroll-margin-top:7em}
"""


def _html_demo(markup):
    """An ``<html_demo>`` holding ``markup`` (well-formed XHTML), with ``$`` escaped for its template."""
    return etree.fromstring(f"<html_demo>{markup.replace('$', '$$')}</html_demo>")


def _element(tag, text=None, **attributes):
    element = etree.Element(tag, {k.rstrip("_"): v for k, v in attributes.items()})
    element.text = text
    return element


def _xhtml(element):
    return etree.tostring(element, encoding="unicode", method="xml")


def anchors(course):
    """id -> ``#anchor`` for every module, unit and block (a block's anchor is its unit's)."""
    found = {}
    for module in course.modules:
        found[module.id] = f"#m-{module.id}"
        for unit in module.units:
            found[unit.id] = f"#u-{unit.id}"
            for vertical in unit.verticals:
                found[vertical.id] = f"#u-{unit.id}"
            for block in unit.blocks:
                found[block.id] = f"#u-{unit.id}"
    return found


def _toc(checked):
    course = checked.course
    nav = _element("nav", id="top", class_="course-toc")
    nav.append(_element("style", STYLE))
    nav.append(_element("h1", course.data["title"]))
    nav.append(_element("p", "Every unit of the course in order, with its real blocks. Contents:"))
    modules = etree.SubElement(nav, "ol", {"class": "toc-modules"})
    for module in course.modules:
        item = etree.SubElement(modules, "li")
        item.append(_element("a", module_title(checked, module), href=f"#m-{module.id}"))
        units = etree.SubElement(item, "ol")
        for unit in module.units:
            entry = etree.SubElement(units, "li")
            entry.append(_element("a", unit.title, href=f"#u-{unit.id}"))
    return _xhtml(nav)


def _unit_head(unit, module_label, previous, following):
    head = _element("div", id=f"u-{unit.id}", class_="course-unit-head")
    head.append(_element("p", module_label, class_="unit-module"))
    head.append(_element("h3", unit.title))
    nav = etree.SubElement(head, "p", {"class": "unit-nav"})
    if previous:
        nav.append(
            _element("a", f"\u2190 Previous: {previous.title}", href=f"#u-{previous.id}", class_="prev")
        )
    nav.append(_element("a", "Contents", href="#top", class_="contents"))
    if following:
        nav.append(_element("a", f"Next: {following.title} \u2192", href=f"#u-{following.id}", class_="next"))
    return _xhtml(head)


def whole_course_xml(checked):
    """The scenario text: the title comment line, then one ``<vertical_demo>`` holding the course."""
    course = checked.course
    targets = anchors(course)
    root = etree.Element("vertical_demo")
    root.append(_html_demo(_toc(checked)))
    flat = [(module, unit) for module in course.modules for unit in module.units]
    position = 0
    for number, module in enumerate(course.modules, start=1):
        label = module_title(checked, module)
        head = _element("section", id=f"m-{module.id}", class_="course-module-head")
        head.append(_element("h2", f"{number}. {label}"))
        root.append(_html_demo(_xhtml(head)))
        for unit in module.units:
            previous = flat[position - 1][1] if position > 0 else None
            following = flat[position + 1][1] if position + 1 < len(flat) else None
            position += 1
            vertical = etree.SubElement(root, "vertical_demo")
            vertical.append(_html_demo(_unit_head(unit, label, previous, following)))
            for block in unit.blocks:
                if block.type == "html":
                    text = checked.bodies[block.data["body"]]
                    jump = lambda ident: targets.get(ident, "#top")  # noqa: E731
                    markup = f'<div class="course-html" id="b-{block.id}">{bodies.to_xhtml(text, jump)}</div>'
                    vertical.append(_html_demo(markup))
                elif block.type == "olx":  # a block kept as OLX (a Studio type): named, not rendered
                    note = _element("div", None, class_="authored-note")
                    note.append(
                        _element("p", f"{block.data['file']}: kept as OLX, shown in Studio and the LMS")
                    )
                    vertical.append(_html_demo(_xhtml(note)))
                else:
                    vertical.append(block_element(checked, block))
    text = etree.tostring(root, encoding="unicode", pretty_print=True)
    return f"{TITLE_LINE}\n{text}"
