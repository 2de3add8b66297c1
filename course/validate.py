"""Check the whole course: the shape of every file, then every reference between them.

``validate(root, manifest_path)`` returns a ``Checked`` (the course, the manifest, the HTML bodies read,
and the sorted ``problems``, each a ``SourceError`` printed ``path:line:column: message``). References
checked here: unique ids (they become OLX ``url_name``s), sessions and chapters against the media
manifest (and its chapter rules), question sources against the passages, assignment types, HTML body
files and the ``/static/`` and ``/jump_to_id/`` links inside them, the course image and resources.
"""

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from course import bodies
from course.schema import did_you_mean, items, valid
from course.source import differs_after, read_course, source_path
from xblocks.common.chapters import check_chapters
from xblocks.common.yaml_source import Mark, SourceError


@dataclass
class Checked:
    """The outcome of a validation: what was read and every problem found."""

    course: object = None
    manifest: object = None
    bodies: dict = field(default_factory=dict)  # relative body path -> text
    problems: list = field(default_factory=list)
    media: set = field(default_factory=set)  # static names the media folder provides
    captions: dict = field(default_factory=dict)  # session id -> WebVTT text, filled by the build

    @property
    def ok(self):
        return not self.problems


def load_media_manifest(manifest_path, problems):
    """The media manifest (``media_manifest.manifest``), or None with its problems recorded."""
    try:
        from media_manifest.manifest import DEFAULT_MANIFEST, ManifestError, load_manifest
    except ImportError as err:
        problems.append(
            SourceError("media_manifest", 1, 1, f"the media manifest module is not available: {err}")
        )
        return None
    path = Path(manifest_path) if manifest_path else DEFAULT_MANIFEST
    if not path.is_file():
        problems.append(SourceError(path, 1, 1, "no media manifest here"))
        return None
    try:
        return load_manifest(path)
    except ManifestError as err:
        problems.extend(err.problems)
        return None


def media_names(manifest):
    """The ``/static/`` names the media folder provides: every session's file and its captions."""
    names = set()
    for session in manifest or ():
        if not session.source.startswith("https://"):
            names.add(session.source)
        names.update(path for path in session.captions.values() if not path.startswith("https://"))
    return names


def own_chapters(data, problems):
    """A video block's own ``chapters`` (read from Studio): ``(chapters, marks)``; bad times reported."""
    from xblocks.common.chapters import Chapter
    from xblocks.common.timecode import TimecodeError, parse_time

    chapters, marks = [], []
    for entry, mark in items(data, "chapters"):
        if not isinstance(entry, dict) or not valid(entry, "title", "text") or "start" not in entry:
            continue
        try:
            start = parse_time(entry["start"])
        except TimecodeError as err:
            problems.append(entry.marks["start"].error(f"the chapter start {err}"))
            continue
        chapters.append(
            Chapter(start, entry["title"].strip(), " ".join(str(entry.get("summary", "")).split()))
        )
        marks.append(entry.marks.get("start", mark))
    return chapters, marks


def validate(root, manifest_path=None):
    """Check the course in ``root`` against the media manifest; a ``Checked`` with sorted problems."""
    checked = Checked()
    problems = checked.problems
    course, found = read_course(root)
    problems.extend(found)
    checked.course = course
    checked.manifest = load_media_manifest(manifest_path, problems)
    checked.media = media_names(checked.manifest)
    if course is not None:
        _References(checked).run()
    unique = {str(p): p for p in problems}
    checked.problems = sorted(unique.values(), key=lambda p: (p.path, p.line, p.column, p.message))
    return checked


class _References:
    """The cross-file checks, in one pass over the course."""

    def __init__(self, checked):
        self.checked = checked
        self.course = checked.course
        self.manifest = checked.manifest
        self.problems = checked.problems
        self.ids = {}  # id -> (what, mark)
        self.jumps = []  # (target, mark) to check once every id is known

    def error(self, mark, message):
        self.problems.append(mark.error(message))

    def run(self):
        course = self.course
        self._claim(course.data.get("run"), "the course run", course.data.marks.get("run"))
        for module in course.modules:
            self._claim(module.id, "module", module.data.marks.get("id"))
            if module.session:
                self._session(module.session, module.data.marks["session"])
            for unit in module.units:
                self._claim(unit.id, "unit", unit.data.marks.get("id"))
                for vertical in unit.verticals:
                    mark = (vertical.data or unit.data).marks.get("id")
                    self._claim(vertical.id, f'the vertical of unit "{unit.id}"', mark)
                for block in unit.blocks:
                    self._claim(block.id, f"{block.type} block", block.data.marks.get("id"))
                    getattr(self, f"_{block.type}")(block)
        self._grading()
        self._course_files()
        for module in course.modules:
            self._sessions_used(module)
        for target, mark in self.jumps:
            if target not in self.ids:
                self.error(
                    mark,
                    f"the link /jump_to_id/{target} points to no id in the course"
                    f"{did_you_mean(target, self.ids)}",
                )

    # --- ids ---------------------------------------------------------------------------------------

    def _claim(self, ident, what, mark):
        if not ident or mark is None:
            return
        if ident in self.ids:
            first_what, first_mark = self.ids[ident]
            self.error(mark, f'duplicate id "{ident}": {first_what} at {first_mark} already uses it')
            return
        self.ids[ident] = (what, mark)

    # --- the media manifest ------------------------------------------------------------------------

    def _session(self, session_id, mark):
        """The manifest's session, or None (reported) when it does not exist."""
        if self.manifest is None:
            return None
        for session in self.manifest.sessions:
            if session.id == session_id:
                return session
        known = [s.id for s in self.manifest.sessions]
        self.error(mark, f'no session "{session_id}" in the media manifest{did_you_mean(session_id, known)}')
        return None

    def _sessions_used(self, module):
        """Chapter rules of every session the module uses (the manifest checks them too)."""
        if not module.session or self.manifest is None:
            return
        session = next((s for s in self.manifest.sessions if s.id == module.session), None)
        if session is None:
            return
        for problem in check_chapters(session.chapters, session.duration):
            index = problem.index
            where = session.chapter_mark(index) if index is not None else session.mark("chapters")
            self.problems.append(where.error(problem.message))

    # --- blocks -------------------------------------------------------------------------------------

    def _html(self, block):
        self._body(block.data, "body")
        for passage, mark in items(block.data, "sources"):
            self._passage(passage, mark)

    def _chaptered_video(self, block):
        session_id = valid(block.data, "session", "id")
        session = self._session(session_id, block.data.marks["session"]) if session_id else None
        if session is not None and "chapters" in block.data:
            chapters, marks = own_chapters(block.data, self.problems)
            for problem in check_chapters(chapters, session.duration):
                index = problem.index
                where = (
                    marks[index] if index is not None and index < len(marks) else block.data.marks["chapters"]
                )
                self.error(where, problem.message)
        poster = valid(block.data, "poster", "path")
        if poster:
            self._static(poster, block.data.marks["poster"])

    def _checkpoint_quiz(self, block):
        for question, _mark in items(block.data, "questions"):
            source = valid(question, "source", "id") if isinstance(question, dict) else None
            if source:
                self._passage(source, question.marks["source"])

    def _stage_toolkit(self, block):
        self._body(block.data, "overview")
        for step, _mark in items(block.data, "steps"):
            if not isinstance(step, dict):
                continue
            session_id = valid(step, "session", "id")
            session = self._session(session_id, step.marks["session"]) if session_id else None
            chapter = valid(step, "chapter", "text")
            if session and chapter:
                titles = [c.title for c in session.chapters]
                if chapter not in titles:
                    self.error(
                        step.marks["chapter"],
                        f'session "{session_id}" has no chapter "{chapter}"{did_you_mean(chapter, titles)}',
                    )
        for resource, _mark in items(block.data, "resources"):
            href = valid(resource, "href", "text") if isinstance(resource, dict) else None
            if href and href.startswith(bodies.STATIC_PREFIX):
                self._static(href[len(bodies.STATIC_PREFIX) :], resource.marks["href"])

    def _facilitator_progress(self, block):
        return None

    def _olx(self, block):
        """A block kept as OLX (``olx/<tag>/<url_name>.xml``): the file is there and is XML of that tag."""
        relative = valid(block.data, "file", "path")
        if relative is None:
            return
        mark = block.data.marks["file"]
        parts = PurePosixPath(relative).parts
        expected = len(parts) == 3 and parts[0] == "olx" and parts[2] == f"{block.id}.xml"
        if not expected:
            self.error(mark, f'the OLX file of block "{block.id}" must be olx/<block type>/{block.id}.xml')
            return
        path = source_path(self.course.root, relative, mark, self.problems, "OLX file")
        if path is None:
            return
        from course.olx_files import XmlError, parse_xml

        try:
            root = parse_xml(path.read_bytes(), relative)
        except XmlError as err:
            self.error(Mark(path, err.line, err.column), err.message)
            return
        if root.tag != parts[1]:
            self.error(
                mark, f"{relative} holds <{root.tag}>, not <{parts[1]}>: the folder names the block type"
            )

    def _passage(self, passage_id, mark):
        if "sources" not in self.course.data:
            self.error(mark, f'no passage "{passage_id}": the course file names no sources file ("sources:")')
        elif self.course.sources_read and passage_id not in self.course.passages:
            hint = did_you_mean(passage_id, self.course.passages)
            self.error(mark, f'no passage "{passage_id}" in the sources file{hint}')

    # --- files ---------------------------------------------------------------------------------------

    def _body(self, data, key):
        relative = valid(data, key, "path")
        if relative is None:
            return
        path = source_path(self.course.root, relative, data.marks[key], self.problems, "body file")
        if path is None:
            return
        try:
            body = bodies.read_body(path.read_text(encoding="utf-8"), relative)
        except UnicodeDecodeError as err:
            self.error(data.marks[key], f'the body file "{relative}" is not UTF-8 text ({err.reason})')
            return
        except bodies.BodyError as err:
            self.error(data.marks[key], str(err))
            return
        self.checked.bodies[relative] = body.html
        for link in body.links:
            where = Mark(path, link.line, link.column)
            if link.kind == "static":
                self._static(link.target, where)
            else:
                self.jumps.append((link.target, where))
        for quote in body.quotes:
            self._quotation(quote, Mark(path, quote.line, quote.column))

    def _quotation(self, quote, mark):
        """A quotation in a body (``<blockquote>``, ``<q>``, Markdown ``>``) is word for word in a page."""
        pages = self.course.page_texts
        missing = [bodies.quoted_in(quote.text, text) for text in pages.values()]
        if not pages or None in missing:
            return  # no page could be read (reported where it is named), or the quote is there
        piece = min(missing, key=len)
        shown = piece if len(piece) <= 40 else piece[:37] + "..."
        self.error(
            mark,
            f'the quotation "{shown}" is not word for word in any source page '
            f"({differs_after(piece, list(pages.values()))}): quote the page exactly (mark cuts with …), "
            "or write it as the course's own text, outside a quotation",
        )

    def _static(self, name, mark):
        """A ``/static/<name>`` reference: a file in ``static/`` or a media file the manifest names."""
        parts = PurePosixPath(name).parts
        if not name or name.startswith("/") or any(p in ("..", ".") for p in parts) or "\\" in name:
            self.error(mark, f'the static path "/static/{name}" must be a plain file path inside static/')
            return
        if (self.course.root / "static" / name).is_file() or name in self.checked.media:
            return
        if self.manifest is None:
            return  # the manifest's own problems are reported; which media it names is unknown
        self.error(
            mark,
            f'the static file "/static/{name}" is missing: '
            "put it in static/ (or name it in the media manifest)",
        )

    def _course_files(self):
        data = self.course.data
        image = valid(data, "image", "path")
        if image:
            self._static(image, data.marks["image"])
        self._body(data, "overview")

    def _grading(self):
        grading = self.course.data.get("grading")
        types = {}
        if isinstance(grading, dict):
            for entry, _mark in items(grading, "assignment_types"):
                name = valid(entry, "type", "text") if isinstance(entry, dict) else None
                if name:
                    types[name] = entry
        used = set()
        for module in self.course.modules:
            for unit in module.units:
                if unit.grade_as is None:
                    continue
                mark = unit.data.marks["grade_as"]
                if unit.grade_as not in types:
                    hint = did_you_mean(unit.grade_as, types)
                    self.error(mark, f'no assignment type "{unit.grade_as}" in grading{hint}')
                    continue
                used.add(unit.grade_as)
                if not any(b.type in ("checkpoint_quiz", "olx") for b in unit.blocks):
                    self.error(
                        mark,
                        f'unit "{unit.id}" is graded as {unit.grade_as} but holds no checkpoint_quiz '
                        "(nor a block kept as OLX)",
                    )
        for name, entry in types.items():
            if name not in used and "min_count" not in entry:
                self.error(entry.marks["type"], f'no unit is graded as "{name}": use it or remove it')
