"""``report`` on a whole instance's logs: ``--course`` skips other courses' lines unparsed with the same
results, rotated logs read in ``--jobs`` processes give the same files byte for byte, and bad input
(``--jobs``, damaged gzip) gets one clear line."""

import csv
import datetime
import gzip
import json
import random
import re

import pytest

from scripts.cli import main as cli_main
from scripts.gen_tracking_log import COURSE_ID, OTHER_COURSE_ID, generate
from scripts.preview.tracking import tracking_record
from xblocks.facilitator_progress import report
from xblocks.facilitator_progress.report import mention_marks, scan
from xblocks.facilitator_progress.report_output import figures, learner_rows

SAME_FILES = ("learners.csv", "chapters.csv", "funnel.svg")


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    """An instance's log: 70 % other courses' lines, a share naming the course elsewhere, completion lines."""
    path = tmp_path_factory.mktemp("instance") / "tracking.log"
    truth = generate(
        path,
        learners=30,
        seed=9,
        progress_every=120.0,
        corrupt_rate=0.01,
        other_share=0.7,
        completion_share=0.5,
    )
    return path, truth


@pytest.fixture(scope="module")
def rotated(instance, tmp_path_factory):
    """The instance's log cut into four rotated files, plain and gzip mixed, as logrotate leaves them."""
    path, truth = instance
    lines = path.read_bytes().splitlines(keepends=True)
    folder = tmp_path_factory.mktemp("rotated")
    cuts = [0, len(lines) // 5, len(lines) // 2, 3 * len(lines) // 4, len(lines)]
    paths = []
    for i in range(4):
        chunk = b"".join(lines[cuts[i] : cuts[i + 1]])
        name = folder / f"tracking.log-2025030{i + 1}{'.gz' if i != 2 else ''}"
        name.write_bytes(gzip.compress(chunk) if i != 2 else chunk)
        paths.append(name)
    return paths, truth


def _rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _state(tally):
    """Everything a scan decided about the learners and modules (the report's figures and rows)."""
    return list(learner_rows(tally)), figures(tally).modules, tally.lines, tally.used


# --- --course: lines that do not name the course are not parsed ---------------------------------------


def test_course_skips_unnamed_lines_with_the_same_results(instance):
    path, truth = instance
    quick = scan([path], course_id=COURSE_ID, skip_unnamed=True)
    full = scan([path], course_id=COURSE_ID)
    assert _state(quick) == _state(full)
    assert quick.skipped_total == full.skipped_total
    assert quick.skipped["unnamed"] > truth.instance * 0.9  # most other courses' lines were never parsed
    assert "unnamed" not in full.skipped
    # Lines naming the course only elsewhere (a referer) were parsed, then rejected by the real check.
    assert truth.mentions > 0
    assert quick.skipped["other_course"] + quick.skipped["unknown_type"] >= truth.mentions
    assert sum(quick.other_courses.values()) >= 1


def test_report_course_writes_what_the_full_reading_writes(instance, tmp_path):
    path, _truth = instance
    named, found = tmp_path / "named", tmp_path / "found"
    assert cli_main(["report", str(path), "--out", str(named), "--course", COURSE_ID, "--quiet"]) == 0
    assert (
        cli_main(["report", str(path), "--out", str(found), "--quiet"]) == 0
    )  # the course found: all parsed
    for name in [*SAME_FILES, *(p.name for p in found.glob("dropoff-*.svg"))]:
        assert (named / name).read_bytes() == (found / name).read_bytes(), name
    assert "does not name the course" in (named / "summary.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("chunk", [4096, 9999])
def test_block_edges_change_nothing(instance, monkeypatch, chunk):
    """Lines and course ids cut by the edge of a read block are found all the same."""
    path, _truth = instance
    whole = scan([path], course_id=COURSE_ID, skip_unnamed=True)
    monkeypatch.setattr(report, "CHUNK_BYTES", chunk)
    small = scan([path], course_id=COURSE_ID, skip_unnamed=True)
    assert _state(small) == _state(whole) and small.skipped == whole.skipped


def _record(course, user, module="session-1-video", coverage=0.5, minute=0):
    when = datetime.datetime(2025, 5, 1, 12, minute, tzinfo=datetime.UTC)
    usage = f"block-v1:{course.split(':', 1)[-1]}+type@chaptered_video+block@{module}"
    return tracking_record(
        "edx.chaptered_video.progress",
        {"module_id": module, "coverage": coverage, "position": 10},
        user,
        usage,
        course,
        when=when,
    )


@pytest.mark.parametrize(
    "course",
    ["course-v1:École+Formación+2025", "course-v1:X+课程+1", "course-v1:A+😀+1", "Org/Course/Run"],
)
def test_a_course_id_written_escaped_is_found(tmp_path, course):
    """Writers escape what the course id may hold (\\uXXXX for non-ASCII, some \\/ for slashes)."""
    ascii_only = json.dumps(_record(course, "dan", coverage=1.0, minute=4))
    lines = [
        json.dumps(_record(course, "ana", coverage=0.25, minute=1)),  # ASCII-only, as the LMS's json writes
        json.dumps(_record(course, "ben", coverage=0.5, minute=2), ensure_ascii=False),  # UTF-8 as is
        json.dumps(_record(course, "cy", coverage=0.75, minute=3)).replace("/", "\\/"),  # slashes escaped
        re.sub(r"\\u([0-9a-f]{4})", lambda m: "\\u" + m.group(1).upper(), ascii_only),  # upper-case hex
        json.dumps(_record(OTHER_COURSE_ID, "eve", minute=5)),
    ]
    path = tmp_path / "t.log"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    quick = scan([path], course_id=course, skip_unnamed=True)
    full = scan([path], course_id=course)
    assert _state(quick) == _state(full)
    assert set(quick.learners) == {"ana", "ben", "cy", "dan"}


def test_marks_of_a_course_id():
    assert mention_marks("course-v1:NGSP+Facilitator+2025") == (b"course-v1:NGSP+Facilitator+2025",)
    assert b"course-v1:\\u00c9+X+1" in mention_marks("course-v1:É+X+1")
    assert b"a\\/b" in mention_marks("a/b")
    assert mention_marks('x"y') is None and mention_marks("x\\y") is None and mention_marks("a\nb") is None


def test_a_course_id_json_must_escape_is_read_line_by_line(tmp_path):
    course = 'course-v1:Odd"Name+X+1'
    path = tmp_path / "t.log"
    path.write_text(json.dumps(_record(course, "ana")) + "\n" + json.dumps(_record(COURSE_ID, "ben")) + "\n")
    tally = scan([path], course_id=course, skip_unnamed=True)
    assert list(tally.learners) == ["ana"] and tally.skipped == {"other_course": 1}


# --- several rotated logs, --jobs ---------------------------------------------------------------------


def test_jobs_give_the_same_files_byte_for_byte(rotated, tmp_path):
    paths, truth = rotated
    outs = []
    for jobs in (1, 2, 3):
        out = tmp_path / f"jobs-{jobs}"
        args = ["report", *map(str, paths), "--out", str(out), "--jobs", str(jobs), "--quiet"]
        assert cli_main(args) == 0
        outs.append(out)
    names = sorted(p.name for p in outs[0].iterdir())
    assert "summary.html" in names and "learners.csv" in names and len(names) > 4
    for out in outs[1:]:
        assert sorted(p.name for p in out.iterdir()) == names
        for name in names:
            assert (out / name).read_bytes() == (outs[0] / name).read_bytes(), (out.name, name)
    assert {r["username"] for r in _rows(outs[0] / "learners.csv")} == set(truth.learners)


def test_rotated_logs_read_as_the_whole_log(instance, rotated, tmp_path):
    (path, _truth), (paths, _) = instance, rotated
    whole = scan([path], course_id=COURSE_ID, skip_unnamed=True)
    for jobs in (1, 2):
        parts = scan(paths, course_id=COURSE_ID, skip_unnamed=True, jobs=jobs)
        assert _state(parts) == _state(whole)
        assert parts.skipped == whole.skipped and parts.files == [str(p) for p in paths]
    found = scan(paths, jobs=2)  # no course given: the first block event's, found before the files are shared
    assert found.course_id == COURSE_ID and _state(found) == _state(scan([path]))


def test_meanwhile_runs_once_while_workers_read_and_never_with_one_job(rotated):
    paths, _ = rotated
    calls = []
    for jobs in (1, 2):
        tally = scan(
            paths,
            course_id=COURSE_ID,
            skip_unnamed=True,
            jobs=jobs,
            meanwhile=lambda jobs=jobs: calls.append(jobs),
        )
        assert tally.files == [str(p) for p in paths]
    assert calls == [2]


def _learner_events(rng, minutes):
    """One learner's events of every kind in a random order of time (duplicates and unticks included)."""
    records = []
    for minute in minutes:
        kind = rng.choice(["progress", "reached", "toolkit", "reflection", "quiz", "completion", "grade"])
        when = datetime.datetime(2025, 5, 1, 12, 0, tzinfo=datetime.UTC) + datetime.timedelta(minutes=minute)
        if kind == "progress":
            data, etype, block, module = {"coverage": rng.choice([0.1, 0.4, 0.9])}, "progress", "video", "v"
        elif kind == "reached":
            data, etype, block, module = (
                {"chapter": rng.randrange(4), "title": "C"},
                "chapter_completed",
                "video",
                "v",
            )
        elif kind in ("toolkit", "reflection"):
            checked = rng.randrange(5)
            data = {
                "completion": checked / 4,
                "stage": "planning",
                "items_checked": checked,
                "items_total": 4,
            }
            etype = "item_checked" if kind == "toolkit" else "reflection_saved"
            block, module = "toolkit", "t"
        elif kind == "quiz":
            data, etype, block, module = (
                {"score": rng.choice([0.2, 0.8]), "attempt": minute % 3 + 1},
                "submitted",
                "quiz",
                "q",
            )
        elif kind == "grade":
            usage = f"block-v1:{COURSE_ID.split(':', 1)[1]}+type@checkpoint_quiz+block@q"
            records.append(
                tracking_record(
                    "grade", {"value": rng.randrange(5), "max_value": 4}, "ana", usage, COURSE_ID, when=when
                )
            )
            continue
        else:
            from scripts.gen_tracking_log import completion_record

            block_type = rng.choice(["chaptered_video", "stage_toolkit", "checkpoint_quiz"])
            module = {"chaptered_video": "v", "stage_toolkit": "t", "checkpoint_quiz": "q"}[block_type]
            records.append(
                completion_record("ana", 7, COURSE_ID, block_type, module, rng.choice([0.3, 1.0]), when)
            )
            continue
        full = {
            "video": "edx.chaptered_video",
            "toolkit": "edx.stage_toolkit",
            "quiz": "edx.checkpoint_quiz",
        }[block]
        block_type = {"video": "chaptered_video", "toolkit": "stage_toolkit", "quiz": "checkpoint_quiz"}[
            block
        ]
        usage = f"block-v1:{COURSE_ID.split(':', 1)[1]}+type@{block_type}+block@{module}"
        records.append(
            tracking_record(
                f"{full}.{etype}", {"module_id": module, **data}, "ana", usage, COURSE_ID, when=when
            )
        )
    return records


@pytest.mark.parametrize("seed", range(12))
def test_partials_merge_as_one_reading(tmp_path, seed):
    """Any cut of one learner's events into files, read in any number of jobs, says what one file says:
    the latest toolkit state and platform completion by time, ties to the later file, scores, chapters."""
    rng = random.Random(seed)
    minutes = [rng.randrange(8) for _ in range(40)]  # many equal times: the later line wins a tie
    lines = [json.dumps(r) for r in _learner_events(rng, minutes)]
    whole = tmp_path / "whole.log"
    whole.write_text("\n".join(lines) + "\n")
    cuts = sorted(rng.sample(range(1, len(lines)), 3))
    paths = []
    for i, (a, b) in enumerate(zip([0, *cuts], [*cuts, len(lines)], strict=True)):
        part = tmp_path / f"part-{i}.log"
        part.write_text("".join(line + "\n" for line in lines[a:b]))
        paths.append(part)
    one = scan([whole])
    for jobs in (1, 3):
        split = scan(paths, jobs=jobs)
        assert _state(split) == _state(one)
        for module_id, state in one.learners["ana"].modules.items():
            other = split.learners["ana"].modules[module_id]
            assert {k: getattr(other, k) for k in state.__slots__} == {
                k: getattr(state, k) for k in state.__slots__
            }


def test_one_module_id_of_two_kinds_across_files(tmp_path):
    """The first file's kind holds; the later file's events of the other kind are invalid, as in one file."""
    video = _record(COURSE_ID, "ana", module="m", minute=1)
    quiz = tracking_record(
        "edx.checkpoint_quiz.submitted",
        {"module_id": "m", "score": 1.0, "attempt": 1, "passed": True},
        "ben",
        "block-v1:x+type@checkpoint_quiz+block@m",
        COURSE_ID,
    )
    late_video = _record(COURSE_ID, "ben", module="m", coverage=0.9, minute=2)
    first, second, whole = tmp_path / "1.log", tmp_path / "2.log", tmp_path / "w.log"
    first.write_text(json.dumps(video) + "\n")
    second.write_text(json.dumps(quiz) + "\n" + json.dumps(late_video) + "\n")
    whole.write_text(first.read_text() + second.read_text())
    one = scan([whole])
    for jobs in (1, 2):
        split = scan([first, second], jobs=jobs)
        assert _state(split) == _state(one) and split.skipped == one.skipped == {"invalid": 1}
        assert split.modules["m"].kind == "chaptered_video"
        assert split.learners["ben"].modules["m"].coverage == 0.9


# --- bad input ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["0", "-1", "-20", "257", "100000", "99999999999999999999", "two", "1.5", "", " ", "1e3", "nan", "²"],
)
def test_bad_jobs_is_one_clear_line(instance, tmp_path, capsys, value):
    path, _truth = instance
    code = cli_main(["report", str(path), "--out", str(tmp_path / "o"), f"--jobs={value}"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("error: --jobs must be a whole number from 1 to 256") and err.count("\n") == 1
    assert "Traceback" not in err and not (tmp_path / "o" / "learners.csv").exists()


def test_default_jobs_are_the_cores(monkeypatch):
    from xblocks.facilitator_progress.report_cli import jobs_from

    monkeypatch.setattr("os.cpu_count", lambda: 6)
    assert jobs_from(None) == 6 and jobs_from(" 3 ") == 3
    monkeypatch.setattr("os.cpu_count", lambda: None)
    assert jobs_from(None) == 1


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_damaged_gzip_is_named_and_the_rest_is_read(rotated, tmp_path, capsys, jobs):
    paths, _truth = rotated
    data = bytearray(paths[1].read_bytes())
    data[len(data) // 2 : len(data) // 2 + 64] = bytes(64)  # a damaged stretch in the middle
    damaged = tmp_path / "tracking.log-20250302.gz"
    damaged.write_bytes(bytes(data))
    logs = [paths[0], damaged, paths[2], paths[3]]
    out = tmp_path / "out"
    assert cli_main(["report", *map(str, logs), "--out", str(out), "--jobs", jobs, "--quiet"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("note: tracking.log-20250302.gz: the compressed file ends early or is damaged")
    assert err.count("\n") == 1 and "Traceback" not in err
    html = (out / "summary.html").read_text(encoding="utf-8")
    assert "tracking.log-20250302.gz: the compressed file ends early or is damaged" in html
    whole = scan(logs, jobs=1)
    assert whole.lines > scan([paths[0], paths[2], paths[3]]).lines  # what was read before the damage counts


def test_a_log_that_goes_missing_is_one_clear_line(rotated, tmp_path, capsys):
    paths, _truth = rotated
    code = cli_main(
        ["report", str(paths[0]), str(tmp_path / "tracking.log-20250309.gz"), "--out", str(tmp_path / "o")]
    )
    err = capsys.readouterr().err
    assert code == 1 and "tracking.log-20250309.gz: no such file" in err and "Traceback" not in err


def test_not_gzip_at_all_though_it_starts_like_one(tmp_path, capsys):
    fake = tmp_path / "tracking.log-20250301.gz"
    fake.write_bytes(b"\x1f\x8b" + b"not really gzip" * 10)
    out = tmp_path / "o"
    assert cli_main(["report", str(fake), "--out", str(out), "--jobs", "2", "--quiet"]) == 0
    assert (
        "tracking.log-20250301.gz: the compressed file ends early or is damaged"
        in (out / "summary.html").read_text()
    )


def test_platform_completion_at_the_same_time_in_two_files(tmp_path):
    """Two completion lines of one block at one time: the later line wins, in one file or across two."""
    from scripts.gen_tracking_log import completion_record

    when = datetime.datetime(2025, 5, 1, 12, 0, tzinfo=datetime.UTC)
    lines = [
        json.dumps(completion_record("ana", 7, COURSE_ID, "chaptered_video", "v", value, when))
        for value in (1.0, 0.25)
    ]
    first, second, whole = tmp_path / "1.log", tmp_path / "2.log", tmp_path / "w.log"
    first.write_text(lines[0] + "\n")
    second.write_text(lines[1] + "\n")
    whole.write_text(lines[0] + "\n" + lines[1] + "\n")
    assert scan([whole], course_id=COURSE_ID).learners["ana"].modules["v"].completion == 0.25
    for jobs in (1, 2):
        assert scan([first, second], COURSE_ID, jobs=jobs).learners["ana"].modules["v"].completion == 0.25


def test_generator_mixes_other_courses_at_the_share_asked(tmp_path, capsys):
    from scripts.gen_tracking_log import main as gen_main

    path = tmp_path / "mixed.log"
    truth = generate(
        path, learners=6, seed=4, events=4000, corrupt_rate=0.0, other_share=0.75, completion_share=1.0
    )
    named = sum(1 for line in path.open("rb") if COURSE_ID.encode() in line)
    assert truth.lines == 4000 and truth.instance == pytest.approx(3000, abs=30)
    assert (
        named == truth.lines - truth.instance - truth.other_course + truth.mentions and truth.completion > 0
    )
    assert gen_main([str(tmp_path / "x.log"), "--other-share", "1.5"]) == 2
    assert "--other-share must be from 0 to 0.99" in capsys.readouterr().err
