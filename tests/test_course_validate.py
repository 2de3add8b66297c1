"""``facilitator-course validate``: the real course is clean; each broken source gives its exact message.

Broken cases live in ``tests/fixtures/course_broken/<case>/``: the files that differ from the small valid
course in ``_base/`` (copied first), and ``expected.txt``, one ``path:line:column: message`` a line, paths
relative to the course folder. Every case runs with the fixture's own media manifest (``manifest.yaml``).
"""

import shutil
from pathlib import Path

import pytest

from course.cli import DEFAULT_SOURCE
from course.validate import validate
from scripts.cli import main as cli_main

FIXTURES = Path(__file__).parent / "fixtures" / "course_broken"
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and not p.name.startswith("_"))


def make_source(tmp_path, case=None):
    """The base course, with the case's files laid over it; returns the folder."""
    root = tmp_path / "src"
    shutil.copytree(FIXTURES / "_base", root)
    if case:
        for path in (FIXTURES / case).rglob("*"):
            if path.is_file() and path.name != "expected.txt":
                target = root / path.relative_to(FIXTURES / case)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, target)
    return root


def relative_messages(problems, root):
    return [str(p).replace(f"{root}/", "") for p in problems]


def test_the_real_course_is_clean():
    checked = validate(DEFAULT_SOURCE)
    assert [str(p) for p in checked.problems] == []
    assert len(checked.course.modules) == 8


def test_the_base_fixture_is_clean(tmp_path):
    root = make_source(tmp_path)
    assert relative_messages(validate(root, root / "manifest.yaml").problems, root) == []


def test_there_is_a_case_for_every_kind_of_problem():
    wanted = {
        "yaml-syntax",
        "unknown-key",
        "missing-key",
        "wrong-type",
        "duplicate-id",
        "unknown-session",
        "unknown-chapter",
        "unknown-passage",
        "missing-static",
        "chapter-rules",
        "unsafe-tag",
        "hostile-id",
        "hostile-path",
    }
    assert wanted <= set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_broken_source_reports_exact_messages(case, tmp_path):
    root = make_source(tmp_path, case)
    expected = (FIXTURES / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert expected, f"{case}/expected.txt is empty"
    got = relative_messages(validate(root, root / "manifest.yaml").problems, root)
    assert got == expected


@pytest.mark.parametrize("case", ["unknown-key", "duplicate-id", "missing-static"])
def test_cli_prints_every_problem_and_exits_1(case, tmp_path, capsys):
    root = make_source(tmp_path, case)
    code = cli_main(["validate", "--source", str(root), "--manifest", str(root / "manifest.yaml")])
    err = capsys.readouterr().err
    assert code == 1
    lines = err.strip().splitlines()
    expected = (FIXTURES / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert [line.replace(f"{root}/", "") for line in lines[:-1]] == expected
    assert lines[-1].endswith("found")
    assert "Traceback" not in err


def test_cli_clean_course_exits_0(capsys):
    assert cli_main(["validate"]) == 0
    assert "the course is valid (8 modules" in capsys.readouterr().out


def test_cli_missing_folder_is_one_located_line(tmp_path, capsys):
    code = cli_main(["validate", "--source", str(tmp_path / "nowhere")])
    err = capsys.readouterr().err
    assert code == 1
    assert f"{tmp_path}/nowhere/course.yaml:1:1: no course.yaml here" in err
    assert "Traceback" not in err


def test_missing_manifest_is_reported(tmp_path, capsys):
    root = make_source(tmp_path)
    code = cli_main(["validate", "--source", str(root), "--manifest", str(tmp_path / "none.yaml")])
    assert code == 1
    assert f"{tmp_path}/none.yaml:1:1: no media manifest here" in capsys.readouterr().err


def test_unsafe_tag_is_never_executed(tmp_path):
    root = make_source(tmp_path)
    marker = tmp_path / "owned"
    (root / "sources.yaml").write_text(
        f'pages: !!python/object/apply:os.system ["touch {marker}"]\npassages: []\n', encoding="utf-8"
    )
    problems = relative_messages(validate(root, root / "manifest.yaml").problems, root)
    assert problems and problems[0].startswith("sources.yaml:1:8: the YAML tag")
    assert not marker.exists()


def test_media_named_by_the_manifest_need_not_be_present(tmp_path):
    # the base toolkit links /static/session-2.en.vtt: a media file, absent from static/, yet valid
    root = make_source(tmp_path)
    assert not (root / "static" / "session-2.en.vtt").exists()
    assert validate(root, root / "manifest.yaml").problems == []


@pytest.mark.parametrize(
    "text, message",
    [
        ("[1, 2", "YAML syntax"),
        ("- just\n- a list\n", "the course file must be a mapping of keys, not a list"),
        ("title: 5\n", '"title" in the course file must be non-empty text, not the number 5'),
        ("\xff", "not UTF-8"),
    ],
)
def test_course_file_shapes(tmp_path, text, message):
    root = make_source(tmp_path)
    (root / "course.yaml").write_bytes(text.encode("latin-1"))
    problems = [str(p) for p in validate(root, root / "manifest.yaml").problems]
    assert any(message in p for p in problems), problems
    assert all(p.startswith(f"{root}/course.yaml:") for p in problems)


def test_hostile_text_in_titles_is_data_not_markup(tmp_path):
    root = make_source(tmp_path)
    path = root / "modules" / "welcome.yaml"
    path.write_text(path.read_text().replace("title: Welcome", 'title: "<script>alert(1)</script>"'))
    assert validate(root, root / "manifest.yaml").problems == []
