"""docs/trainers-guide.md: its examples are valid course source and its commands are real commands."""

import re
import shlex
import shutil
from pathlib import Path

import pytest

from course.cli import DEFAULT_SOURCE
from course.validate import validate
from scripts.cli import COMMANDS, build_parser

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "trainers-guide.md"


def blocks(language):
    """``(file comment, text)`` of every fenced block in ``language``."""
    text = GUIDE.read_text(encoding="utf-8")
    found = []
    for body in re.findall(rf"```{language}\n(.*?)```", text, flags=re.S):
        match = re.search(r"(?:#|<!--) file: ([^\n]*?)(?: -->)?\n", body)
        found.append((match.group(1).strip() if match else "", body))
    return found


def test_the_example_module_quiz_and_toolkit_validate(tmp_path):
    source = tmp_path / "content"
    shutil.copytree(DEFAULT_SOURCE, source)
    yaml_blocks = dict(blocks("yaml"))
    module = yaml_blocks["modules/09-practice.yaml"]
    toolkit = yaml_blocks["a block in modules/07-toolkits.yaml"]
    unit = "  - id: practice-toolkit\n    title: Practice toolkit\n    blocks:\n" + toolkit.split("\n", 1)[1]
    (source / "modules" / "09-practice.yaml").write_text(module + unit, encoding="utf-8")
    body = dict(blocks("html"))["bodies/practice-reading.html"]
    (source / "bodies" / "practice-reading.html").write_text(body.split("\n", 1)[1], encoding="utf-8")
    passage = yaml_blocks["sources.yaml (an entry under passages:)"].split("\n", 1)[1]
    sources = source / "sources.yaml"
    sources.write_text(sources.read_text(encoding="utf-8") + passage, encoding="utf-8")
    course = source / "course.yaml"
    text = course.read_text(encoding="utf-8")
    course.write_text(
        text.replace(
            "  - modules/08-readiness.yaml\n", "  - modules/08-readiness.yaml\n  - modules/09-practice.yaml\n"
        ),
        encoding="utf-8",
    )
    checked = validate(source)
    assert [str(p) for p in checked.problems] == []
    assert [m.id for m in checked.course.modules][-1] == "practice"
    kinds = [b.type for _m, _u, b in checked.course.blocks() if _m.id == "practice"]
    assert kinds == ["html", "checkpoint_quiz", "stage_toolkit"]


def commands():
    found = []
    for _name, body in blocks("sh"):
        for line in body.splitlines():
            if line.startswith("facilitator-course "):
                found.append(line)
    return found


@pytest.mark.parametrize("line", commands())
def test_every_command_in_the_guide_parses(line):
    argv = shlex.split(line)[1:]
    assert argv[0] in COMMANDS
    args = build_parser(argv[0]).parse_args(argv)
    assert callable(args.func)


def test_the_guide_shows_the_whole_round_trip():
    names = {shlex.split(line)[1] for line in commands()}
    assert {"validate", "preview", "build", "import", "schema"} <= names
