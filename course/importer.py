"""Bring a Studio export back into the course YAML: ``facilitator-course import``.

``import_course(export, out, base, manifest_path, into)`` reads the export (``course.export_reader``),
turns its OLX into the source's form and writes it under ``out`` (a temporary folder beside ``out``,
renamed at the end, so ``out`` is never half-written). What the OLX does not carry comes from the *base*
source (the source the export was built from: passages, Markdown bodies, ``authored`` flags, comments):

- structure: ``chapter`` -> module, ``sequential`` -> unit, ``vertical`` -> the unit's vertical (or its
  ``verticals:`` when Studio holds several, other url_names or titles); attributes Studio added go to
  ``olx:``; course settings in ``policy.json`` that the source does not model go to ``policy:``;
- blocks of this course (``chaptered_video``, ``checkpoint_quiz``, ``stage_toolkit``,
  ``facilitator_progress``, ``html`` in the build's form) are read by their own classes
  (``course.olx_runtime``) and written as YAML blocks; a video whose chapters differ from the media
  manifest keeps them as its own ``chapters:`` (reported);
- everything else (other block types, an html block in another form, files the source does not model)
  is kept as OLX under ``olx/`` (its export path), referenced from the YAML (``type: olx``), and written
  back unchanged by ``build``: nothing is dropped.

Then the result is checked: validated, built in memory and compared with the export block by block
(``course.olx_files.canonical_export``); a block of ours that does not come back equal is kept as OLX
instead, and said so. Module files whose content did not change are left byte for byte; changed ones
are updated through ruamel.yaml's round-trip mode (``course.yaml_merge``), keeping comments, key order
and layout of what did not change.
"""

import datetime
import json
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lxml import etree

from course.export_reader import read_export
from course.olx_files import XmlError, canonical_export, is_pointer, parse_xml
from course.schema import ID_PATTERN, URL_NAME_PATTERN

OUR_BLOCKS = ("chaptered_video", "checkpoint_quiz", "stage_toolkit", "facilitator_progress")
STRUCTURE = {"course": "chapter", "chapter": "sequential", "sequential": "vertical"}
TAG_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,99}$")


class CourseImportError(Exception):
    """The import cannot go on: one clear message."""


@dataclass
class Imported:
    out: Path
    modules: int
    blocks: int
    kept: list  # url_names of blocks kept as OLX
    notes: list  # what the trainer should know (reported)
    problems: list  # validation problems of the imported source (if any)


@dataclass
class _Base:
    """What the base source holds that the OLX does not."""

    root: Path | None = None
    checked: object = None
    course: dict = field(default_factory=dict)
    module_files: dict = field(default_factory=dict)  # module id -> relative path
    modules: dict = field(default_factory=dict)  # module id -> mapping
    units: dict = field(default_factory=dict)
    blocks: dict = field(default_factory=dict)
    labels: dict = field(default_factory=dict)  # question source label -> passage id
    same_course: bool = False


def _load_base(base, manifest_path):
    from course.olx import passage_label
    from course.validate import load_media_manifest, validate

    found = _Base()
    if base is None or not (Path(base) / "course.yaml").is_file():
        found.checked = None
        problems = []
        manifest = load_media_manifest(manifest_path, problems)
        return found, manifest
    checked = validate(base, manifest_path)
    if checked.problems:
        raise CourseImportError(
            f"the base source {base} has {len(checked.problems)} problem(s), first: {checked.problems[0]} "
            "(fix it with facilitator-course validate, or import with --out into a new folder)"
        )
    found.root, found.checked = Path(base), checked
    course = checked.course
    found.course = course.data
    for entry, module in zip(course.data["modules"], course.modules, strict=False):
        found.module_files[module.id] = entry
        found.modules[module.id] = module.data
        for unit in module.units:
            found.units[unit.id] = unit.data
            for block in unit.blocks:
                found.blocks[block.id] = block.data
    for passage_id in course.passages:
        found.labels[passage_label(course, passage_id)] = passage_id
    return found, checked.manifest


# --- helpers -------------------------------------------------------------------------------------------


def _date(text):
    """``2026-01-05T00:00:00Z`` -> date (datetime when it has a time of day); None when unreadable."""
    if not isinstance(text, str):
        return None
    try:
        value = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(datetime.UTC).replace(tzinfo=None)
    if value.time() == datetime.time(0, 0):
        return value.date()
    return value


def _text(data):
    return data.decode("utf-8").rstrip("\n")


def _verticals_of(unit):
    """A unit's verticals: the listed ones (maybe none), or the unit itself in the short form."""
    return unit["verticals"] if "verticals" in unit else [unit]


def _ordered(data, base, order):
    """``data`` with keys in the base mapping's order first, then in ``order``, then the rest."""
    keys = [k for k in (base or {}) if k in data]
    keys += [k for k in order if k in data and k not in keys]
    keys += [k for k in data if k not in keys]
    return {k: data[k] for k in keys}


class _Importer:
    def __init__(self, export, base, manifest):
        self.files = export.files
        self.base = base
        self.manifest = manifest
        self.notes = list(export.warnings)
        self.kept = {}  # export path -> bytes
        self.kept_blocks = []
        self.bodies = {}  # relative body path -> text
        self.force_kept = set()  # url_names to keep as OLX (they did not come back equal)
        self.elements = {}  # url_name -> defining element of our blocks
        self.block_files = {"course.xml"}  # files read as structure or blocks (compared block by block)

    # --- files -----------------------------------------------------------------------------------------

    def xml(self, path):
        if path not in self.files:
            raise CourseImportError(f"{path}: missing from the export (a pointer names it)")
        try:
            return parse_xml(self.files[path], path)
        except XmlError as err:
            raise CourseImportError(str(err)) from None

    def definition(self, element, where):
        """A block's defining element: a pointer's file (url_name set), or the inline element itself."""
        url_name = element.get("url_name")
        if not url_name:
            raise CourseImportError(f"{where}: <{element.tag}> has no url_name")
        if is_pointer(element, self.files):
            path = f"{element.tag}/{url_name}.xml"
            found = self.xml(path)
            self.block_files.add(path)
            found.set("url_name", url_name)
            return found, path
        empty = not len(element) and not (element.text or "").strip()
        if empty and set(element.attrib) <= {"url_name", "xblock-family"}:
            raise CourseImportError(
                f'{where}: <{element.tag} url_name="{url_name}"/> points to '
                f"{element.tag}/{url_name}.xml, which is not in the export"
            )
        return element, where

    def structure_id(self, element, where):
        url_name = element.get("url_name") or ""
        if not ID_PATTERN.match(url_name):
            raise CourseImportError(
                f'{where}: the {element.tag} url_name "{url_name}" cannot be a course id here (lowercase '
                "letters, digits and '-', at most 63 characters)"
            )
        return url_name

    # --- the course ----------------------------------------------------------------------------------------

    def run(self):
        top = self.xml("course.xml")
        run = top.get("url_name") or ""
        if not URL_NAME_PATTERN.match(run):
            raise CourseImportError(
                f'course.xml: the course run (url_name) "{run}" is missing or not a plain name'
            )
        where = f"course/{run}.xml"
        if where in self.files:
            course_el = self.xml(where)
            self.block_files.add(where)
        else:
            course_el, where = top, "course.xml"
        base = self.base
        self.same = (
            base.course
            and base.course.get("run") == run
            and base.course.get("org") == top.get("org")
            and base.course.get("number") == top.get("course")
        )
        policy_path = f"policies/{run}/policy.json"
        policy = self.json(policy_path) if policy_path in self.files else {}
        settings = dict(policy.get(f"course/{run}", {})) if isinstance(policy, dict) else {}
        data = {
            "title": course_el.get("display_name") or settings.get("display_name") or run,
            "org": top.get("org"),
            "number": top.get("course"),
            "run": run,
        }
        if course_el.get("language") is not None or "language" in (base.course if self.same else {}):
            data["language"] = course_el.get("language") or settings.get("language", "en")
        start = _date(settings.get("start"))
        # Studio's own default start when none is set (policy.json is then kept as Studio wrote it)
        data["start"] = start or datetime.date(2030, 1, 1)
        end = _date(settings.get("end"))
        if end:
            data["end"] = end
        if settings.get("course_image"):
            data["image"] = settings["course_image"]
        self.course_about(data)
        base_course = base.course if self.same else {}
        if base_course.get("sources"):
            data["sources"] = base_course["sources"]
        data["grading"] = self.grading(run, base_course.get("grading"))
        extra = {
            k: v for k, v in course_el.attrib.items() if k not in ("display_name", "language", "url_name")
        }
        if course_el is top:
            extra = {k: v for k, v in extra.items() if k not in ("org", "course")}
        modules, others = [], []
        for child in course_el:
            if isinstance(child.tag, str):
                if child.tag == "chapter":
                    modules.append(self.module(child, where))
                else:  # Studio's <wiki slug="..."/>: kept as written
                    copy = etree.fromstring(etree.tostring(child, with_tail=False))
                    others.append(etree.tostring(copy, encoding="unicode"))
        data["modules"] = [path for path, _m in modules]
        if others:
            data["olx_xml"] = others
        counts = {}
        for _path, module in modules:
            for unit in module["units"]:
                if unit.get("grade_as"):
                    counts[unit["grade_as"]] = counts.get(unit["grade_as"], 0) + 1
        for entry in data["grading"]["assignment_types"]:
            if entry["min_count"] == counts.get(entry["type"], 0):
                del entry["min_count"]
        if extra:
            data["olx"] = extra
        self.settings = (run, settings, policy, policy_path)
        self.data = data
        self.modules = modules
        return data, modules

    def json(self, path):
        try:
            return json.loads(self.files[path].decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as err:
            raise CourseImportError(f"{path}: not JSON: {err}") from None

    def course_about(self, data):
        base = self.base.course if self.same else {}
        if "about/overview.html" in self.files:
            data["overview"] = self.body(
                _text(self.files["about/overview.html"]), base.get("overview"), "overview"
            )
        for key in ("short_description", "effort"):
            path = f"about/{key}.html"
            if path in self.files:
                text = _text(self.files[path])
                if text.strip():
                    data[key] = text

    def body(self, html_text, base_path, name, form=None):
        """The body path for this HTML: the base's when it gives the same, else a new/updated file.

        ``form`` turns a body's HTML into what the block holds (the toolkit's overview is cleaned)."""
        checked = self.base.checked
        form = form or (lambda text: text.rstrip("\n"))
        if base_path and checked is not None and base_path in checked.bodies:
            if form(checked.bodies[base_path]) == html_text:
                return base_path
        if base_path and base_path.endswith((".html", ".htm")):
            path = base_path
        elif base_path:
            path = str(PurePosixPath(base_path).with_suffix(".html"))
            self.notes.append(
                f"{base_path}: edited in Studio; the new text is {path} (HTML, as Studio wrote it)"
            )
        else:
            path = f"bodies/{name}.html"
        self.bodies[path] = html_text + "\n"
        return path

    def grading(self, run, base_grading):
        path = f"policies/{run}/grading_policy.json"
        if path not in self.files:
            raise CourseImportError(f"{path}: missing from the export (every Studio export has it)")
        policy = self.json(path)
        try:
            graders = policy["GRADER"]
            cutoffs = policy["GRADE_CUTOFFS"]
            base_types = {e["type"]: e for e in (base_grading or {}).get("assignment_types", [])}
            types = []
            for grader in graders:
                entry = {
                    "type": grader["type"],
                    "short_label": grader["short_label"],
                    "weight": grader["weight"],
                }
                if "drop_count" in base_types.get(grader["type"], {}) or grader.get("drop_count"):
                    entry["drop_count"] = grader.get("drop_count", 0)
                entry["min_count"] = grader.get("min_count", 0)  # dropped below when the units give it
                types.append(entry)
        except (KeyError, TypeError) as err:
            raise CourseImportError(f"{path}: not a grading policy ({err} missing)") from None
        grading = {"pass_mark": cutoffs.get("Pass", min(cutoffs.values(), default=0.5))}
        if set(cutoffs) != {"Pass"}:
            grading["cutoffs"] = cutoffs
        grading["assignment_types"] = types
        return grading

    # --- modules, units, verticals -------------------------------------------------------------------------

    def module(self, pointer, where):
        element, where = self.definition(pointer, where)
        module_id = self.structure_id(element, where)
        base = self.base.modules.get(module_id) if self.same else None
        data = {"id": module_id}
        title = element.get("display_name") or ""
        units = [self.unit(child, where) for child in element if isinstance(child.tag, str)]
        session = self.module_session(base, title, units)
        if session:
            data["session"] = session
        else:
            data["title"] = title
        extra = {k: v for k, v in element.attrib.items() if k not in ("display_name", "url_name")}
        if extra:
            data["olx"] = extra
        data["units"] = units
        path = self.base.module_files.get(module_id) if self.same else None
        return path or f"modules/{module_id}.yaml", _ordered(
            data, base, ("id", "title", "session", "olx", "units")
        )

    def module_session(self, base, title, units):
        from course.olx import session_title

        if self.manifest is None:
            return None
        candidates = [base.get("session")] if base and base.get("session") else []
        for unit in units:
            for vertical in _verticals_of(unit):
                for block in vertical["blocks"]:
                    if block.get("type") == "chaptered_video":
                        candidates.append(block["session"])
        for session in candidates:
            try:
                if session_title(self.manifest, session) == title:
                    return session
            except KeyError:
                continue
        return None

    def unit(self, pointer, where):
        element, where = self.definition(pointer, where)
        if element.tag != "sequential":
            raise CourseImportError(f"{where}: <{element.tag}> in a chapter: only sequentials are read here")
        unit_id = self.structure_id(element, where)
        base = self.base.units.get(unit_id) if self.same else None
        data = {"id": unit_id, "title": element.get("display_name") or ""}
        extra = {k: v for k, v in element.attrib.items() if k not in ("display_name", "url_name")}
        if extra.get("graded") == "true" and extra.get("format"):
            data["grade_as"] = extra.pop("format")
            extra.pop("graded")
        if extra:
            data["olx"] = extra
        verticals = [self.vertical(child, where) for child in element if isinstance(child.tag, str)]
        if (
            len(verticals) == 1
            and verticals[0]["id"] == f"{unit_id}-unit"
            and verticals[0]["title"] == data["title"]
            and "olx" not in verticals[0]
        ):
            data["blocks"] = verticals[0]["blocks"]
        else:
            data["verticals"] = verticals
        return _ordered(data, base, ("id", "title", "grade_as", "olx", "blocks", "verticals"))

    def vertical(self, pointer, where):
        element, where = self.definition(pointer, where)
        if element.tag != "vertical":
            raise CourseImportError(f"{where}: <{element.tag}> in a sequential: only verticals are read here")
        data = {"id": self.structure_id(element, where), "title": element.get("display_name") or ""}
        extra = {k: v for k, v in element.attrib.items() if k not in ("display_name", "url_name")}
        if extra:
            data["olx"] = extra
        data["blocks"] = [self.block(child, where) for child in element if isinstance(child.tag, str)]
        return data

    # --- blocks --------------------------------------------------------------------------------------------

    def block(self, pointer, where):
        if not TAG_PATTERN.match(pointer.tag):
            raise CourseImportError(
                f"{where}: <{pointer.tag}> is not a block type name (letters, digits, _ . -)"
            )
        url_name = pointer.get("url_name") or ""
        if not URL_NAME_PATTERN.match(url_name):
            raise CourseImportError(f'{where}: <{pointer.tag}> has no usable url_name ("{url_name}")')
        element, block_where = self.definition(pointer, where)
        base = self.base.blocks.get(url_name) if self.same else None
        if url_name not in self.force_kept and ID_PATTERN.match(url_name):
            converter = getattr(self, f"_{element.tag}", None)
            if converter is not None and (element.tag != "html" or self._our_html(element)):
                try:
                    data = converter(element, base, block_where)
                except _NotOurs as why:
                    self.notes.append(f"{block_where}: {element.tag} {url_name} kept as OLX: {why}")
                    data = None
                if data is not None:
                    self.elements[url_name] = element
                    return data
        return self.keep(pointer, element, url_name)

    def keep(self, pointer, element, url_name):
        """Keep a block as OLX: its defining file (pointer form), and every file it reaches."""
        path = f"{element.tag}/{url_name}.xml"
        if is_pointer(pointer, self.files):
            self.kept[path] = self.files[path]
        else:
            copy = etree.fromstring(etree.tostring(element))
            copy.attrib.pop("url_name", None)
            copy.tail = None
            self.kept[path] = etree.tostring(copy, encoding="utf-8") + b"\n"
        for node in element.iter():
            if not isinstance(node.tag, str):
                continue
            if not TAG_PATTERN.match(node.tag):
                raise CourseImportError(f"{path}: <{node.tag}> is not an element name this course can keep")
            if node is not element and node.get("url_name") and is_pointer(node, self.files):
                child = self.xml(f"{node.tag}/{node.get('url_name')}.xml")
                child.set("url_name", node.get("url_name"))
                self.keep(node, child, node.get("url_name"))
            filename = node.get("filename")
            if filename:
                for candidate in (f"{node.tag}/{filename}.html", f"{node.tag}/{filename}"):
                    if candidate in self.files:
                        self.kept[candidate] = self.files[candidate]
        self.kept_blocks.append(url_name)
        return {"type": "olx", "id": url_name, "file": f"olx/{path}"}

    def _our_html(self, element):
        return (
            element.get("filename") == element.get("url_name")
            and not len(element)
            and (f"html/{element.get('filename')}.html" in self.files)
        )

    def _html(self, element, base, where):
        url_name = element.get("url_name")
        path = f"html/{url_name}.html"
        self.block_files.add(path)
        try:
            text = _text(self.files[path])
        except UnicodeDecodeError:
            raise _NotOurs(f"{path} is not UTF-8 text") from None
        data = {"type": "html", "id": url_name, "title": element.get("display_name") or url_name}
        data["body"] = self.body(text, (base or {}).get("body"), url_name)
        data["authored"] = (base or {}).get("authored", True)
        if base and "sources" in base:
            data["sources"] = list(base["sources"])
        extra = {k: v for k, v in element.attrib.items() if k not in ("display_name", "url_name", "filename")}
        if extra:
            data["olx"] = extra
        return _ordered(data, base, ("type", "id", "title", "body", "authored", "sources", "olx"))

    def _read(self, element, where):
        from course.olx_runtime import BlockReadError, read_block

        try:
            return read_block(element)
        except BlockReadError as err:
            raise _NotOurs(f"its own class refuses it: {err}") from None

    def _module_id(self, block, element):
        if block.module_id and block.module_id != element.get("url_name"):
            raise _NotOurs(f'its module_id "{block.module_id}" is not its url_name')

    def _chaptered_video(self, element, base, where):
        from course.olx import media_url, session_title
        from xblocks.chaptered_video.olx import chapters_to_text, format_start, parse_chapter_text

        block = self._read(element, where)
        self._module_id(block, element)
        if self.manifest is None:
            raise _NotOurs("the media manifest could not be read")
        src = block.sources[0]["src"] if block.sources else ""
        session = next((s for s in self.manifest.sessions if media_url(s.source) == src), None)
        if session is None:
            session = next(
                (
                    s
                    for s in self.manifest.sessions
                    if session_title(self.manifest, s.id) == block.display_name
                ),
                None,
            )
        if session is None:
            raise _NotOurs(f'its source "{src}" is no session of the media manifest')
        data = {"type": "chaptered_video", "id": element.get("url_name"), "session": session.id}
        threshold = block.completion_threshold
        if (base and "completion_threshold" in base) or threshold != 0.9:
            data["completion_threshold"] = int(threshold) if float(threshold).is_integer() else threshold
        if block.poster:
            if not block.poster.startswith("/static/"):
                raise _NotOurs(f'its poster "{block.poster}" is not a /static/ file')
            data["poster"] = block.poster[len("/static/") :]
        if block.chapters != chapters_to_text(session.chapters):
            chapters = []
            for chapter in parse_chapter_text(block.chapters)[0]:
                entry = {"start": format_start(chapter.start), "title": chapter.title}
                if chapter.summary:
                    entry["summary"] = chapter.summary
                chapters.append(entry)
            data["chapters"] = chapters
            self.notes.append(
                f"{where}: the chapters of video {data['id']} differ from the media manifest's {session.id}: "
                "kept as the video's own chapters (chapters:), the manifest is not changed"
            )
        return _ordered(data, base, ("type", "id", "session", "completion_threshold", "poster", "chapters"))

    def _checkpoint_quiz(self, element, base, where):
        from course.olx import QUIZ_SETTINGS
        from xblocks.checkpoint_quiz.questions import question_to_data, questions_from_yaml

        block = self._read(element, where)
        self._module_id(block, element)
        questions, problems = questions_from_yaml(block.questions_source)
        if problems:
            raise _NotOurs("its questions have problems: " + "; ".join(problems[:2]))
        data = {"type": "checkpoint_quiz", "id": element.get("url_name"), "title": block.display_name}
        data["authored"] = (base or {}).get("authored", True)
        from xblocks.checkpoint_quiz.olx import SETTINGS

        for name in QUIZ_SETTINGS:
            value = getattr(block, name)
            if name in (base or {}) or (name in element.attrib and value != SETTINGS[name][1]):
                data[name] = int(value) if isinstance(value, float) and value.is_integer() else value
        base_questions = {q["id"]: q for q in (base or {}).get("questions", [])}
        found = []
        for question in questions:
            entry = question_to_data(question)
            label = entry.pop("source", "")
            passage = self.base.labels.get(label)
            if passage is None:
                raise _NotOurs(f'question "{question.id}" names a source "{label}" that is no passage')
            entry["source"] = passage
            if question.kind == "true_false" and "choices" in entry:
                raise _NotOurs(f'question "{question.id}" has true/false feedback the YAML does not hold')
            entry = _ordered(
                entry,
                base_questions.get(question.id),
                (
                    "id",
                    "kind",
                    "answer",
                    "source",
                    "prompt",
                    "weight",
                    "partial_credit",
                    "choices",
                    "explanation",
                ),
            )
            found.append(entry)
        data["questions"] = found
        return _ordered(data, base, ("type", "id", "title", "authored", *QUIZ_SETTINGS, "questions"))

    def _stage_toolkit(self, element, base, where):
        block = self._read(element, where)
        self._module_id(block, element)
        toolkit = block.toolkit
        data = {"type": "stage_toolkit", "id": element.get("url_name"), "title": block.display_name}
        data["stage"] = block.stage
        data["authored"] = (base or {}).get("authored", True)
        data["overview"] = self.body(
            toolkit.overview, (base or {}).get("overview"), f"{data['id']}-overview", _toolkit_overview
        )
        base_steps = {s["id"]: s for s in (base or {}).get("steps", [])}
        steps = []
        for step in toolkit.steps:
            entry = {"id": step.id, "title": step.title}
            if step.session:
                entry["session"] = step.session
            if step.chapter is not None:
                try:
                    entry["chapter"] = self.manifest.session(step.session).chapters[step.chapter - 1].title
                except (AttributeError, KeyError, IndexError):
                    raise _NotOurs(
                        f'step "{step.id}" names chapter {step.chapter} of "{step.session}"'
                    ) from None
            entry["text"] = step.html
            steps.append(
                _ordered(entry, base_steps.get(step.id), ("id", "title", "session", "chapter", "text"))
            )
        data["steps"] = steps
        base_resources = {r["id"]: r for r in (base or {}).get("resources", [])}
        if toolkit.resources or "resources" in (base or {}):
            data["resources"] = [
                _ordered(
                    {"id": r.id, "title": r.title, "href": r.href, "kind": r.kind},
                    base_resources.get(r.id),
                    (),
                )
                for r in toolkit.resources
            ]
        data["checklist"] = [{"id": item.id, "text": item.text} for item in toolkit.items]
        base_reflections = {r["id"]: r for r in (base or {}).get("reflections", [])}
        if toolkit.reflections or "reflections" in (base or {}):
            reflections = []
            for reflection in toolkit.reflections:
                old = base_reflections.get(reflection.id, {})
                entry = {"id": reflection.id, "prompt": reflection.prompt}
                if "max_length" in old or reflection.max_length != 2000:
                    entry["max_length"] = reflection.max_length
                if "required" in old or reflection.required:
                    entry["required"] = reflection.required
                reflections.append(_ordered(entry, old, ()))
            data["reflections"] = reflections
        order = ("type", "id", "title", "stage", "authored", "overview", "steps", "resources", "checklist")
        return _ordered(data, base, order)

    def _facilitator_progress(self, element, base, where):
        block = self._read(element, where)
        self._module_id(block, element)
        return {"type": "facilitator_progress", "id": element.get("url_name"), "title": block.display_name}


def _toolkit_overview(html_text):
    """What a toolkit holds as its overview for a body of ``html_text`` (as the build writes it, cleaned)."""
    from course.olx import _append_html
    from xblocks.stage_toolkit.olx import inner_html
    from xblocks.stage_toolkit.sanitize import clean_html

    element = etree.Element("overview")
    _append_html(element, html_text)
    return clean_html(inner_html(element))


class _NotOurs(Exception):
    """This block cannot be written in the YAML form exactly: it is kept as OLX (the reason)."""


# --- after the modules: policies and the files the source does not model ----------------------------------


def _finish(importer, built_files):
    """Course settings Studio holds that the build does not derive the same: ``policy:`` in course.yaml."""
    run, settings, _policy, policy_path = importer.settings
    derived = json.loads(built_files[policy_path]) if policy_path in built_files else {}
    derived_settings = derived.get(f"course/{run}", {})
    extra = {k: v for k, v in settings.items() if k not in derived_settings or derived_settings[k] != v}
    if any(k not in settings for k in derived_settings):
        return  # the build would add settings Studio does not hold: policy.json is kept as Studio wrote it
    if extra:
        importer.data["policy"] = extra


def _with_policy(importer, built_files):
    """The built files with policy.json as it is once ``policy:`` (set by ``_finish``) is written."""
    run, _settings, _policy, policy_path = importer.settings
    if policy_path not in built_files or not importer.data.get("policy"):
        return built_files
    derived = json.loads(built_files[policy_path])
    derived.setdefault(f"course/{run}", {}).update(importer.data["policy"])
    return {**built_files, policy_path: json.dumps(derived).encode("utf-8")}


def _leftovers(importer, built_files):
    """Files of the export that are no block, and that the build does not give back equal: kept as OLX."""
    unknown = []
    for path, content in sorted(importer.files.items()):
        if path.startswith("static/") or path in importer.block_files or path in importer.kept:
            continue
        if path in built_files:
            if built_files[path].rstrip(b"\n") == content.rstrip(b"\n") or _same_json(
                path, built_files[path], content
            ):
                continue
            importer.notes.append(f"{path}: kept as Studio wrote it (the source does not hold all of it)")
        else:
            unknown.append(path)
        importer.kept[path] = content
    if unknown:
        importer.notes.append(
            f"{len(unknown)} file(s) the source does not model kept under olx/: {', '.join(unknown[:6])}"
            + (" ..." if len(unknown) > 6 else "")
        )


def _same_json(path, first, second):
    if not path.endswith(".json"):
        return False
    try:
        return json.loads(first) == json.loads(second)
    except (UnicodeDecodeError, ValueError):
        return False


# --- writing -------------------------------------------------------------------------------------------


def _write_candidate(importer, target, base_root, static):
    """Write the source into ``target`` (a fresh folder), merging with the base YAML where there is one."""
    from course.yaml_merge import dump_new, merge_file

    target.mkdir(parents=True, exist_ok=True)
    written = []
    base_course = importer.base.course if importer.same else None
    course_path = target / "course.yaml"
    if base_course is not None:
        merge_file(base_root / "course.yaml", importer.data, course_path, pool={})
    else:
        dump_new(importer.data, course_path, header=_header("course.yaml", "course"))
    written.append("course.yaml")
    pool = {}
    if importer.same:
        from course.yaml_merge import unit_pool

        pool = unit_pool([base_root / p for p in importer.base.module_files.values()])
    for relative, data in importer.modules:
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        source = base_root / relative if importer.same and base_root is not None else None
        if source is not None and source.is_file():
            merge_file(source, data, destination, pool=pool)
        else:
            dump_new(data, destination, header=_header(relative, "module"))
        written.append(relative)
    for relative, text in importer.bodies.items():
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(text, encoding="utf-8")
        written.append(relative)
    for relative, content in importer.kept.items():
        destination = target / "olx" / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(content)
        written.append(f"olx/{relative}")
    for name, content in static.items():
        destination = target / "static" / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(content)
        written.append(f"static/{name}")
    return written


def _header(relative, kind):
    from course.json_schema import header_line

    return header_line(kind, len(PurePosixPath(relative).parts) - 1)


def _copy_referenced(base_root, target, data):
    """Copy from the base what the new source names and the OLX does not carry (sources, pages, bodies)."""
    from course.yaml_merge import load_plain

    sources = data.get("sources")
    if sources and (base_root / sources).is_file() and not (target / sources).exists():
        (target / sources).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(base_root / sources, target / sources)
        for page in (load_plain(base_root / sources) or {}).get("pages", []):
            relative = page.get("file") if isinstance(page, dict) else None
            if relative and (base_root / relative).is_file() and not (target / relative).exists():
                (target / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(base_root / relative, target / relative)


def _referenced_bodies(data, modules):
    found = {data.get("overview")}
    for _path, module in modules:
        for unit in module["units"]:
            for vertical in _verticals_of(unit):
                for block in vertical["blocks"]:
                    found.add(block.get("body"))
                    found.add(block.get("overview") if block.get("type") == "stage_toolkit" else None)
    return {path for path in found if path}


def _static_of(export, manifest_media):
    found, skipped = {}, []
    for path, content in export.files.items():
        if path.startswith("static/"):
            name = path[len("static/") :]
            if name in manifest_media:
                skipped.append(name)
            else:
                found[name] = content
    return found, skipped


def import_course(export_path, out, base=None, manifest_path=None, into=False):
    """Import ``export_path`` into ``out`` (see the module docstring); an ``Imported``."""
    from course.build import static_files
    from course.olx import course_files
    from course.validate import media_names, validate

    out = Path(out)
    if into:
        if not (out / "course.yaml").is_file():
            raise CourseImportError(f"--into {out}: no course.yaml there: give the course source folder")
        base = out
    elif out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise CourseImportError(
            f"--out {out} is not an empty folder: choose a new one, or use --into to update a source"
        )
    export = read_export(export_path)
    base_info, manifest = _load_base(base, manifest_path)
    media = media_names(manifest)
    static, skipped = _static_of(export, media)
    parent = out.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.import-", dir=parent))
    try:
        importer = None
        force = set()
        for _attempt in range(3):
            importer = _Importer(export, base_info, manifest)
            importer.force_kept = set(force)
            importer.run()
            candidate = work / "candidate"
            if candidate.exists():
                shutil.rmtree(candidate)
            if into:
                shutil.copytree(out, candidate, symlinks=True, ignore=_top_olx_folder(out))
                _remove_unreferenced(out, candidate, base_info, importer)
            _write_candidate(importer, candidate, base_info.root, static)
            if not into:
                from course.json_schema import write_schemas

                write_schemas(candidate / "schemas")  # the files' yaml-language-server lines name them
            if base_info.root is not None:
                _copy_referenced(base_info.root, candidate, importer.data)
                for relative in _referenced_bodies(importer.data, importer.modules):
                    if not (candidate / relative).exists() and (base_info.root / relative).is_file():
                        (candidate / relative).parent.mkdir(parents=True, exist_ok=True)
                        shutil.copy2(base_info.root / relative, candidate / relative)
            checked = validate(candidate, manifest_path)
            if checked.problems:
                break
            statics, _media = static_files(checked, [])
            built = course_files(checked, statics)
            _finish(importer, built)
            _leftovers(importer, _with_policy(importer, built))
            _write_candidate(importer, candidate, base_info.root, static)
            checked = validate(candidate, manifest_path)
            if checked.problems:
                break
            built = course_files(checked, statics)
            again = _compare(export.files, built)
            retry = {
                key.split("/", 1)[1] for key in again if key.split("/", 1)[0] in ("html", *OUR_BLOCKS[:3])
            }
            retry &= set(importer.elements)
            if not retry - force:
                break
            force |= retry
        notes = list(importer.notes)
        if skipped:
            notes.append(
                f"media files the manifest names are not copied into the source (build adds them from the "
                f"media folder): {', '.join(sorted(skipped))}"
            )
        problems = [str(p).replace(str(candidate), str(out)) for p in checked.problems]
        if not problems:
            for key in _compare(export.files, built):
                if key.startswith("facilitator_progress/"):
                    notes.append(
                        f"{key}: Studio's copy differs from what the build derives from the course (tracks "
                        "follow the course order and titles): the build writes the derived one"
                    )
                else:
                    notes.append(f"{key}: differs from the export after import")
        _replace(candidate, out, work)
        kept = sorted(importer.kept_blocks)
        if kept:
            notes.append(
                f"{len(kept)} block(s) kept as OLX under olx/ (written back unchanged): {', '.join(kept[:8])}"
                + (" ..." if len(kept) > 8 else "")
            )
        blocks = sum(
            len(vertical["blocks"])
            for _p, module in importer.modules
            for unit in module["units"]
            for vertical in _verticals_of(unit)
        )
        return Imported(out, len(importer.modules), blocks, kept, notes, problems)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _compare(export_files, built):
    """Keys (``tag/url_name`` for blocks, else the file path) whose canonical form differs."""
    first, second = canonical_export(export_files), canonical_export(built)
    found = []
    for part in ("blocks", "json", "files"):
        a, b = first[part], second[part]
        found += [key for key in sorted(set(a) | set(b)) if a.get(key) != b.get(key)]
    return found


def _top_olx_folder(out):
    """A copytree ``ignore`` leaving out ``out/olx`` (rewritten from the export), and nothing deeper."""
    top = Path(out).resolve()

    def ignore(folder, names):
        return ["olx"] if Path(folder).resolve() == top else []

    return ignore


def _remove_unreferenced(out, candidate, base_info, importer):
    """In place: module files the base listed and the export no longer has (removed in Studio) go; bodies
    stay (a Markdown body Studio edited is replaced by HTML, and the trainer may want its text)."""
    now = {path for path, _m in importer.modules}
    before = set(base_info.module_files.values())
    for relative in before - now:
        path = candidate / relative
        if path.is_file():
            path.unlink()


def _replace(candidate, out, work):
    """Put the finished folder in place of ``out`` by renames (``out`` is never half-written)."""
    if out.exists():
        old = work / "previous"
        out.rename(old)
        try:
            candidate.rename(out)
        except OSError:
            old.rename(out)
            raise
    else:
        candidate.rename(out)
