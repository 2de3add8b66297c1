"""``facilitator-course import``: a Studio export comes back into the YAML source.

Round trips on the shipped course (byte-identical tarball), on an export edited the way Studio writes
(pointer form, Studio's additions, a draft, block types this course does not author), and on a Studio
course that uses none of our blocks; and every kind of bad input is one clear error, exit 1, nothing
written.
"""

import difflib
import io
import os
import shutil
import stat
import tarfile
from pathlib import Path

import pytest

from course.build import build
from course.cli import DEFAULT_SOURCE
from course.export_reader import read_export
from course.olx_files import canonical_export, differences
from scripts.cli import main as cli_main
from tests.studio_export import (
    DND_ID,
    NEW_PROMPT,
    NEW_SENTENCE,
    PROBLEM_ID,
    edit_in_studio,
    read_tree,
    studio_export,
    tar_with,
    tarball,
    write_tree,
)
from tests.studio_export import parse as studio_parse
from tests.studio_export import text as studio_text

GENERIC = Path(__file__).parent / "fixtures" / "studio_export" / "generic" / "course"


@pytest.fixture(scope="module")
def shipped_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("shipped")
    build(DEFAULT_SOURCE, out)
    return out


def run(*argv):
    return cli_main([str(a) for a in argv])


def source_files(folder):
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(Path(folder).rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def without_schemas(files):
    return {k: v for k, v in files.items() if not k.startswith("schemas/")}


def changed_lines(before, after):
    """(removed, added) lines between two texts."""
    removed, added = [], []
    for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0):
        if line.startswith(("---", "+++", "@@")):
            continue
        (removed if line.startswith("-") else added).append(line[1:])
    return removed, added


def equal_olx(export_files, built_tree):
    """Differences between an export (drafts left out) and a build, as canonical OLX per block + JSON."""
    export = {k: v for k, v in export_files.items() if not k.startswith("drafts/")}
    return differences(canonical_export(export), canonical_export(read_tree(built_tree)))


# --- the shipped course --------------------------------------------------------------------------------


def test_import_of_an_unmodified_build_gives_the_source_back_and_a_byte_identical_build(
    shipped_build, tmp_path, capsys
):
    assert run("import", shipped_build / "course.tar.gz", "--out", tmp_path / "src") == 0
    assert "Imported 8 modules, 23 blocks" in capsys.readouterr().out
    assert without_schemas(source_files(tmp_path / "src")) == without_schemas(source_files(DEFAULT_SOURCE))
    assert run("build", "--source", tmp_path / "src", "--out", tmp_path / "again") == 0
    assert (tmp_path / "again" / "course.tar.gz").read_bytes() == (
        shipped_build / "course.tar.gz"
    ).read_bytes()


def test_a_folder_export_reads_like_the_tarball(shipped_build, tmp_path):
    assert run("import", shipped_build / "course", "--out", tmp_path / "src") == 0
    assert run("build", "--source", tmp_path / "src", "--out", tmp_path / "again") == 0
    assert (tmp_path / "again" / "course.tar.gz").read_bytes() == (
        shipped_build / "course.tar.gz"
    ).read_bytes()


def test_every_block_of_ours_is_read_by_its_own_class(shipped_build, monkeypatch, tmp_path):
    import course.olx_runtime as olx_runtime

    seen = []
    real = olx_runtime.read_block

    def spy(element):
        block = real(element)
        seen.append((element.tag, type(block).__mro__[1].__module__))
        return block

    monkeypatch.setattr(olx_runtime, "read_block", spy)
    assert run("import", shipped_build / "course.tar.gz", "--out", tmp_path / "src") == 0
    modules = {tag: module for tag, module in seen}
    assert modules == {
        "chaptered_video": "xblocks.chaptered_video.block",
        "checkpoint_quiz": "xblocks.checkpoint_quiz.block",
        "stage_toolkit": "xblocks.stage_toolkit.block",
        "facilitator_progress": "xblocks.facilitator_progress.block",
    }
    assert len(seen) == 5 + 6 + 3 + 2  # videos, quizzes, toolkits, progress pages (welcome and the end)


# --- an export edited in Studio ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def edited(shipped_build, tmp_path_factory):
    folder = tmp_path_factory.mktemp("edited")
    files = edit_in_studio(studio_export(read_tree(shipped_build / "course")))
    path = folder / "export.tar.gz"
    path.write_bytes(tarball(files))
    return files, path


def test_studio_edits_come_back_as_just_those_edits(edited, tmp_path, capsys):
    files, export = edited
    assert run("import", export, "--out", tmp_path / "src") == 0
    out = capsys.readouterr().out
    assert "2 draft files left out" in out
    assert "the chapters of video session-3-video differ from the media manifest's session-3" in out
    before, after = source_files(DEFAULT_SOURCE), source_files(tmp_path / "src")
    changed = {
        k for k in set(before) | set(after) if before.get(k) != after.get(k) and not k.startswith("schemas/")
    }
    assert changed == {
        "bodies/welcome-how.html",
        "course.yaml",
        "modules/01-welcome.yaml",
        "modules/02-session-1.yaml",
        "modules/03-session-2.yaml",
        "modules/04-session-3.yaml",
        "modules/07-toolkits.yaml",
        f"olx/problem/{PROBLEM_ID}.xml",
        f"olx/drag-and-drop-v2/{DND_ID}.xml",
    }

    def diff(name):
        return changed_lines(before[name].decode(), after[name].decode())

    # 1. text changed
    assert diff("modules/02-session-1.yaml") == (
        ["            prompt: Which critical success factors does Session 1 highlight?"],
        [f"            prompt: {NEW_PROMPT}"],
    )
    assert diff("bodies/welcome-how.html") == ([], [f"<p>{NEW_SENTENCE.decode()}</p>"])
    # 2. a unit moved (with its blocks, nothing else in either file) and 5. blocks of other types added
    removed, added = diff("modules/01-welcome.yaml")
    unit = before["modules/01-welcome.yaml"].decode().split("  - id: welcome-how\n")[1].split("  - id: ")[0]
    assert removed == ["  - id: welcome-how", *unit.rstrip("\n").split("\n")]
    assert added == [
        "      - type: olx",
        f"        id: {PROBLEM_ID}",
        f"        file: olx/problem/{PROBLEM_ID}.xml",
        "      - type: olx",
        f"        id: {DND_ID}",
        f"        file: olx/drag-and-drop-v2/{DND_ID}.xml",
    ]
    assert diff("modules/07-toolkits.yaml") == ([], ["  - id: welcome-how", *unit.rstrip("\n").split("\n")])
    # 3. a question added
    assert diff("modules/03-session-2.yaml") == (
        [],
        [
            "          - id: regional-team",
            "            kind: true_false",
            "            answer: true",
            "            source: session-2-description",
            "            prompt: Session 2 takes you through building your regional support team.",
        ],
    )
    # 4. a chapter retimed: the video keeps its own chapters; the manifest is untouched
    removed, added = diff("modules/04-session-3.yaml")
    assert removed == []
    assert added[0] == "        chapters:"
    assert '          - start: "0:18:30"' in added and len(added) == 1 + 2 * 9
    # Studio's additions to the course (settings mirrored on course/RUN.xml, the wiki, tabs...) are kept
    removed, added = diff("course.yaml")
    assert removed == []
    assert added[:2] == ["olx_xml:", '  - <wiki slug="NGSP.Facilitator.2026"/>']
    assert "olx:" in added and "policy:" in added and "  tabs:" in added
    # the import builds to OLX equal to the export, block by block and policy by policy
    assert run("build", "--source", tmp_path / "src", "--out", tmp_path / "built") == 0
    assert equal_olx(files, tmp_path / "built" / "course") == []


def test_blocks_we_do_not_author_are_written_back_unchanged(edited, tmp_path):
    files, export = edited
    assert run("import", export, "--out", tmp_path / "src") == 0
    assert (tmp_path / "src" / "olx" / "problem" / f"{PROBLEM_ID}.xml").read_bytes() == files[
        f"problem/{PROBLEM_ID}.xml"
    ]
    assert run("build", "--source", tmp_path / "src", "--out", tmp_path / "built") == 0
    built = read_tree(tmp_path / "built" / "course")
    assert built[f"problem/{PROBLEM_ID}.xml"] == files[f"problem/{PROBLEM_ID}.xml"]
    assert f'<drag-and-drop-v2 url_name="{DND_ID}"/>'.encode() in built["vertical/welcome-about-unit.xml"]
    assert b"Match the stages" in built[f"drag-and-drop-v2/{DND_ID}.xml"]


def test_into_updates_the_source_in_place_keeping_untouched_files_and_comments(edited, tmp_path):
    files, export = edited
    source = tmp_path / "content"
    shutil.copytree(DEFAULT_SOURCE, source)
    before = source_files(source)
    assert run("import", export, "--into", source) == 0
    after = source_files(source)
    assert run("import", export, "--out", tmp_path / "fresh") == 0
    fresh = source_files(tmp_path / "fresh")
    assert {k: v for k, v in after.items() if k in fresh} == fresh
    for name in (
        "modules/05-session-4.yaml",
        "modules/06-session-5.yaml",
        "modules/08-readiness.yaml",
        "sources.yaml",
        "bodies/welcome-about.md",
    ):
        assert after[name] == before[name], name
    welcome = after["modules/01-welcome.yaml"].decode()
    assert welcome.startswith(
        "# yaml-language-server: $schema=../schemas/module.schema.json\n# Welcome: what"
    )
    assert '        # Markdown: every "> " quotation is checked word for word' in welcome
    assert (
        "sources: [sp-definition, sp-composition, sp-goals, sp-regions, sp-industry-driven, series,\n"
        in welcome
    )
    assert run("validate", "--source", source) == 0
    # importing the same export again changes nothing
    assert run("import", export, "--into", source) == 0
    assert source_files(source) == after


def test_a_markdown_body_edited_in_studio_becomes_html_and_the_markdown_stays(
    shipped_build, tmp_path, capsys
):
    files = read_tree(shipped_build / "course")
    path = "html/welcome-about-text.html"
    files[path] = files[path].replace(b"</h3>", b" (edited in Studio)</h3>", 1)
    export = tmp_path / "export.tar.gz"
    export.write_bytes(tarball(files))
    source = tmp_path / "content"
    shutil.copytree(DEFAULT_SOURCE, source)
    assert run("import", export, "--into", source) == 0
    assert "bodies/welcome-about.md: edited in Studio; the new text is bodies/welcome-about.html" in (
        capsys.readouterr().out
    )
    assert (source / "bodies" / "welcome-about.md").read_bytes() == (
        DEFAULT_SOURCE / "bodies" / "welcome-about.md"
    ).read_bytes()
    assert "body: bodies/welcome-about.html" in (source / "modules" / "01-welcome.yaml").read_text()
    assert (source / "bodies" / "welcome-about.html").read_bytes().rstrip(b"\n") == files[path].rstrip(b"\n")
    assert run("build", "--source", source, "--out", tmp_path / "built") == 0
    assert equal_olx(files, tmp_path / "built" / "course") == []


def test_a_block_of_ours_the_yaml_cannot_hold_is_kept_as_olx_and_said_so(shipped_build, tmp_path, capsys):
    files = read_tree(shipped_build / "course")
    path = "vertical/session-4-checkpoint-unit.xml"
    files[path] = files[path].replace(b"<source>", b"<source>A page Studio's author typed: ", 1)
    export = tmp_path / "export.tar.gz"
    export.write_bytes(tarball(files))
    assert run("import", export, "--out", tmp_path / "src") == 0
    out = capsys.readouterr().out
    assert "checkpoint_quiz session-4-quiz kept as OLX: question" in out and "that is no passage" in out
    module = (tmp_path / "src" / "modules" / "05-session-4.yaml").read_text()
    assert "file: olx/checkpoint_quiz/session-4-quiz.xml" in module
    assert run("build", "--source", tmp_path / "src", "--out", tmp_path / "built") == 0
    # written back unchanged, and still tracked by the progress pages
    assert equal_olx(files, tmp_path / "built" / "course") == []
    progress = (tmp_path / "built" / "course" / "vertical" / "welcome-progress-unit.xml").read_text()
    assert 'ref="session-4-quiz"' in progress


def test_a_studio_edit_that_breaks_a_rule_is_imported_and_its_problems_named(shipped_build, tmp_path, capsys):
    files = read_tree(shipped_build / "course")
    path = "html/welcome-about-text.html"
    files[path] = files[path].replace(b"effective method", b"efective method", 1)  # inside a quotation
    export = tmp_path / "export.tar.gz"
    export.write_bytes(tarball(files))
    assert run("import", export, "--out", tmp_path / "src") == 1
    captured = capsys.readouterr()
    body = tmp_path / "src" / "bodies" / "welcome-about.html"
    assert f"{body}:" in captured.err and "is not word for word in any source page" in captured.err
    assert "The source was written; fix these before building" in captured.err
    assert b"efective method" in body.read_bytes()
    assert ".import-" not in captured.err


def test_a_studio_unit_moved_to_another_subsection_keeps_both_subsections(edited, tmp_path):
    files, _export = edited
    files = dict(files)
    # Studio's "unit" is a vertical: move the final progress page into the assessment subsection
    source = studio_parse(files["sequential/final-progress.xml"])
    vertical = source.find("vertical")
    source.remove(vertical)
    files["sequential/final-progress.xml"] = studio_text(source)
    target = studio_parse(files["sequential/assessment.xml"])
    target.append(vertical)
    files["sequential/assessment.xml"] = studio_text(target)
    export = tmp_path / "export.tar.gz"
    export.write_bytes(tarball(files))
    assert run("import", export, "--out", tmp_path / "src") == 0
    module = (tmp_path / "src" / "modules" / "08-readiness.yaml").read_text()
    assert "    verticals:\n      - id: assessment-unit\n        title: Readiness assessment\n" in module
    assert "      - id: final-progress-unit\n" in module
    assert "    verticals: []\n" in module  # the emptied subsection stays, as in Studio
    assert run("build", "--source", tmp_path / "src", "--out", tmp_path / "built") == 0
    assert equal_olx(files, tmp_path / "built" / "course") == []


# --- a Studio course with none of our blocks -----------------------------------------------------------


def test_a_course_without_our_blocks_imports_and_rebuilds_to_equal_olx(tmp_path, capsys):
    assert run("import", GENERIC, "--out", tmp_path / "src") == 0
    out = capsys.readouterr().out
    assert "1 draft file left out" in out
    assert "6 block(s) kept as OLX" in out
    assert run("build", "--source", tmp_path / "src", "--out", tmp_path / "built") == 0
    export = read_export(GENERIC).files
    assert equal_olx(export, tmp_path / "built" / "course") == []
    blocks = canonical_export({k: v for k, v in export.items() if not k.startswith("drafts/")})["blocks"]
    rebuilt = canonical_export(read_tree(tmp_path / "built" / "course"))["blocks"]
    assert set(blocks) == set(rebuilt) and len(blocks) == 1 + 3 + 3 + 4 + 8  # course, chapters ... blocks
    module = (tmp_path / "src" / "modules" / "3a1f0c9e2b7d4c8e9f1a2b3c4d5e6f70.yaml").read_text()
    assert "grade_as: Homework" in module and "due: '2025-02-01T00:00:00Z'" in module
    assert "verticals:" in module


# --- bad input -----------------------------------------------------------------------------------------


def info(name, size=0, kind=tarfile.REGTYPE, **extra):
    member = tarfile.TarInfo(name)
    member.type, member.size, member.mode = kind, size, 0o644
    for key, value in extra.items():
        setattr(member, key, value)
    return member


def course_member(top="course"):
    data = b'<course url_name="2026" org="NGSP" course="Facilitator"/>\n'
    return info(f"{top}/course.xml", len(data)), data


HOSTILE = {
    "dot-dot": ([course_member(), (info("course/../../evil.txt", 4), b"evil")], '"course/../../evil.txt"'),
    "absolute": ([course_member(), (info("/tmp/evil.txt", 4), b"evil")], '"/tmp/evil.txt"'),
    "symlink": (
        [course_member(), (info("course/static/link", kind=tarfile.SYMTYPE, linkname="/etc/passwd"), None)],
        '"course/static/link" is a link',
    ),
    "hardlink": (
        [
            course_member(),
            (info("course/static/hard", kind=tarfile.LNKTYPE, linkname="course/course.xml"), None),
        ],
        '"course/static/hard" is a link',
    ),
    "device": (
        [course_member(), (info("course/static/dev", kind=tarfile.CHRTYPE, devmajor=1, devminor=3), None)],
        '"course/static/dev" is not a plain file',
    ),
    "fifo": (
        [course_member(), (info("course/static/fifo", kind=tarfile.FIFOTYPE), None)],
        '"course/static/fifo" is not a plain file',
    ),
    "huge": (
        [course_member(), (info("course/static/huge.mp4", 500 * 1024 * 1024), None)],
        '"course/static/huge.mp4" declares 500 MiB',
    ),
    "not-olx": ([(info("notes/readme.txt", 5), b"hello")], "no course.xml at the top of the export"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_archives_are_refused_naming_the_member(case, tmp_path, capsys):
    members, expected = HOSTILE[case]
    export = tmp_path / "export.tar.gz"
    export.write_bytes(tar_with(members))
    out = tmp_path / "out"
    assert run("import", export, "--out", out) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert expected in err
    assert not out.exists()
    assert sorted(os.listdir(tmp_path)) == ["export.tar.gz"]
    assert not (Path("/tmp") / "evil.txt").exists()


def test_a_file_that_is_not_an_archive_is_one_clear_line(tmp_path, capsys):
    export = tmp_path / "export.tar.gz"
    export.write_text("<html>not a tarball</html>")
    assert run("import", export, "--out", tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert "not a .tar.gz (or .tar) course export" in err and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_a_huge_file_in_a_folder_export_is_refused_before_reading(tmp_path, capsys):
    folder = write_tree(read_export(GENERIC).files, tmp_path / "export")
    with open(folder / "static" / "huge.mp4", "wb") as handle:  # sparse: no 500 MB on disk
        handle.truncate(500 * 1024 * 1024)
    assert run("import", folder, "--out", tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert "huge.mp4: 500 MiB, more than the 200 MiB a file may hold" in err
    assert not (tmp_path / "out").exists()


def test_a_symlink_in_a_folder_export_is_refused(tmp_path, capsys):
    folder = write_tree(read_export(GENERIC).files, tmp_path / "export")
    (folder / "static" / "secret").symlink_to("/etc/passwd")
    assert run("import", folder, "--out", tmp_path / "out") == 1
    assert "static/secret: a symlink in the export folder: refused" in capsys.readouterr().err


def test_broken_xml_names_the_file_and_line(shipped_build, tmp_path, capsys):
    files = read_tree(shipped_build / "course")
    files["vertical/session-1-watch-unit.xml"] = files["vertical/session-1-watch-unit.xml"].replace(
        b"</chaptered_video>", b"</chaptered_vide>"
    )
    export = tmp_path / "export.tar.gz"
    export.write_bytes(tarball(files))
    assert run("import", export, "--out", tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert err.startswith(
        "error: vertical/session-1-watch-unit.xml:14:20: broken XML: Opening and ending tag mismatch"
    )
    assert "broken XML" in err and err.count("\n") == 1
    assert not (tmp_path / "out").exists()
    assert sorted(os.listdir(tmp_path)) == ["export.tar.gz"]


def test_a_pointer_to_a_missing_file_is_named(shipped_build, tmp_path, capsys):
    files = read_tree(shipped_build / "course")
    del files["sequential/welcome-how.xml"]
    export = tmp_path / "export.tar.gz"
    export.write_bytes(tarball(files))
    assert run("import", export, "--out", tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert (
        'chapter/welcome.xml: <sequential url_name="welcome-how"/> points to sequential/welcome-how.xml'
        in err
    )


def test_a_folder_that_is_not_empty_is_refused_without_into(shipped_build, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    assert run("import", shipped_build / "course.tar.gz", "--out", out) == 1
    assert "is not an empty folder" in capsys.readouterr().err
    assert sorted(os.listdir(out)) == ["keep.txt"]


def test_into_needs_a_course_source(shipped_build, tmp_path, capsys):
    assert run("import", shipped_build / "course.tar.gz", "--into", tmp_path) == 1
    assert "no course.yaml there" in capsys.readouterr().err


def test_a_failed_import_into_a_source_leaves_it_untouched(shipped_build, tmp_path, capsys):
    source = tmp_path / "content"
    shutil.copytree(DEFAULT_SOURCE, source)
    before = source_files(source)
    files = read_tree(shipped_build / "course")
    files["chapter/welcome.xml"] = b"<chapter display_name='x'><sequential url_name='welcome-about'/>"
    export = tmp_path / "export.tar.gz"
    export.write_bytes(tarball(files))
    assert run("import", export, "--into", source) == 1
    assert "chapter/welcome.xml:1:" in capsys.readouterr().err
    assert source_files(source) == before
    assert sorted(os.listdir(tmp_path)) == ["content", "export.tar.gz"]


def test_hostile_text_in_an_export_stays_text(shipped_build, tmp_path):
    files = read_tree(shipped_build / "course")
    files["sequential/welcome-how.xml"] = files["sequential/welcome-how.xml"].replace(
        b'display_name="How this course works"',
        b'display_name="&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"',
    )
    export = tmp_path / "export.tar.gz"
    export.write_bytes(tarball(files))
    assert run("import", export, "--out", tmp_path / "src") == 0
    text = (tmp_path / "src" / "modules" / "01-welcome.yaml").read_text()
    assert "title: <script>alert(1)</script> & co" in text
    assert run("build", "--source", tmp_path / "src", "--out", tmp_path / "built") == 0
    assert equal_olx(files, tmp_path / "built" / "course") == []


def test_entities_are_not_expanded(tmp_path, capsys):
    files = read_export(GENERIC).files
    files["chapter/3a1f0c9e2b7d4c8e9f1a2b3c4d5e6f70.xml"] = (
        b'<!DOCTYPE chapter [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        b'<chapter display_name="&x;"><sequential url_name="0ce96364b5b144db9a94c969fba59f09"/></chapter>\n'
    )
    export = write_tree(files, tmp_path / "export")
    assert run("import", export, "--out", tmp_path / "src") == 1
    err = capsys.readouterr().err
    assert "chapter/3a1f0c9e2b7d4c8e9f1a2b3c4d5e6f70.xml:2:27: broken XML: " in err
    assert "external entity" in err
    assert not (tmp_path / "src").exists()


def test_a_namespaced_block_tag_never_becomes_a_path(shipped_build, tmp_path, capsys):
    files = read_tree(shipped_build / "course")
    files["vertical/welcome-how-unit.xml"] = files["vertical/welcome-how-unit.xml"].replace(
        b"</vertical>", b'<x:problem xmlns:x="http://a/../../../tmp" url_name="p1"/></vertical>'
    )
    export = tmp_path / "export.tar.gz"
    export.write_bytes(tarball(files))
    assert run("import", export, "--out", tmp_path / "out") == 1
    assert "<{http://a/../../../tmp}problem> is not a block type name" in capsys.readouterr().err
    assert sorted(os.listdir(tmp_path)) == ["export.tar.gz"]


def test_tar_members_are_read_without_extraction(tmp_path):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:gz") as tar:
        data = b'<course url_name="r" org="o" course="c"/>'
        tar.addfile(info("x/course.xml", len(data)), io.BytesIO(data))
    path = tmp_path / "e.tar.gz"
    path.write_bytes(raw.getvalue())
    assert read_export(path).files == {"course.xml": data}
    assert sorted(os.listdir(tmp_path)) == ["e.tar.gz"]
    assert stat.S_ISREG(path.stat().st_mode)
