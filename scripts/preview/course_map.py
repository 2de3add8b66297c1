"""The built course's outline, for the preview's Learning MFE page (no Django imports here).

``read_outline(course_folder, course_key)`` reads the OLX export the build wrote (``build/course/``:
``course.xml``, ``course/<run>.xml``, ``chapter/``, ``sequential/``, ``vertical/``) into an
:class:`Outline`: the units in course order, each with its section, subsection, unit url_names and the
url_names of the blocks inside it. Keys are edx-opaque-keys keys in ``course_key`` (the preview's course),
shaped as the LMS makes them: ``block-v1:ORG+COURSE+RUN+type@vertical+block@<url_name>``.

A missing or unreadable build raises :class:`OutlineError` with a message naming the file.
"""

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

STRUCTURE = ("course", "chapter", "sequential", "vertical")


class OutlineError(Exception):
    """The built course cannot be read (message says which file and why)."""


@dataclass(frozen=True)
class Unit:
    """One unit (vertical) of the course, where the Learning MFE shows it."""

    index: int
    chapter: str
    chapter_title: str
    sequence: str
    sequence_title: str
    vertical: str
    title: str
    blocks: tuple = ()  # ((block_type, url_name), ...) in the unit's order


@dataclass
class Outline:
    course_key: object
    title: str
    units: list = field(default_factory=list)

    def key(self, block_type, url_name):
        """The usage key of a block of this course."""
        return self.course_key.make_usage_key(block_type, url_name)

    def unit_key(self, unit):
        return self.key("vertical", unit.vertical)

    def sequence_key(self, unit):
        return self.key("sequential", unit.sequence)

    def unit_by_key(self, text):
        """The unit whose vertical usage key prints as ``text``, or None."""
        for unit in self.units:
            if str(self.unit_key(unit)) == text:
                return unit
        return None

    def locate(self, block_id):
        """``(unit, (block_type, url_name) or None)`` for a url_name of the course, or ``(None, None)``.

        A section or subsection opens its first unit, a unit itself, a block the unit holding it (the
        block is returned too: ``jump_to_id`` names it in ``jumpToId``).
        """
        for unit in self.units:
            if block_id in (unit.chapter, unit.sequence, unit.vertical):
                return unit, None
            for block in unit.blocks:
                if block[1] == block_id:
                    return unit, block
        return None, None


def _parse(path):
    try:
        return etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    except OSError as err:
        raise OutlineError(f"{path}: cannot be read ({err.strerror or err})") from err
    except etree.XMLSyntaxError as err:
        raise OutlineError(f"{path}: not well-formed XML ({err})") from err


def _pointers(element, tag, path):
    names = [child.get("url_name") for child in element if child.tag == tag]
    if any(not name for name in names):
        raise OutlineError(f"{path}: a <{tag}> without url_name")
    return names


def read_outline(course_folder, course_key):
    """The :class:`Outline` of the OLX export in ``course_folder`` (``build/course``)."""
    folder = Path(course_folder)
    top = folder / "course.xml"
    if not top.is_file():
        raise OutlineError(f"{top}: missing (build the course first: facilitator-course build)")
    run = _parse(top).get("url_name")
    if not run:
        raise OutlineError(f"{top}: the <course> element has no url_name")
    course_path = folder / "course" / f"{run}.xml"
    course = _parse(course_path)
    outline = Outline(course_key=course_key, title=course.get("display_name", ""))
    for chapter_id in _pointers(course, "chapter", course_path):
        chapter_path = folder / "chapter" / f"{chapter_id}.xml"
        chapter = _parse(chapter_path)
        for sequence_id in _pointers(chapter, "sequential", chapter_path):
            sequence_path = folder / "sequential" / f"{sequence_id}.xml"
            sequence = _parse(sequence_path)
            for vertical_id in _pointers(sequence, "vertical", sequence_path):
                vertical_path = folder / "vertical" / f"{vertical_id}.xml"
                vertical = _parse(vertical_path)
                blocks = tuple(
                    (child.tag, child.get("url_name"))
                    for child in vertical
                    if isinstance(child.tag, str) and child.get("url_name")
                )
                outline.units.append(
                    Unit(
                        index=len(outline.units),
                        chapter=chapter_id,
                        chapter_title=chapter.get("display_name", ""),
                        sequence=sequence_id,
                        sequence_title=sequence.get("display_name", ""),
                        vertical=vertical_id,
                        title=vertical.get("display_name", "") or sequence.get("display_name", ""),
                        blocks=blocks,
                    )
                )
    return outline
