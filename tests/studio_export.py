"""Exports written the way Studio writes them, for the import tests.

``studio_export(files)`` takes a build's OLX files and gives what Studio's Export gives after importing
them: our blocks in pointer form (``<checkpoint_quiz url_name="x"/>`` in the vertical, the element in
``checkpoint_quiz/x.xml``), the course settings mirrored as attributes of ``course/RUN.xml`` with a
``<wiki slug>`` child, ``policy.json`` with the settings Studio adds (tabs, discussion topics,
xml_attributes), and an unpublished unit under ``drafts/``. ``edit_in_studio(files)`` then makes the
edits a course team makes in Studio (text changed, a unit moved, a question added, a chapter retimed,
blocks of types this course does not author added). Real exports were read for the form
(openedx/openedx-demo-course, demo-course/course/).
"""

import io
import json
import tarfile

from lxml import etree

from course.build import tarball_bytes
from course.olx import CUSTOM_BLOCKS

RUN = "2026"


def parse(data):
    return etree.fromstring(data)


def text(element):
    return etree.tostring(element, encoding="utf-8", pretty_print=True)


def studio_export(built):
    files = dict(built)
    for path in [p for p in files if p.startswith("vertical/")]:
        vertical = parse(files[path])
        for child in vertical:
            if child.tag in CUSTOM_BLOCKS:
                url_name = child.get("url_name")
                definition = etree.fromstring(etree.tostring(child, with_tail=False))
                del definition.attrib["url_name"]
                files[f"{child.tag}/{url_name}.xml"] = text(definition)
                pointer = etree.Element(child.tag, url_name=url_name)
                pointer.tail = child.tail
                vertical.replace(child, pointer)
        files[path] = text(vertical)
    policy = json.loads(files[f"policies/{RUN}/policy.json"])
    settings = policy[f"course/{RUN}"]
    course = parse(files[f"course/{RUN}.xml"])
    for name in ("advanced_modules", "course_image", "display_name", "language", "start", "end"):
        value = settings[name]
        course.set(name, json.dumps(value) if isinstance(value, list) else str(value))
    wiki = etree.SubElement(course, "wiki", slug="NGSP.Facilitator.2026")
    wiki.tail = "\n"
    files[f"course/{RUN}.xml"] = text(course)
    settings["tabs"] = [
        {"course_staff_only": False, "name": "Home", "type": "course_info"},
        {"course_staff_only": False, "name": "Course", "type": "courseware"},
        {"course_staff_only": False, "name": "Progress", "type": "progress"},
    ]
    settings["discussion_topics"] = {"General": {"id": "course"}}
    settings["xml_attributes"] = {"filename": [f"course/{RUN}.xml", f"course/{RUN}.xml"]}
    files[f"policies/{RUN}/policy.json"] = json.dumps(policy, indent=4, sort_keys=True).encode()
    files["drafts/vertical/0f3c9d2e7a8b4c1d9e6f5a4b3c2d1e0f.xml"] = (
        b'<vertical display_name="Unpublished notes" parent_url="block-v1:NGSP+Facilitator+2026'
        b'+type@sequential+block@welcome-about" index_in_children_list="1">\n'
        b'  <html url_name="5dd796da0de64ed782b0ef0e4fa8c2eb"/>\n'
        b"</vertical>\n"
    )
    files["drafts/html/5dd796da0de64ed782b0ef0e4fa8c2eb.xml"] = (
        b'<html filename="5dd796da0de64ed782b0ef0e4fa8c2eb" display_name="Draft"/>\n'
    )
    return files


NEW_PROMPT = "Which two critical success factors does Session 1 highlight?"
NEW_SENTENCE = b"Start with Session 1, then follow the modules in order."
PROBLEM_ID = "8a4e1f0c2b6d4e7f9a1b3c5d7e9f0a2b"
DND_ID = "c4f36f420bea1c8fb6a8d2e4f6a8b0c2"


def edit_in_studio(files):
    """The edits (each one a course team makes in Studio) on a ``studio_export``."""
    files = dict(files)
    # 1. text changed: a quiz prompt, and a paragraph of an HTML body
    quiz = parse(files["checkpoint_quiz/session-1-quiz.xml"])
    quiz.find("question[@id='success-factors']/prompt").text = NEW_PROMPT
    files["checkpoint_quiz/session-1-quiz.xml"] = text(quiz)
    body = files["html/welcome-how-text.html"]
    files["html/welcome-how-text.html"] = body.replace(
        b"<h3>How this course works</h3>\n", b"<h3>How this course works</h3>\n<p>" + NEW_SENTENCE + b"</p>\n"
    )
    # 2. a unit moved: "How this course works" from Welcome to the end of Stage toolkits
    welcome = parse(files["chapter/welcome.xml"])
    moved = welcome.find("sequential[@url_name='welcome-how']")
    welcome.remove(moved)
    files["chapter/welcome.xml"] = text(welcome)
    toolkits = parse(files["chapter/toolkits.xml"])
    toolkits.append(etree.Element("sequential", url_name="welcome-how"))
    files["chapter/toolkits.xml"] = text(toolkits)
    # 3. a question added (Studio's quiz editor writes the block's own form)
    quiz = parse(files["checkpoint_quiz/session-2-quiz.xml"])
    source = quiz.find("question/source").text
    question = etree.SubElement(quiz, "question", id="regional-team", kind="true_false", answer="true")
    etree.SubElement(
        question, "prompt"
    ).text = "Session 2 takes you through building your regional support team."
    etree.SubElement(question, "source").text = source
    files["checkpoint_quiz/session-2-quiz.xml"] = text(quiz)
    # 4. a chapter retimed in the video's chapter editor
    video = parse(files["chaptered_video/session-3-video.xml"])
    video.findall("segment")[2].set("start", "0:18:30")
    files["chaptered_video/session-3-video.xml"] = text(video)
    # 5. blocks of types this course does not author: a problem (pointer form) and an inline pure XBlock
    vertical = parse(files["vertical/welcome-about-unit.xml"])
    etree.SubElement(vertical, "problem", url_name=PROBLEM_ID)
    dnd = etree.SubElement(
        vertical,
        "drag-and-drop-v2",
        url_name=DND_ID,
        display_name="Match the stages",
        max_attempts="3",
        show_title="true",
        weight="1",
    )
    dnd.set("xblock-family", "xblock.v1")
    dnd.set(
        "data", json.dumps({"items": [{"displayName": "Planning", "zone": "1"}], "zones": [{"uid": "1"}]})
    )
    files["vertical/welcome-about-unit.xml"] = text(vertical)
    files[f"problem/{PROBLEM_ID}.xml"] = (
        b'<problem display_name="Which stage?" markdown="null" max_attempts="2" weight="1.0">\n'
        b"  <multiplechoiceresponse>\n"
        b"    <label>Which stage comes first?</label>\n"
        b'    <choicegroup type="MultipleChoice">\n'
        b'      <choice correct="true">Planning</choice>\n'
        b'      <choice correct="false">Sustaining</choice>\n'
        b"    </choicegroup>\n"
        b"  </multiplechoiceresponse>\n"
        b"</problem>\n"
    )
    return files


def tarball(files, top="course"):
    """A .tar.gz of ``files`` under ``top/`` (as Studio's Export downloads it)."""
    return tarball_bytes(files, top)


def write_tree(files, folder):
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder


def read_tree(folder):
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def tar_with(members):
    """A .tar.gz built from ``(TarInfo, bytes or None)`` pairs, headers as given (for hostile archives)."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:gz") as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return raw.getvalue()
