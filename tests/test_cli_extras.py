"""The command names the extra to install when a subcommand's tools are missing, and starts light."""

import subprocess
import sys
from pathlib import Path

import pytest

from scripts import cli

REPO = Path(__file__).resolve().parents[1]


def run_without(modules, *argv):
    """Run ``facilitator-course ARGV`` in a fresh interpreter where ``modules`` cannot be imported."""
    code = (
        "import sys\n"
        f"for name in {list(modules)!r}: sys.modules[name] = None\n"
        "from scripts.cli import main\n"
        f"sys.exit(main({list(argv)!r}))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize(
    ("blocked", "argv", "extra"),
    [
        (["django", "workbench"], ["preview", "--port", "8999"], "preview"),
        (["ffmpeg"], ["media", "doctor"], "media"),
        (["markdown_it"], ["build", "--out", "{tmp}"], "course"),
    ],
)
def test_missing_extra_is_one_line_naming_the_extra(tmp_path, blocked, argv, extra):
    argv = [a.replace("{tmp}", str(tmp_path / "out")) for a in argv]
    done = run_without(blocked, *argv)
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert f"pip install 'facilitator-course[{extra}]'" in lines[0]
    assert lines[0].startswith("error: ")


def test_unrelated_missing_module_is_not_blamed_on_an_extra():
    err = ModuleNotFoundError("No module named 'xblocks.nowhere'", name="xblocks.nowhere")
    assert cli.missing_extra_message("build", err) is None
    err = ModuleNotFoundError("No module named 'ffmpeg'", name="ffmpeg")
    assert "[media]" in cli.missing_extra_message("media", err)


def test_report_starts_without_xblock_or_django():
    code = (
        "import sys; from scripts.cli import build_parser; build_parser('report');"
        "print(sorted(m for m in ('xblock', 'django', 'webob', 'lxml', 'workbench') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_top_level_help_lists_every_command_without_importing_them(capsys):
    parser = cli.build_parser(None)
    parser.print_help()
    out = capsys.readouterr().out
    for name in cli.COMMANDS:
        assert name in out


def test_unknown_command_is_argparse_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["no-such-command"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


@pytest.mark.parametrize(
    "course",
    [
        "NGSP/Facilitator/2025",
        "block-v1:NGSP+F+R+type@video+block@x",
        "course-v1:NGSP+F",
        "<script>",
        "x" * 400,
    ],
)
def test_report_refuses_a_course_key_that_is_not_course_v1(tmp_path, capsys, course):
    log = tmp_path / "tracking.log"
    log.write_text("", encoding="utf-8")
    code = cli.main(["report", str(log), "--out", str(tmp_path / "out"), "--course", course])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert len(err) == 1 and err[0].startswith("error: --course must be a course key like course-v1:")
    assert not (tmp_path / "out").exists()


def test_report_takes_a_course_v1_key(tmp_path, capsys):
    log = tmp_path / "tracking.log"
    log.write_text("", encoding="utf-8")
    out = str(tmp_path / "out")
    code = cli.main(["report", str(log), "--out", out, "--course", " course-v1:NGSP+F+2025 "])
    assert code == 0, capsys.readouterr().err
