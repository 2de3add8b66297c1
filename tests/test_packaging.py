"""The distribution: a wheel built from the repo registers the blocks and carries their static files."""

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BLOCKS = ("chaptered_video", "checkpoint_quiz", "stage_toolkit", "facilitator_progress")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)],
        check=True,
        timeout=300,
    )
    (found,) = out.glob("facilitator_course-*.whl")
    return found


def test_wheel_carries_templates_static_and_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for block in BLOCKS:
        assert any(n.startswith(f"xblocks/{block}/templates/") for n in names), f"{block} templates missing"
        assert any(n.startswith(f"xblocks/{block}/static/") for n in names), f"{block} static files missing"
    assert "media_manifest/manifest.yaml" in names
    assert any(n.startswith("course/content/") and n.endswith(".yaml") for n in names)
    assert not any(n.startswith("tests/") for n in names)


def test_wheel_installed_in_fresh_venv_registers_blocks(wheel, tmp_path):
    target = tmp_path / "venv"
    venv.create(target, with_pip=True)
    python = target / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--disable-pip-version-check", str(wheel)],
        check=True,
        timeout=300,
    )
    script = (
        "from importlib.metadata import entry_points; import importlib.resources as r;"
        "eps = {e.name: e.value for e in entry_points(group='xblock.v1')};"
        "print(sorted(eps.items()));"
        "print([e.name for e in entry_points(group='console_scripts') if e.name == 'facilitator-course']);"
        "print(sorted(p.name for p in r.files('xblocks').joinpath('chaptered_video', 'static').iterdir()))"
    )
    # Only the wheel is installed (no dependencies): read metadata and files; import nothing needing XBlock.
    done = subprocess.run([str(python), "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for block in BLOCKS:
        assert f"'{block}'" in out
    assert "facilitator-course" in out
    assert "js" in out.splitlines()[-1]
