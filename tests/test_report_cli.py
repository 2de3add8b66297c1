"""``facilitator-course report``: the files it writes, and clear errors for what the user can fix."""

import csv
import datetime
import gzip
import json
import re
from xml.etree import ElementTree

import pytest

from scripts.cli import main as cli_main
from scripts.gen_tracking_log import COURSE_ID, generate
from scripts.preview.tracking import tracking_record
from xblocks.facilitator_progress.report_output import safe_cell, safe_file_stem


@pytest.fixture(scope="module")
def log(tmp_path_factory):
    path = tmp_path_factory.mktemp("log") / "tracking.log"
    truth = generate(path, learners=25, seed=5, progress_every=90.0, corrupt_rate=0.01)
    return path, truth


def _rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_report_writes_every_file(log, tmp_path, capsys):
    path, truth = log
    out = tmp_path / "out"
    assert cli_main(["report", str(path), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert f"{len(truth.learners)} learners" in said
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        ["learners.csv", "chapters.csv", "summary.html", "funnel.svg"]
        + [f"dropoff-session-{n}-video.svg" for n in range(1, 6)]
    )
    learners = _rows(out / "learners.csv")
    assert [r["username"] for r in learners] == sorted(truth.learners)
    for row in learners:
        me = truth.learners[row["username"]]
        assert row["last_activity"] == me.last
        for module, coverage in me.coverage.items():
            expected = 1.0 if module in me.video_completed else coverage
            assert float(row[f"{module} completion"]) == pytest.approx(expected, abs=0.0006)
            assert int(row[f"{module} chapters completed"]) == len(me.completed_chapters[module])
        for module, score in me.quiz_score.items():
            assert float(row[f"{module} score"]) == pytest.approx(score, abs=0.0006)
            assert row[f"{module} passed"] == ("yes" if module in me.quiz_passed else "no")
            assert int(row[f"{module} attempts"]) == me.quiz_attempts[module]
        for module, completion in me.toolkit_completion.items():
            assert float(row[f"{module} completion"]) == pytest.approx(completion, abs=0.0006)
    chapters = _rows(out / "chapters.csv")
    first = [r for r in chapters if r["session"] == "session-1-video"]
    assert [int(r["chapter"]) for r in first] == list(range(1, 10))
    for row in first:
        index = int(row["chapter"]) - 1
        assert int(row["reached"]) == sum(
            1 for me in truth.learners.values() if index in me.reached.get("session-1-video", ())
        )
    html = (out / "summary.html").read_text(encoding="utf-8")
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert html.count("<svg") == 6
    assert "skipped" in html.lower() and "not a JSON tracking record" in html
    for svg in out.glob("*.svg"):
        ElementTree.fromstring(svg.read_bytes())  # each chart is well-formed XML on its own


def test_report_reads_several_logs_plain_and_gz(log, tmp_path):
    path, _truth = log
    lines = path.read_bytes().splitlines(keepends=True)
    half = len(lines) // 2
    (tmp_path / "a.log").write_bytes(b"".join(lines[:half]))
    (tmp_path / "b.log.gz").write_bytes(gzip.compress(b"".join(lines[half:])))
    whole, split = tmp_path / "whole", tmp_path / "split"
    assert cli_main(["report", str(path), "--out", str(whole), "--quiet"]) == 0
    assert cli_main(["report", str(tmp_path / "a.log"), str(tmp_path / "b.log.gz"), "--out", str(split)]) == 0
    assert (whole / "learners.csv").read_text() == (split / "learners.csv").read_text()
    assert (whole / "chapters.csv").read_text() == (split / "chapters.csv").read_text()


def test_missing_log_is_one_clear_error(tmp_path, capsys):
    code = cli_main(["report", str(tmp_path / "missing.log"), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("error: ") and "missing.log: no such file" in err and "Traceback" not in err


def test_log_that_is_a_folder(tmp_path, capsys):
    assert cli_main(["report", str(tmp_path), "--out", str(tmp_path / "o")]) == 1
    assert "is a folder" in capsys.readouterr().err


def test_output_dir_that_is_a_file(log, tmp_path, capsys):
    path, _truth = log
    target = tmp_path / "taken"
    target.write_text("keep me")
    assert cli_main(["report", str(path), "--out", str(target)]) == 1
    assert "is a file, not a folder" in capsys.readouterr().err
    assert target.read_text() == "keep me"


def test_output_inside_a_file_path(log, tmp_path, capsys):
    path, _truth = log
    (tmp_path / "f").write_text("x")
    assert cli_main(["report", str(path), "--out", str(tmp_path / "f" / "sub")]) == 1
    assert "cannot create the folder" in capsys.readouterr().err


def test_not_gzip_though_named_gz_is_read_as_text(log, tmp_path):
    path, _truth = log
    fake = tmp_path / "really-plain.log.gz"
    fake.write_bytes(path.read_bytes())
    assert cli_main(["report", str(fake), "--out", str(tmp_path / "o"), "--quiet"]) == 0


def test_empty_log_writes_an_empty_report(tmp_path):
    empty = tmp_path / "empty.log"
    empty.write_text("")
    out = tmp_path / "o"
    assert cli_main(["report", str(empty), "--out", str(out), "--quiet"]) == 0
    assert _rows(out / "learners.csv") == []
    assert "No module events" in (out / "summary.html").read_text()


def test_log_of_only_garbage_is_not_fatal(tmp_path):
    junk = tmp_path / "junk.log"
    junk.write_bytes(b"\xff\xfe\x00garbage\n{not json}\n[1]\n\n")
    out = tmp_path / "o"
    assert cli_main(["report", str(junk), "--out", str(out), "--quiet"]) == 0
    html = (out / "summary.html").read_text()
    assert re.search(r"not a JSON tracking record.*?>3<", html, re.S)


HOSTILE = '<script>alert("x")</script>&<img src=x onerror=alert(1)>'


def test_hostile_names_and_titles_are_escaped(tmp_path):
    when = datetime.datetime(2025, 5, 1, 12, 0, tzinfo=datetime.UTC)
    course = COURSE_ID
    records = []
    for user in (HOSTILE, "=cmd|' /C calc'!A0", "ana"):
        usage = f"block-v1:x+type@chaptered_video+block@{HOSTILE}"
        records.append(
            tracking_record(
                "edx.chaptered_video.chapter_reached",
                {"module_id": "../../" + HOSTILE, "chapter": 0, "title": HOSTILE, "chapters_total": 2},
                user,
                usage,
                course,
                when=when,
                display_name=HOSTILE,
            )
        )
    log = tmp_path / "t.log"
    log.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "o"
    assert cli_main(["report", str(log), "--out", str(out), "--quiet"]) == 0
    html = (out / "summary.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    files = sorted(p.name for p in out.iterdir())
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]+", name) for name in files)
    assert not any(p.name.startswith(".") for p in tmp_path.iterdir() if p != out)
    for svg in out.glob("*.svg"):
        text = svg.read_text(encoding="utf-8")
        assert "<script" not in text
        ElementTree.fromstring(text.encode())
    rows = _rows(out / "learners.csv")
    names = {r["username"] for r in rows}
    assert "'=cmd|' /C calc'!A0" in names  # a spreadsheet shows it as text, never runs it
    assert HOSTILE in names  # CSV is data: kept as it was, the HTML is what escapes it
    header = (out / "learners.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "../../" in header


def test_safe_cell_and_file_stem():
    assert safe_cell("=1+1") == "'=1+1" and safe_cell("+1") == "'+1" and safe_cell("@x") == "'@x"
    assert safe_cell("ana") == "ana" and safe_cell(3) == 3
    taken = set()
    assert safe_file_stem("../../etc/passwd", taken) == "etc_passwd"
    assert safe_file_stem("../../etc/passwd", taken) == "etc_passwd-2"
    assert safe_file_stem("...", taken) == "module"


def test_course_option(log, tmp_path):
    path, _truth = log
    out = tmp_path / "o"
    assert (
        cli_main(["report", str(path), "--out", str(out), "--course", "course-v1:Nobody+X+Y", "--quiet"]) == 0
    )
    assert _rows(out / "learners.csv") == []
    assert "event of another course" in (out / "summary.html").read_text()


def test_report_needs_out(log, capsys):
    path, _truth = log
    with pytest.raises(SystemExit) as raised:
        cli_main(["report", str(path)])
    assert raised.value.code == 2
    assert "--out" in capsys.readouterr().err
