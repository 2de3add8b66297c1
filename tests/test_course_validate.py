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
        "unknown-quiz",
        "misquoted-passage",
        "misquoted-body",
        "missing-page",
        "markdown-body",
        "body-kind",
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


def test_markdown_is_rendered_without_any_markup_of_its_own():
    from course.bodies import read_body

    text = (
        "# Title <script>alert(1)</script>\n\n"
        '<img src=x onerror="alert(1)"> [bad](javascript:alert(1)) [ok](https://example.org)\n\n'
        "> A quote with *stress*\n> on two lines\n"
    )
    body = read_body(text, "bodies/x.md")
    assert (
        "<script" not in body.html and "<img" not in body.html and "javascript:" not in body.html.split('"')
    )
    assert "<h1>Title &lt;script&gt;alert(1)&lt;/script&gt;</h1>" in body.html
    assert "&lt;img src=x" in body.html
    assert '<a href="https://example.org">ok</a>' in body.html
    assert "<blockquote>" in body.html and "<em>stress</em>" in body.html
    assert [(q.text, q.line, q.column) for q in body.quotes] == [("A quote with stress on two lines", 5, 1)]


def test_markdown_links_point_at_their_place_in_the_markdown():
    from course.bodies import read_body

    text = (
        "Intro\n\n  See [a](/static/a.pdf) and [b](/jump_to_id/unit-1#t=30) and [a again](/static/a.pdf).\n"
    )
    links = [(link.kind, link.target, link.line, link.column) for link in read_body(text, "x.md").links]
    assert links == [("static", "a.pdf", 3, 11), ("jump", "unit-1", 3, 34), ("static", "a.pdf", 3, 73)]


@pytest.mark.parametrize(
    "quote, missing",
    [
        ("Effective sector partnerships are industry-driven", None),
        ("Effective sector partnerships \u2026 assume the lead role", None),
        ("Effective sector partnerships [...] assume the lead role", None),
        ("assume the lead role \u2026 Effective sector partnerships", "Effective sector partnerships"),
        ("Effective sector partnerships are industry-led", "Effective sector partnerships are industry-led"),
    ],
)
def test_quotations_may_mark_cuts_but_keep_order_and_words(quote, missing):
    from course.bodies import normalise, quoted_in

    page = normalise(
        "Effective sector partnerships are industry-driven, meaning industries identify needs and\n"
        "assume the lead role in developing strategies"
    )
    assert quoted_in(quote, page) == missing


def test_the_page_copies_carry_the_manifest_session_titles_and_lengths():
    # course/content/pages/ are the source pages as published: the manifest's facts must be on them
    from media_manifest.manifest import load_manifest

    page = (DEFAULT_SOURCE / "pages" / "000_26a51f11b02a7bfb.txt").read_text(encoding="utf-8")
    sessions = load_manifest().sessions
    assert len(sessions) == 5
    for number, session in enumerate(sessions, start=1):
        assert f"Session #{number} - {session.title} ({session.duration_text})" in page


def test_a_straight_apostrophe_is_not_the_page_s_curly_one(tmp_path):
    root = make_source(tmp_path)
    (root / "pages" / "sector-partnerships.txt").write_text("Iowa\u2019s 99 counties.\n", encoding="utf-8")
    path = root / "sources.yaml"
    path.write_text(
        path.read_text().replace(
            "quote: Effective sector partnerships are industry-driven, meaning industries identify needs",
            "quote: Iowa's 99 counties.",
        )
    )
    problems = relative_messages(validate(root, root / "manifest.yaml").problems, root)
    assert problems == [
        'sources.yaml:7:12: the quote of passage "sp-industry-driven" is not word for word in '
        'pages/sector-partnerships.txt: it differs after "Iowa", at "\'s 99 counties."'
    ]
