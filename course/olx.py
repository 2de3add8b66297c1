"""The course as an Open edX OLX tree, in memory: ``course_files(checked) -> {relative path: bytes}``.

Paths are relative to the export's top folder ``course/``. Structure elements (``course``, ``chapter``,
``sequential``, ``vertical``, ``html``) get one file each, as Studio exports them, with the attributes a
Studio import kept (``olx:``); blocks kept as OLX (``type: olx``) are pointers to their files, and every
file of the source's ``olx/`` folder is written back unchanged; the custom blocks are
written inline in their vertical with ``url_name``, ``xblock-family="xblock.v1"`` and ``module_id`` =
``url_name``, each through its own package's OLX writer so the form is exactly the one it parses. Every
output is a pure function of the source and the manifest: sorted JSON, no timestamps.
"""

import datetime
import json
import mimetypes
from pathlib import PurePosixPath

from lxml import etree

from course.schema import items, valid

CUSTOM_BLOCKS = ("chaptered_video", "checkpoint_quiz", "facilitator_progress", "stage_toolkit")
XBLOCK_FAMILY = "xblock.v1"
LANGUAGES = {"en": "English", "es": "Spanish", "fr": "French", "de": "German", "vi": "Vietnamese"}
DEFAULT_THRESHOLD = 0.9


def xml_bytes(element):
    """An element as UTF-8 XML text with a final newline."""
    return etree.tostring(element, encoding="unicode", pretty_print=True).encode("utf-8")


def json_bytes(data):
    """Sorted, indented JSON with a final newline."""
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def iso_date(value):
    """A YAML date or timestamp as ``YYYY-MM-DDTHH:MM:SSZ`` (UTC)."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{value.isoformat()}T00:00:00Z"


def session_number(manifest, session_id):
    """1-based position of the session in the manifest (Session 1..5)."""
    for index, session in enumerate(manifest.sessions, start=1):
        if session.id == session_id:
            return index
    raise KeyError(session_id)


def session_title(manifest, session_id):
    """``Session 2: Preparing to Launch and Launching ...``: the manifest's title, numbered."""
    session = manifest.session(session_id)
    return f"Session {session_number(manifest, session_id)}: {session.title}"


def media_url(path):
    """The course URL of a media-folder path (https sources stay as they are)."""
    return path if path.startswith("https://") else f"/static/{path}"


def passage_label(course, passage_id):
    """How a question's ``source`` names its passage: ``<page title>: <where>``."""
    passage = course.passages[passage_id]
    page = course.pages.get(passage["page"], {})
    return f"{page.get('title', passage['page'])}: {passage['where']}"


def module_title(checked, module):
    return session_title(checked.manifest, module.session) if module.session else module.title


# --- custom blocks ------------------------------------------------------------------------------------


def _custom(tag, block_id):
    element = etree.Element(tag)
    element.set("url_name", block_id)
    element.set("xblock-family", XBLOCK_FAMILY)
    return element


def video_element(checked, block):
    """``<chaptered_video>`` from the manifest's session (title, duration, sources, captions, chapters)."""
    from xblocks.chaptered_video.olx import chapters_to_text, export_olx, guess_type

    manifest = checked.manifest
    session = manifest.session(block.data["session"])
    src = media_url(session.source)
    values = {
        "display_name": session_title(manifest, session.id),
        "duration": session.duration_text,
        "completion_threshold": float(block.data.get("completion_threshold", DEFAULT_THRESHOLD)),
        "module_id": block.id,
        "sources": [{"src": src, "type": guess_type(src)}],
        "tracks": [
            {"kind": "captions", "src": media_url(path), "srclang": lang, "label": LANGUAGES.get(lang, lang)}
            for lang, path in sorted(session.captions.items())
        ],
        "chapters": chapters_to_text(video_chapters(checked, block)),
    }
    if block.data.get("poster"):
        values["poster"] = f"/static/{block.data['poster']}"
    return export_olx(_custom("chaptered_video", block.id), values)


def video_chapters(checked, block):
    """The video's chapters: its own (``chapters:``, kept from a Studio edit), else the manifest's."""
    if "chapters" in block.data:
        from course.validate import own_chapters

        return own_chapters(block.data, [])[0]
    return checked.manifest.session(block.data["session"]).chapters


QUIZ_SETTINGS = (
    "pass_ratio",
    "max_attempts",
    "weight",
    "shuffle",
    "shuffle_questions",
    "show_answers",
    "scoring",
)


def quiz_element(checked, block):
    """``<checkpoint_quiz>`` with its settings and questions; ``source`` names the passage."""
    from xblocks.checkpoint_quiz.olx import SETTINGS, write_quiz
    from xblocks.checkpoint_quiz.questions import question_from_data

    data = block.data
    # every setting, as the block's own export writes them (so Studio's export of it is the same OLX)
    settings = {name: default for name, (_kind, default) in SETTINGS.items()}
    settings.update({"display_name": data["title"], "module_id": block.id})
    settings.update({key: data[key] for key in QUIZ_SETTINGS if key in data})
    questions = []
    for index, (raw, _mark) in enumerate(items(data, "questions")):
        question = {key: raw[key] for key in raw if key != "source"}
        question["source"] = passage_label(checked.course, raw["source"])
        if "choices" in raw:
            question["choices"] = [dict(choice) for choice in raw["choices"]]
        built, _problems = question_from_data(question, index)
        questions.append(built)
    return write_quiz(_custom("checkpoint_quiz", block.id), settings, questions)


def toolkit_element(checked, block):
    """``<stage_toolkit>``: overview (body file), steps linked to session chapters, resources, checklist."""
    from xblocks.chaptered_video.olx import format_start
    from xblocks.stage_toolkit.olx import write_node

    data = block.data
    body = etree.Element("body")
    overview = etree.SubElement(body, "overview")
    _append_html(overview, checked.bodies[data["overview"]])
    for step, _mark in items(data, "steps"):
        element = etree.SubElement(body, "step", id=step["id"], title=step["title"])
        if step.get("session"):
            element.set("session", step["session"])
            chapters = checked.manifest.session(step["session"]).chapters
            start = None
            if step.get("chapter"):
                number = [c.title for c in chapters].index(step["chapter"]) + 1
                element.set("chapter", str(number))
                start = chapters[number - 1].start
            video = session_video(checked.course, step["session"])
            if video:  # the "Watch" line opens that video at the chapter (jump_to_id/<ref>#t=S&module=<ref>)
                element.set("ref", video)
                if start is not None:
                    element.set("start", format_start(start))
        element.text = step["text"]
    for resource, _mark in items(data, "resources"):
        element = etree.SubElement(body, "resource", id=resource["id"], title=resource["title"])
        element.set("href", resource["href"])
        element.set("kind", resource.get("kind", "link"))
    for item, _mark in items(data, "checklist"):
        etree.SubElement(body, "checklist_item", id=item["id"]).text = item["text"]
    for reflection, _mark in items(data, "reflections"):
        element = etree.SubElement(body, "reflection", id=reflection["id"], prompt=reflection["prompt"])
        if "max_length" in reflection:
            element.set("max_length", str(reflection["max_length"]))
        if "required" in reflection:
            element.set("required", "true" if reflection["required"] else "false")
    text = "\n".join(etree.tostring(child, encoding="unicode") for child in body)
    attributes = {"display_name": data["title"], "stage": data["stage"], "module_id": block.id}
    element = _custom("stage_toolkit", block.id)
    return write_node(element, attributes, text)


def session_video(course, session_id):
    """The id (url_name = module_id) of the course's first chaptered_video of ``session_id``, or None."""
    for _module, _unit, block in course.blocks("chaptered_video"):
        if block.data.get("session") == session_id:
            return block.id
    return None


def _append_html(element, html_text):
    """Put an HTML fragment inside ``element`` as XML children."""
    from lxml import html

    wrapper = html.fragment_fromstring(html_text, create_parent="div")
    parsed = etree.fromstring(etree.tostring(wrapper, encoding="unicode", method="xml"))
    element.text = parsed.text
    for child in parsed:
        element.append(child)


def progress_element(checked, block):
    """``<facilitator_progress>``: a ``track`` per tracked module, a ``transcript`` per session.

    Transcripts carry the session's chapters and, when the captions file is at hand
    (``checked.captions``: session id -> WebVTT text), its cues embedded (the block cannot read assets).
    """
    from xblocks.facilitator_progress.olx import write_node
    from xblocks.facilitator_progress.transcripts import parse_vtt

    manifest, course = checked.manifest, checked.course
    tracks = []
    for module, _unit, tracked in course.blocks():
        block_type, title = tracked.type, tracked.data.get("title")
        if block_type == "olx":  # a quiz or toolkit kept as Studio wrote it is still tracked
            block_type, title = olx_tag(tracked), kept_title(course.root, tracked)
        if block_type not in CUSTOM_BLOCKS:
            continue
        track = {"block_type": block_type, "ref": tracked.id}
        if tracked.type == "chaptered_video":
            session = tracked.data["session"]
            track.update(label=session_title(manifest, session), kind="session", session=session)
        elif block_type == "checkpoint_quiz" and module.session:
            track.update(label=title, kind="quiz", session=module.session)
        elif block_type == "checkpoint_quiz":
            track.update(label=title, kind="assessment")
        elif block_type == "stage_toolkit":
            track.update(label=title, kind="toolkit")
        else:
            continue
        tracks.append(track)
    watched = {t["session"] for t in tracks if t["kind"] == "session"}
    transcripts = []
    for session in manifest.sessions:
        if session.id not in watched or not session.captions:
            continue
        lang = "en" if "en" in session.captions else sorted(session.captions)[0]
        text = checked.captions.get(session.id)
        transcripts.append(
            {
                "session": session.id,
                "title": session_title(manifest, session.id),
                "src": media_url(session.captions[lang]),
                "chapters": [[chapter.start, chapter.title] for chapter in session.chapters],
                "cues": parse_vtt(text, where=f"{session.id} captions") if text else [],
            }
        )
    element = _custom("facilitator_progress", block.id)
    attributes = {"display_name": block.data["title"], "module_id": block.id}
    write_node(element, attributes, tracks, transcripts)
    return element


def olx_tag(block):
    """The OLX tag of a block kept as OLX: the folder of its file (``olx/<tag>/<url_name>.xml``)."""
    return PurePosixPath(block.data["file"]).parts[1]


def kept_title(root, block):
    """The display name of a block kept as OLX (its file was checked by ``validate``)."""
    from course.olx_files import parse_xml

    path = root / block.data["file"]
    return parse_xml(path.read_bytes(), block.data["file"]).get("display_name") or block.id


def kept_files(root):
    """Export path -> bytes of every file kept as OLX under ``root/olx/`` (written back unchanged)."""
    folder = root / "olx"
    found = {}
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder).as_posix()
            if path.is_file() and not any(part.startswith(".") for part in PurePosixPath(relative).parts):
                found[relative] = path.read_bytes()
    return found


def _extra(element, data):
    """Set the extra OLX attributes (``olx:``, as Studio exported them) of a structure element."""
    for name, value in (data.get("olx") or {}).items() if data is not None else ():
        element.set(name, value)
    return element


CUSTOM_WRITERS = {
    "chaptered_video": video_element,
    "checkpoint_quiz": quiz_element,
    "stage_toolkit": toolkit_element,
    "facilitator_progress": progress_element,
}


def block_element(checked, block):
    """The inline OLX element of a custom block."""
    return CUSTOM_WRITERS[block.type](checked, block)


# --- the course tree ----------------------------------------------------------------------------------


def course_files(checked, static_files):
    """Every file of the export (relative to ``course/``) -> bytes. ``static_files``: name -> bytes."""
    course = checked.course
    data = course.data
    run = data["run"]
    files = {}
    files["course.xml"] = xml_bytes(
        etree.Element("course", url_name=run, org=data["org"], course=data["number"])
    )
    root = etree.Element("course", display_name=data["title"], language=data.get("language", "en"))
    _extra(root, data)
    for module in course.modules:
        etree.SubElement(root, "chapter", url_name=module.id)
        chapter = _extra(etree.Element("chapter", display_name=module_title(checked, module)), module.data)
        for unit in module.units:
            etree.SubElement(chapter, "sequential", url_name=unit.id)
            sequential = etree.Element("sequential", display_name=unit.title)
            if unit.grade_as:
                sequential.set("format", unit.grade_as)
                sequential.set("graded", "true")
            _extra(sequential, unit.data)
            for part in unit.verticals:
                etree.SubElement(sequential, "vertical", url_name=part.id)
                vertical = _extra(etree.Element("vertical", display_name=part.title), part.data)
                for block in part.blocks:
                    _block_into(checked, vertical, block, files)
                files[f"vertical/{part.id}.xml"] = xml_bytes(vertical)
            files[f"sequential/{unit.id}.xml"] = xml_bytes(sequential)
        files[f"chapter/{module.id}.xml"] = xml_bytes(chapter)
    for text in data.get("olx_xml") or ():  # what Studio adds to the course element (<wiki slug>), kept
        root.append(etree.fromstring(text))
    files[f"course/{run}.xml"] = xml_bytes(root)
    files[f"policies/{run}/policy.json"] = json_bytes(policy(checked))
    files[f"policies/{run}/grading_policy.json"] = json_bytes(grading_policy(course))
    files["policies/assets.json"] = json_bytes(assets(course, static_files))
    if data.get("overview"):
        files["about/overview.html"] = _text_bytes(checked.bodies[data["overview"]])
    if data.get("short_description"):
        files["about/short_description.html"] = _text_bytes(data["short_description"])
    if data.get("effort"):
        files["about/effort.html"] = _text_bytes(data["effort"])
    files["info/updates.html"] = b"<ol></ol>\n"
    files["info/updates.items.json"] = b"[]\n"
    files["info/handouts.html"] = b"<ol></ol>\n"
    for name, content in static_files.items():
        files[f"static/{name}"] = content
    files.update(kept_files(course.root))
    return files


def _block_into(checked, vertical, block, files):
    """Add ``block`` to the vertical element (and its own files, for html, to ``files``)."""
    if block.type == "html":
        etree.SubElement(vertical, "html", url_name=block.id)
        element = etree.Element("html", filename=block.id, display_name=block.data["title"])
        files[f"html/{block.id}.xml"] = xml_bytes(_extra(element, block.data))
        files[f"html/{block.id}.html"] = _text_bytes(checked.bodies[block.data["body"]])
    elif block.type == "olx":
        etree.SubElement(vertical, olx_tag(block), url_name=block.id)
    else:
        vertical.append(block_element(checked, block))


def _text_bytes(text):
    return (text.rstrip("\n") + "\n").encode("utf-8")


def advanced_modules(course):
    """Every custom block type the course uses (all four in the real course), sorted."""
    return sorted({block.type for _m, _u, block in course.blocks() if block.type in CUSTOM_BLOCKS})


def policy(checked):
    """``policies/RUN/policy.json``: the course's settings under ``course/RUN``."""
    data = checked.course.data
    settings = {
        "display_name": data["title"],
        "start": iso_date(data["start"]),
        "language": data.get("language", "en"),
        "advanced_modules": advanced_modules(checked.course),
        "show_calculator": False,
        "days_early_for_beta": None,
    }
    if data.get("end"):
        settings["end"] = iso_date(data["end"])
    if data.get("image"):
        settings["course_image"] = data["image"]
    settings.update(_plain(data.get("policy") or {}))  # settings kept from Studio, as it wrote them
    return {f"course/{data['run']}": settings}


def _plain(value):
    """YAML data as JSON data (dates as ISO text)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, datetime.date):
        return iso_date(value)
    return value


def grading_policy(course):
    """``policies/RUN/grading_policy.json``: one grader per assignment type, and the pass mark."""
    grading = course.data["grading"]
    counts = {}
    for module in course.modules:
        for unit in module.units:
            if unit.grade_as:
                counts[unit.grade_as] = counts.get(unit.grade_as, 0) + 1
    graders = []
    for entry, _mark in items(grading, "assignment_types"):
        graders.append(
            {
                "type": entry["type"],
                "short_label": entry["short_label"],
                "min_count": entry.get("min_count", counts.get(entry["type"], 0)),
                "drop_count": valid(entry, "drop_count", "int") or 0,
                "weight": entry["weight"],
            }
        )
    cutoffs = _plain(grading["cutoffs"]) if "cutoffs" in grading else {"Pass": grading["pass_mark"]}
    return {"GRADER": graders, "GRADE_CUTOFFS": cutoffs}


def assets(course, static_files):
    """``policies/assets.json``: one entry per static file."""
    data = course.data
    key = f"{data['org']}+{data['number']}+{data['run']}"
    entries = {}
    for name in sorted(static_files):
        asset_name = name.replace("/", "_")
        content_type = mimetypes.guess_type(PurePosixPath(name).name)[0] or "application/octet-stream"
        if name.endswith(".vtt"):
            content_type = "text/vtt"
        entries[asset_name] = {
            "contentType": content_type,
            "displayname": PurePosixPath(name).name,
            "filename": f"asset-v1:{key}+type@asset+block@{asset_name}",
            "import_path": name,
            "locked": False,
            "thumbnail_location": None,
        }
    return entries
