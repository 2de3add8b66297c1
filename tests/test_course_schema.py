"""``facilitator-course schema``: the JSON Schema editors use agrees with ``validate`` on the shipped
course (every file passes both) and on mistakes (a wrong key, type, value or a missing key fails both)."""

import datetime
import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml

from course.cli import DEFAULT_SOURCE
from course.json_schema import KINDS, header_line, schema_for, schema_text
from course.validate import validate
from scripts.cli import main as cli_main


def as_editor_reads(value):
    """YAML data as an editor's YAML 1.2 reader gives it to the schema (dates are text there)."""
    if isinstance(value, dict):
        return {k: as_editor_reads(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_editor_reads(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def validator(kind):
    found = schema_for(kind)
    jsonschema.Draft202012Validator.check_schema(found)
    return jsonschema.Draft202012Validator(found)


def source_files(root):
    root = Path(root)
    return [(root / "course.yaml", "course"), (root / "sources.yaml", "sources")] + [
        (path, "module") for path in sorted((root / "modules").glob("*.yaml"))
    ]


def schema_errors(path, kind):
    data = as_editor_reads(yaml.safe_load(path.read_text(encoding="utf-8")))
    return sorted(error.message for error in validator(kind).iter_errors(data))


@pytest.mark.parametrize("path,kind", source_files(DEFAULT_SOURCE), ids=lambda v: getattr(v, "name", v))
def test_every_shipped_file_passes_its_schema(path, kind):
    assert schema_errors(path, kind) == []


@pytest.mark.parametrize("path,kind", source_files(DEFAULT_SOURCE), ids=lambda v: getattr(v, "name", v))
def test_every_shipped_file_names_its_schema_for_the_editor(path, kind):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    depth = len(path.relative_to(DEFAULT_SOURCE).parts) - 1
    assert first == header_line(kind, depth)
    target = (path.parent / first.split("$schema=", 1)[1]).resolve()
    assert target.is_file()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_shipped_schema_files_are_the_generated_ones(kind):
    shipped = DEFAULT_SOURCE / "schemas" / f"{kind}.schema.json"
    assert shipped.read_text(encoding="utf-8") == schema_text(kind), "run: facilitator-course schema"


def test_schema_command_writes_the_files_and_one_bundle(tmp_path, capsys):
    assert cli_main(["schema", "--out", str(tmp_path / "schemas")]) == 0
    assert sorted(p.name for p in (tmp_path / "schemas").iterdir()) == [
        "course.schema.json",
        "module.schema.json",
        "sources.schema.json",
    ]
    assert cli_main(["schema", "--out", str(tmp_path / "all.json")]) == 0
    bundle = json.loads((tmp_path / "all.json").read_text())
    jsonschema.Draft202012Validator.check_schema(bundle)
    course = as_editor_reads(yaml.safe_load((DEFAULT_SOURCE / "course.yaml").read_text()))
    assert list(jsonschema.Draft202012Validator(bundle).iter_errors(course)) == []
    module = as_editor_reads(yaml.safe_load((DEFAULT_SOURCE / "modules" / "02-session-1.yaml").read_text()))
    module_schema = {**bundle["$defs"]["module_file"], "$defs": bundle["$defs"]}
    assert list(jsonschema.Draft202012Validator(module_schema).iter_errors(module)) == []


def test_descriptions_enumerations_and_ranges_come_from_the_rules():
    module = schema_for("module")
    quiz = module["$defs"]["checkpoint_quiz_block"]["properties"]
    assert quiz["show_answers"]["enum"] == ["always", "after_pass_or_last_attempt", "never"]
    assert quiz["pass_ratio"]["minimum"] == 0 and quiz["pass_ratio"]["maximum"] == 1
    assert quiz["max_attempts"]["type"] == "integer"
    assert "Attempts allowed" in quiz["max_attempts"]["description"]
    question = module["$defs"]["question"]["properties"]
    assert question["kind"]["enum"] == ["single", "multiple", "true_false"]
    resource = module["$defs"]["resource"]["properties"]
    assert "pdf" in resource["kind"]["enum"]
    assert module["required"] == ["id", "units"]
    assert module["additionalProperties"] is False


MISTAKES = {
    "unknown key": (
        "    title: Watch and read\n",
        "    titel: Watch and read\n",
        'unknown key "titel" in a unit (did you mean "title"?)',
        "Additional properties are not allowed ('titel' was unexpected)",
    ),
    "wrong type": (
        "        max_attempts: 3\n",
        "        max_attempts: three\n",
        '"max_attempts" in a checkpoint_quiz block must be a whole number, not the text "three"',
        "'three' is not of type 'integer'",
    ),
    "wrong value": (
        "        show_answers: after_pass_or_last_attempt\n",
        "        show_answers: after_passing\n",
        "show_answers in a checkpoint_quiz block must be one of always, after_pass_or_last_attempt, never",
        "'after_passing' is not one of ['always', 'after_pass_or_last_attempt', 'never']",
    ),
    "out of range": (
        "        pass_ratio: 0.8\n",
        "        pass_ratio: 1.5\n",
        "pass_ratio in a checkpoint_quiz block must be at least 0 and at most 1, not 1.5",
        "1.5 is greater than the maximum of 1",
    ),
    "missing key": (
        "          - id: who-leads\n            kind: single\n",
        "          - id: who-leads\n",
        'a question is missing the required key "kind"',
        "'kind' is a required property",
    ),
}


@pytest.mark.parametrize("case", sorted(MISTAKES))
def test_a_mistake_fails_both_validate_and_the_schema(case, tmp_path):
    old, new, problem, schema_message = MISTAKES[case]
    source = tmp_path / "content"
    shutil.copytree(DEFAULT_SOURCE, source)
    module = source / "modules" / "02-session-1.yaml"
    text = module.read_text(encoding="utf-8")
    assert old in text
    module.write_text(text.replace(old, new, 1), encoding="utf-8")
    problems = [str(p) for p in validate(source).problems]
    assert any(problem in p and p.startswith(str(module)) for p in problems), problems
    assert any(schema_message in message for message in schema_errors(module, "module")), schema_errors(
        module, "module"
    )
