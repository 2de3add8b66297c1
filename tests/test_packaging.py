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


def wheel_requirements(wheel):
    """``(runtime, {extra: [...]})`` requirement names from the wheel's METADATA."""
    with zipfile.ZipFile(wheel) as archive:
        (meta,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        text = archive.read(meta).decode("utf-8")
    runtime, extras = [], {}
    for line in text.splitlines():
        if not line.startswith("Requires-Dist: "):
            continue
        spec = line.split(": ", 1)[1]
        name = spec.split(";")[0].split("[")[0].split(">")[0].split("=")[0].split("<")[0].strip().lower()
        if "extra ==" in spec:
            extra = spec.rsplit("extra ==", 1)[1].strip().strip("\"'")
            extras.setdefault(extra, []).append(name)
        else:
            runtime.append(name)
    return runtime, extras


def test_runtime_requirements_are_only_what_the_blocks_need_in_the_lms(wheel):
    runtime, extras = wheel_requirements(wheel)
    assert sorted(runtime) == sorted(["xblock", "webob", "lxml", "jinja2", "nh3", "pyyaml", "orjson"])
    # XBlock >= 6.2 carries web_fragments itself: requiring the distribution would put two on one package.
    assert "web-fragments" not in runtime and not any("web-fragments" in names for names in extras.values())
    for tool in ("xblock-sdk", "ffmpeg-python", "imageio-ffmpeg", "pytest", "selenium", "pandas", "django"):
        assert tool not in runtime
    assert "xblock-sdk" in extras["preview"]
    assert {"ffmpeg-python", "imageio-ffmpeg"} <= set(extras["media"])
    assert "markdown-it-py" in extras["course"]
    assert "pandas" in extras["bench"]
    assert {"edx-completion", "edx-opaque-keys", "event-tracking", "pytest"} <= set(extras["test"])


def test_lower_bounds_admit_every_release_pin(wheel):
    """Each runtime requirement's specifier admits the version each release in the matrix pins."""
    from packaging.requirements import Requirement

    from scripts.release_matrix import PINS, canonical, read_release

    with zipfile.ZipFile(wheel) as archive:
        (meta,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        text = archive.read(meta).decode("utf-8")
    requirements = [
        Requirement(line.split(": ", 1)[1])
        for line in text.splitlines()
        if line.startswith("Requires-Dist: ") and "extra ==" not in line
    ]
    for release in PINS:
        _python, pins = read_release(release)
        for requirement in requirements:
            pinned = pins.get(canonical(requirement.name))
            if pinned is not None:
                assert requirement.specifier.contains(pinned), (release, requirement, pinned)


def test_release_matrix_bad_input_is_one_line(capsys, tmp_path):
    from scripts import release_matrix

    assert release_matrix.main(["nosuch", "--workdir", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: unknown release 'nosuch' (known: teak, ulmo, verawood, newest)"]
    missing = str(tmp_path / "none.whl")
    assert release_matrix.main(["teak", "--wheel", missing, "--workdir", str(tmp_path)]) == 1
    assert "no wheel at" in capsys.readouterr().err


def test_release_matrix_sees_a_moved_pin():
    from scripts.release_matrix import changed_pins

    pins = {"xblock": "5.2.0", "django": "4.2.20"}
    assert changed_pins(pins, dict(pins), dict(pins)) == []
    assert changed_pins(pins, dict(pins), {"xblock": "6.1.0", "django": "4.2.20"}) == [
        "xblock 5.2.0 became 6.1.0"
    ]
    assert changed_pins(pins, dict(pins), {"xblock": "5.2.0"}) == ["django 4.2.20 became uninstalled"]
