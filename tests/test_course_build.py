"""``facilitator-course build``: the OLX tree parses back, pointers resolve, the build is reproducible and
never writes outside ``--out``; the five sessions carry the source's exact titles and lengths."""

import json
import shutil
import tarfile
from pathlib import Path

import pytest
from lxml import etree

from course.build import BuildError, build, safe_target, tarball_bytes, write_files
from course.cli import DEFAULT_SOURCE
from course.olx import CUSTOM_BLOCKS
from scripts.cli import main as cli_main
from tests.test_course_validate import make_source

# From the source page (shared/seeds README): the facts the course must carry exactly.
SESSIONS = [
    (1, "What They Are and Why Now", "1:31:15"),
    (2, "Preparing to Launch and Launching a Next Generation Sector Partnership", "1:30:52"),
    (3, "The Launch and Afterparty", "1:31:12"),
    (4, "Sustaining and Evolving", "1:26:21"),
    (5, "FAQ and What to Watch For", "1:35:56"),
]
STRUCTURE = {"chapter": "sequential", "sequential": "vertical"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("course-build")
    build(DEFAULT_SOURCE, out)
    return out


def xml(path):
    return etree.parse(str(path)).getroot()


def walk(tree):
    """Every structure file reached from course.xml, and every inline custom block, in course order."""
    root = xml(tree / "course.xml")
    run = root.get("url_name")
    course = xml(tree / "course" / f"{run}.xml")
    reached, blocks = [f"course/{run}.xml"], []
    for chapter_ref in course.findall("chapter"):
        chapter_path = f"chapter/{chapter_ref.get('url_name')}.xml"
        reached.append(chapter_path)
        for seq_ref in xml(tree / chapter_path).findall("sequential"):
            seq_path = f"sequential/{seq_ref.get('url_name')}.xml"
            reached.append(seq_path)
            for vert_ref in xml(tree / seq_path).findall("vertical"):
                vert_path = f"vertical/{vert_ref.get('url_name')}.xml"
                reached.append(vert_path)
                for child in xml(tree / vert_path):
                    if child.tag == "html":
                        reached.append(f"html/{child.get('url_name')}.xml")
                        html = xml(tree / "html" / f"{child.get('url_name')}.xml")
                        reached.append(f"html/{html.get('filename')}.html")
                    else:
                        blocks.append(child)
    return run, reached, blocks


def test_tree_has_the_export_layout(built):
    tree = built / "course"
    run = xml(tree / "course.xml").get("url_name")
    for name in (
        "course.xml",
        f"course/{run}.xml",
        f"policies/{run}/policy.json",
        f"policies/{run}/grading_policy.json",
        "policies/assets.json",
        "about/overview.html",
        "info/updates.html",
        "static/course-image.png",
    ):
        assert (tree / name).is_file(), name
    for folder in ("chapter", "sequential", "vertical", "html"):
        assert any((tree / folder).iterdir()), folder
    assert (built / "course.tar.gz").is_file()
    assert (built / "preview" / "whole_course.xml").read_text().startswith("<!-- title: Whole course -->\n")


def test_every_pointer_resolves_and_no_file_is_orphaned(built):
    tree = built / "course"
    _run, reached, _blocks = walk(tree)
    for name in reached:
        assert (tree / name).is_file(), f"dangling pointer to {name}"
    for folder in ("chapter", "sequential", "vertical", "html"):
        for path in (tree / folder).iterdir():
            assert f"{folder}/{path.name}" in reached, f"orphan {folder}/{path.name}"


def test_every_url_name_is_unique(built):
    tree = built / "course"
    _run, reached, blocks = walk(tree)
    names = [
        Path(name).stem for name in reached if not name.endswith(".html") and not name.startswith("course/")
    ]
    names += [block.get("url_name") for block in blocks]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    for block in blocks:
        assert block.get("xblock-family") == "xblock.v1"
        assert block.get("module_id") == block.get("url_name")


def test_policies_parse(built):
    tree = built / "course"
    run = xml(tree / "course.xml").get("url_name")
    policy = json.loads((tree / "policies" / run / "policy.json").read_text())
    settings = policy[f"course/{run}"]
    assert settings["advanced_modules"] == sorted(CUSTOM_BLOCKS)
    assert settings["start"] < settings["end"]
    assert (tree / "static" / settings["course_image"]).is_file()
    assert settings["display_name"] == "Next Generation Sector Partnerships: Facilitator Training"
    grading = json.loads((tree / "policies" / run / "grading_policy.json").read_text())
    graders = {g["type"]: g for g in grading["GRADER"]}
    assert set(graders) == {"Checkpoint", "Assessment"}
    assert graders["Checkpoint"]["min_count"] == 5 and graders["Assessment"]["min_count"] == 1
    assert abs(sum(g["weight"] for g in grading["GRADER"]) - 1) < 1e-9
    assert 0 < grading["GRADE_CUTOFFS"]["Pass"] <= 1
    assets = json.loads((tree / "policies" / "assets.json").read_text())
    assert assets["course-image.png"]["contentType"] == "image/png"
    assert set(assets) == {p.name for p in (tree / "static").iterdir()}
    graded = [xml(p) for p in (tree / "sequential").iterdir() if xml(p).get("graded") == "true"]
    assert sorted(s.get("format") for s in graded) == ["Assessment"] + ["Checkpoint"] * 5


def test_sessions_carry_the_exact_titles_and_lengths(built):
    tree = built / "course"
    _run, _reached, blocks = walk(tree)
    videos = [b for b in blocks if b.tag == "chaptered_video"]
    assert [(v.get("display_name"), v.get("duration")) for v in videos] == [
        (f"Session {n}: {title}", length) for n, title, length in SESSIONS
    ]
    chapters = {xml(p).get("display_name") for p in (tree / "chapter").iterdir()}
    for n, title, _length in SESSIONS:
        assert f"Session {n}: {title}" in chapters
    for video, (n, _title, _length) in zip(videos, SESSIONS, strict=True):
        assert video.find("source").get("src") == f"/static/session-{n}.mp4"
        assert video.find("track").get("src") == f"/static/session-{n}.en.vtt"
        assert len(video.findall("segment")) >= 5


def test_custom_blocks_parse_back_through_their_own_classes(built, harness):
    from xblocks.chaptered_video import ChapteredVideoBlock
    from xblocks.checkpoint_quiz import CheckpointQuizBlock
    from xblocks.facilitator_progress import FacilitatorProgressBlock
    from xblocks.stage_toolkit import StageToolkitBlock

    classes = {
        "chaptered_video": ChapteredVideoBlock,
        "checkpoint_quiz": CheckpointQuizBlock,
        "stage_toolkit": StageToolkitBlock,
        "facilitator_progress": FacilitatorProgressBlock,
    }
    _run, _reached, elements = walk(built / "course")
    seen = {}
    for element in elements:
        block = harness.parse(etree.tostring(element, encoding="unicode"))
        assert isinstance(block, classes[element.tag])
        assert hasattr(block, "validate"), f"{element.tag} is still a placeholder"
        assert block.module_id == element.get("url_name")
        messages = [m.text for m in block.validate().messages]
        assert messages == [], (element.get("url_name"), messages)
        seen.setdefault(element.tag, []).append(block)
    assert set(seen) == set(CUSTOM_BLOCKS)
    quizzes = {q.module_id: q for q in seen["checkpoint_quiz"]}
    for n in range(1, 6):
        summary = quizzes[f"session-{n}-quiz"]
        assert 5 <= len(summary.questions) <= 8
    for quiz in quizzes.values():
        assert all(q.source for q in quiz.questions), quiz.module_id
    assert [t.stage for t in seen["stage_toolkit"]] == ["planning", "emerging", "sustaining"]


def test_toolkit_steps_link_to_the_teaching_chapters(built):
    _run, _reached, elements = walk(built / "course")
    toolkits = {e.get("stage"): e for e in elements if e.tag == "stage_toolkit"}
    videos = {e.get("module_id"): e for e in elements if e.tag == "chaptered_video"}

    def linked(stage):
        found = []
        for step in toolkits[stage].findall("step"):
            if step.get("chapter"):
                segments = videos[f"{step.get('session')}-video"].findall("segment")
                found.append((step.get("session"), segments[int(step.get("chapter")) - 1].get("title")))
        return found

    planning = linked("planning")
    assert ("session-2", "Step 1: building your regional support team") in planning
    assert ("session-2", "Step 2: defining the scope of industry focus") in planning
    assert ("session-2", "Step 3: preparing to launch") in planning
    emerging = linked("emerging")
    assert ("session-3", "What happens at the launch") in emerging
    assert ("session-3", "Organizing the afterparty") in emerging
    assert {session for session, _title in linked("sustaining")} >= {"session-4"}


def test_toolkit_steps_open_the_session_video_at_the_chapter(built, harness):
    from xblocks.stage_toolkit.block import jump_link

    _run, _reached, elements = walk(built / "course")
    videos = {e.get("module_id"): e for e in elements if e.tag == "chaptered_video"}
    steps = [s for e in elements if e.tag == "stage_toolkit" for s in e.findall("step") if s.get("session")]
    assert steps
    for step in steps:
        video = videos[step.get("ref")]  # the url_name of that session's video in this course
        assert video.get("url_name") == f"{step.get('session')}-video"
        if step.get("chapter"):
            assert step.get("start") == video.findall("segment")[int(step.get("chapter")) - 1].get("start")
    toolkit = next(e for e in elements if e.get("stage") == "planning")
    block = harness.parse(etree.tostring(toolkit, encoding="unicode"))
    first = block.toolkit.steps[0]
    assert (first.ref, first.start) == ("session-2-video", 14 * 60)
    assert jump_link("course-v1:NGSP+Facilitator+2026", first.ref, first.start) == (
        "/courses/course-v1:NGSP+Facilitator+2026/jump_to_id/session-2-video#t=840&module=session-2-video"
    )


def test_progress_tracks_every_module_and_every_transcript(built):
    _run, _reached, elements = walk(built / "course")
    tracked = {e.get("url_name") for e in elements if e.tag != "facilitator_progress"}
    for progress in (e for e in elements if e.tag == "facilitator_progress"):
        refs = {t.get("ref") for t in progress.findall("track")}
        assert refs == tracked
        kinds = {t.get("kind") for t in progress.findall("track")}
        assert kinds == {"session", "quiz", "toolkit", "assessment"}
        assert [t.get("session") for t in progress.findall("transcript")] == [
            f"session-{n}" for n in range(1, 6)
        ]


def test_tarball_mirrors_the_tree_under_course(built):
    with tarfile.open(built / "course.tar.gz") as tar:
        members = tar.getmembers()
        names = [m.name for m in members]
        assert names[0] == "course"
        assert all(n == "course" or n.startswith("course/") for n in names)
        assert names == ["course"] + sorted(names[1:])
        assert {m.mtime for m in members} == {946684800}
        assert {(m.uid, m.gid, m.uname, m.gname) for m in members} == {(0, 0, "root", "root")}
        files = {m.name[len("course/") :]: tar.extractfile(m).read() for m in members if m.isfile()}
    tree = built / "course"
    on_disk = {p.relative_to(tree).as_posix(): p.read_bytes() for p in tree.rglob("*") if p.is_file()}
    assert files == on_disk


def test_two_builds_are_byte_identical(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    build(DEFAULT_SOURCE, first)
    build(DEFAULT_SOURCE, second)
    assert (first / "course.tar.gz").read_bytes() == (second / "course.tar.gz").read_bytes()
    assert (first / "preview" / "whole_course.xml").read_bytes() == (
        second / "preview" / "whole_course.xml"
    ).read_bytes()
    build(DEFAULT_SOURCE, first)  # rebuilding in place gives the same bytes too
    assert (first / "course.tar.gz").read_bytes() == (second / "course.tar.gz").read_bytes()


def test_tarball_bytes_do_not_depend_on_insertion_order():
    files = {"b.xml": b"<b/>", "a/x.xml": b"<x/>", "a/y.xml": b"<y/>"}
    assert tarball_bytes(files) == tarball_bytes(dict(reversed(list(files.items()))))
    assert tarball_bytes(files)[4:8] == b"\x00\x00\x00\x00"  # gzip mtime 0


@pytest.mark.parametrize("name", ["../x", "/etc/x", "a/../../x", "a/./b", "", "a\\..\\b", "nul\x00byte"])
def test_refuses_paths_outside_out(tmp_path, name):
    with pytest.raises(BuildError, match="refusing to write"):
        safe_target(tmp_path / "out", name)
    assert not (tmp_path / "x").exists()


def test_refuses_to_follow_a_symlink_out(tmp_path):
    out, outside = tmp_path / "out", tmp_path / "outside"
    out.mkdir()
    outside.mkdir()
    (out / "course").symlink_to(outside, target_is_directory=True)
    with pytest.raises(BuildError, match="outside the output folder"):
        write_files(out, "course", {"course.xml": b"<course/>"})
    assert list(outside.iterdir()) == []


def test_refuses_to_replace_a_folder_that_is_not_a_build(tmp_path, capsys):
    out = tmp_path / "out"
    (out / "course").mkdir(parents=True)
    (out / "course" / "precious.txt").write_text("keep me")
    code = cli_main(["build", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("error: ") and "is not a course build" in err and "Traceback" not in err
    assert (out / "course" / "precious.txt").read_text() == "keep me"


def test_refuses_to_build_over_its_own_source(tmp_path, capsys):
    source = make_source(tmp_path)
    moved = tmp_path / "course"
    shutil.move(source, moved)
    code = cli_main(
        ["build", "--source", str(moved), "--manifest", str(moved / "manifest.yaml"), "--out", str(tmp_path)]
    )
    assert code == 1
    assert "would replace the course source itself" in capsys.readouterr().err
    assert (moved / "course.yaml").is_file()


def test_hostile_id_never_reaches_the_disk(tmp_path, capsys):
    source = make_source(tmp_path, "hostile-id")
    out = tmp_path / "out"
    code = cli_main(
        ["build", "--source", str(source), "--manifest", str(source / "manifest.yaml"), "--out", str(out)]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert 'modules/welcome.yaml:4:9: "id" in a unit must be an id' in err
    assert not out.exists() and not (tmp_path / "x.xml").exists()


def test_build_cli_reports_and_writes_nothing_on_problems(tmp_path, capsys):
    source = make_source(tmp_path, "missing-static")
    out = tmp_path / "out"
    code = cli_main(
        ["build", "--source", str(source), "--manifest", str(source / "manifest.yaml"), "--out", str(out)]
    )
    assert code == 1
    assert "bodies/planning.html:2:23: the static file" in capsys.readouterr().err
    assert not out.exists()


def test_media_present_are_listed_and_absent_ones_are_not(tmp_path, capsys):
    source = make_source(tmp_path)
    out = tmp_path / "out"
    media = tmp_path / "media"
    media.mkdir()
    (media / "session-2.en.vtt").write_text("WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nHello\n")
    code = cli_main(
        [
            "build",
            "--source",
            str(source),
            "--manifest",
            str(source / "manifest.yaml"),
            "--out",
            str(out),
            "--media",
            str(media),
        ]
    )
    assert code == 0
    assert "media included: session-2.en.vtt" in capsys.readouterr().out
    assets = json.loads((out / "course" / "policies" / "assets.json").read_text())
    assert assets["session-2.en.vtt"]["contentType"] == "text/vtt"
    assert "session-1.mp4" not in assets
    assert (out / "course" / "static" / "session-2.en.vtt").is_file()
    assert not (out / "course" / "static" / "session-1.mp4").exists()


def test_unwritable_out_is_one_clear_line(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code = cli_main(["build", "--out", str(blocker / "sub")])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("error: cannot write the build") and "Traceback" not in err


def test_hostile_titles_stay_text_in_the_olx_and_the_preview(tmp_path):
    source = make_source(tmp_path)
    hostile = '<script>alert("x")</script> & "quotes"'
    path = source / "modules" / "welcome.yaml"
    path.write_text(path.read_text().replace("title: Welcome", f"title: '{hostile}'"))
    out = tmp_path / "out"
    build(source, out, source / "manifest.yaml")
    assert xml(out / "course" / "chapter" / "welcome.xml").get("display_name") == hostile
    preview = (out / "preview" / "whole_course.xml").read_text()
    assert "<script>alert" not in preview
    heading = etree.fromstring(preview.split("\n", 1)[1].encode()).xpath("//section[@id='m-welcome']/h2")[0]
    assert heading.text == f"1. {hostile}"


def test_markdown_bodies_are_html_in_the_export(built):
    page = (built / "course" / "html" / "welcome-about-text.html").read_text(encoding="utf-8")
    assert page.startswith("<h3>What sector partnerships are</h3>")
    assert page.count("<blockquote>") == 10
    assert "\n> " not in page and "<em>Sector Partnerships</em>" in page
    parsed = etree.fromstring(f"<div>{page}</div>", etree.HTMLParser())
    assert not parsed.xpath("//script|//@*[starts-with(name(), 'on')]")


VTT = "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nIndustry leads the partnership.\n"


def progress_transcripts(path):
    element = next(e for e in xml(path).iter("facilitator_progress"))
    return {t.get("session"): t for t in element.findall("transcript")}


def test_captions_at_hand_are_embedded_as_cues(tmp_path):
    from xblocks.facilitator_progress.olx import parse_node

    source = make_source(tmp_path)
    out = tmp_path / "out"
    (out / "media" / "prepared").mkdir(parents=True)
    (out / "media" / "prepared" / "session-1.en.vtt").write_text(VTT)
    (out / "media" / "stand-ins").mkdir(parents=True)
    (out / "media" / "stand-ins" / "session-1.en.vtt").write_text(VTT.replace("Industry", "Stand-in"))
    build(source, out, source / "manifest.yaml")
    transcript = progress_transcripts(out / "course" / "vertical" / "welcome-about-unit.xml")["session-1"]
    assert "Industry leads the partnership." in transcript.find("cues").text
    assert [s.get("title") for s in transcript.findall("segment")] == [
        "Welcome",
        "Industry-driven, community-supported",
    ]
    _attributes, _tracks, transcripts = parse_node(
        next(xml(out / "course" / "vertical" / "welcome-about-unit.xml").iter("facilitator_progress"))
    )
    assert transcripts[0]["cues"] == [[1.0, 4.0, "Industry leads the partnership."]]
    # the prepared captions win over the stand-ins in the preview too; the export never takes stand-ins
    assert "Stand-in" not in (out / "preview" / "whole_course.xml").read_text()
    assert (out / "course" / "static" / "session-1.en.vtt").read_text() == VTT


def test_preview_searches_stand_in_captions_but_the_export_does_not(tmp_path):
    source = make_source(tmp_path)
    out = tmp_path / "out"
    (out / "media" / "stand-ins").mkdir(parents=True)
    (out / "media" / "stand-ins" / "session-1.en.vtt").write_text(VTT.replace("Industry", "Stand-in"))
    build(source, out, source / "manifest.yaml")
    transcript = progress_transcripts(out / "course" / "vertical" / "welcome-about-unit.xml")["session-1"]
    assert transcript.find("cues") is None
    assert "Stand-in leads the partnership." in (out / "preview" / "whole_course.xml").read_text()
    assert not (out / "course" / "static" / "session-1.en.vtt").exists()


def test_unreadable_captions_are_one_clear_line(tmp_path, capsys):
    source = make_source(tmp_path)
    media = tmp_path / "media"
    media.mkdir()
    (media / "session-1.en.vtt").write_text("WEBVTT\n\n00:00:09.000 --> 00:00:02.000\nBackwards\n")
    out = tmp_path / "out"
    code = cli_main(
        [
            "build",
            "--source",
            str(source),
            "--manifest",
            str(source / "manifest.yaml"),
            "--out",
            str(out),
            "--media",
            str(media),
        ]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith(f"error: {media}/session-1.en.vtt: the captions cannot be read as WebVTT")
    assert "Traceback" not in err


def test_srt_captions_are_found_under_the_name_media_prepare_gives_them(tmp_path):
    source = make_source(tmp_path)
    manifest = source / "manifest.yaml"
    manifest.write_text(manifest.read_text().replace("en: session-1.en.vtt", "en: session-1.en.srt"))
    out = tmp_path / "out"
    (out / "media" / "prepared").mkdir(parents=True)
    (out / "media" / "prepared" / "session-1.en.vtt").write_text(VTT)  # what `media prepare` writes
    build(source, out, manifest)
    transcript = progress_transcripts(out / "course" / "vertical" / "welcome-about-unit.xml")["session-1"]
    assert "Industry leads the partnership." in transcript.find("cues").text
