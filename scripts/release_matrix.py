"""The release matrix: the built wheel inside each Open edX release people run, checked as an operator would.

``python -m scripts.release_matrix [RELEASE ...] --wheel dist/facilitator_course-*.whl`` (``make matrix``).
For each release (``scripts/releases/<name>.txt``: the platform pins of that release's
``requirements/edx/base.txt`` and what they resolve to, with the Python it runs on):

1. a virtualenv of its own with that Python (``.matrix/<name>``);
2. the pinned platform packages installed first, exactly;
3. the wheel installed as an operator would (``pip install WHEEL``, no constraints): it fails if pip changed,
   removed or downgraded any pinned package, or pulled in a preview, media, course or test tool;
4. the four blocks loaded through their ``xblock.v1`` entry points with XBlock's own loader;
5. the test extra installed under the release's pins (they cannot move), and the non-browser suite run.

``--freeze NAME`` writes a release file anew from its table pins (``PINS`` below) and what pip resolves them
to. Bad input (an unknown release, a missing Python, a missing wheel) is one ``error:`` line and exit 1.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from xblocks.common.errors import CommandError

REPO = Path(__file__).resolve().parents[1]
RELEASES_DIR = Path(__file__).resolve().parent / "releases"
BLOCKS = ("chaptered_video", "checkpoint_quiz", "stage_toolkit", "facilitator_progress")

# The table pins of each release (requirements/edx/base.txt of the release branch; "newest" takes the
# newest versions published). The release files add what these resolve to.
PINS = {
    "teak": (
        "3.11",
        "Teak (2025-06)",
        [
            "XBlock[django]==5.2.0",
            "Django==4.2.20",
            "lxml==5.3.2",
            "web-fragments==3.0.0",
            "WebOb==1.8.9",
            "edx-completion==4.7.11",
            "edx-opaque-keys==3.0.0",
            "event-tracking==3.0.0",
        ],
    ),
    "ulmo": (
        "3.11",
        "Ulmo (2025-10)",
        [
            "XBlock[django]==5.2.0",
            "Django==5.2.7",
            "lxml==5.3.2",
            "web-fragments==3.1.0",
            "WebOb==1.8.9",
            "edx-completion==4.9",
            "edx-opaque-keys==3.0.0",
            "event-tracking==3.3.0",
        ],
    ),
    "verawood": (
        "3.12",
        "Verawood (2026-04)",
        [
            "XBlock[django]==6.1.0",
            "Django==5.2.12",
            "lxml==5.3.2",
            "web-fragments==4.0.0",
            "WebOb==1.8.9",
            "edx-completion==4.9",
            "edx-opaque-keys==4.0.0",
            "event-tracking==4.0.0",
        ],
    ),
    "newest": (
        "3.12",
        "newest (XBlock >= 6.2 carries web_fragments itself)",
        [
            "XBlock[django]==6.3.4",
            "Django==5.2.19",
            "lxml==6.1.3",
            "WebOb==1.8.11",
            "edx-completion==5.0.0",
            "edx-opaque-keys==4.0.1",
            "event-tracking==4.1.5",
        ],
    ),
}
# What an LMS must never get from the blocks' own requirements.
DEVELOPER_TOOLS = (
    "xblock-sdk",
    "ffmpeg-python",
    "imageio-ffmpeg",
    "markdown-it-py",
    "ruamel.yaml",
    "pytest",
    "pytest-django",
    "hypothesis",
    "selenium",
    "ruff",
    "pandas",
    "ralph-malph",
    "edx-event-routing-backends",
)
PIP = ("-m", "pip", "--disable-pip-version-check", "-q")


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def read_release(name):
    """``(python, pins {canonical name: version})`` of a release file."""
    if name not in PINS:
        known = ", ".join(PINS)
        raise CommandError(f"unknown release {name!r} (known: {known})")
    path = RELEASES_DIR / f"{name}.txt"
    if not path.is_file():
        raise CommandError(f"{path}: missing; write it: python -m scripts.release_matrix --freeze {name}")
    pins = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;]+)", line)
        if not match:
            raise CommandError(f"{path}:{number}: expected NAME==VERSION, got {line!r}")
        pins[canonical(match.group(1))] = match.group(3)
    return PINS[name][0], pins


def find_python(version):
    """An interpreter of ``version`` (``3.11``): on PATH, else in pyenv's versions folder."""
    candidates = [shutil.which(f"python{version}")]
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    if root.is_dir():
        candidates += sorted(map(str, root.glob(f"{version}.*/bin/python{version}")), reverse=True)
    if sys.version.startswith(f"{version}."):
        candidates.insert(0, sys.executable)
    for candidate in candidates:
        if not candidate:
            continue
        done = subprocess.run(
            [candidate, "-c", "import sys, venv; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
        )
        if done.returncode == 0 and done.stdout.strip() == version:
            return candidate
    raise CommandError(f"Python {version} is not installed (looked on PATH and in {root}); install it first")


def run(cmd, **kwargs):
    """Run a command, failing with its last output lines as one CommandError."""
    done = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise CommandError(f"{' '.join(map(str, cmd[:6]))} ... failed:\n{tail}")
    return done.stdout


def freeze(python):
    out = run([python, *PIP, "freeze", "--all"])
    versions = {}
    for line in out.splitlines():
        if "==" in line:
            name, version = line.split("==", 1)
            versions[canonical(name)] = version.strip()
    return versions


def changed_pins(pins, before, after):
    """Lines for every pinned package that pip changed (or that was not installed as pinned)."""
    problems = []
    for name, version in sorted(pins.items()):
        if name in ("pip", "setuptools", "wheel"):
            continue
        if before.get(name) != version:
            problems.append(f"{name} is {before.get(name)} before the wheel, not the pinned {version}")
        elif after.get(name) != version:
            problems.append(f"{name} {version} became {after.get(name) or 'uninstalled'}")
    return problems


def make_venv(python, target):
    if target.exists():
        shutil.rmtree(target)
    run([python, "-m", "venv", str(target)])
    return str(target / "bin" / "python")


LOAD_BLOCKS = """
import sys
from importlib.metadata import entry_points
from xblock.core import XBlock
ours = {e.name: e for e in entry_points(group="xblock.v1") if e.name in %r}
missing = sorted(set(%r) - set(ours))
if missing:
    sys.exit("entry points missing: %%s" %% missing)
for name, ep in sorted(ours.items()):
    cls = XBlock.load_class(name)
    assert cls is ep.load() and issubclass(cls, XBlock), name
    print(name, cls.__module__, cls.__name__)
import web_fragments, xblock
from importlib.metadata import version
print("XBlock", version("XBlock"), "web_fragments from", web_fragments.__file__)
""" % (BLOCKS, BLOCKS)


def check_release(name, wheel, workdir, run_tests=True, log=print):
    """Everything in the module docstring for one release; raises CommandError on the first failure."""
    started = time.monotonic()
    version, pins = read_release(name)
    python = make_venv(find_python(version), workdir / name)
    log(f"[{name}] Python {version}: installing {len(pins)} pinned platform packages")
    run([python, *PIP, "install", "-r", str(RELEASES_DIR / f"{name}.txt")])
    before = freeze(python)
    log(f"[{name}] installing {wheel.name} as an operator would")
    run([python, *PIP, "install", str(wheel)])
    after = freeze(python)
    problems = changed_pins(pins, before, after)
    tools = [tool for tool in DEVELOPER_TOOLS if canonical(tool) in after and canonical(tool) not in before]
    if tools:
        problems.append("the wheel pulled in developer tools: " + ", ".join(tools))
    if "web-fragments" in after and "web-fragments" not in before:
        # XBlock >= 6.2 carries the web_fragments package: a second distribution would overwrite it.
        problems.append("the wheel pulled in the web-fragments distribution next to an XBlock that has it")
    added = sorted(set(after) - set(before) - {"facilitator-course"})
    if problems:
        raise CommandError(f"[{name}] " + "; ".join(problems))
    log(f"[{name}] pins unchanged; the wheel added: {', '.join(added) or 'nothing else'}")
    loaded = run([python, "-c", LOAD_BLOCKS], cwd=str(workdir))
    log(f"[{name}] " + "; ".join(loaded.strip().splitlines()))
    if run_tests:
        log(f"[{name}] installing the test extra under the release's pins")
        constraints = workdir / f"{name}-constraints.txt"  # pip's constraints take no extras
        constraints.write_text("".join(f"{n}=={v}\n" for n, v in sorted(pins.items())), encoding="utf-8")
        run([python, *PIP, "install", "-c", str(constraints), f"{wheel}[test]"])
        problems = changed_pins(pins, before, freeze(python))
        if problems:
            raise CommandError(f"[{name}] test tools moved pins: " + "; ".join(problems))
        log(f"[{name}] running the non-browser suite")
        env = {**os.environ, "FACILITATOR_RELEASE": name}
        done = subprocess.run(
            [python, "-m", "pytest", "-q", "-m", "not browser", "-p", "no:cacheprovider"],
            cwd=str(REPO),
            env=env,
            capture_output=True,
            text=True,
        )
        summary = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
        if done.returncode != 0:
            tail = "\n".join(done.stdout.strip().splitlines()[-30:])
            raise CommandError(f"[{name}] the non-browser suite failed:\n{tail}\n{done.stderr[-2000:]}")
        log(f"[{name}] {summary}")
    log(f"[{name}] ok in {time.monotonic() - started:.0f} s")


def write_release_file(name, workdir, log=print):
    """Resolve the table pins of ``name`` in a fresh venv and write the release file from the result."""
    if name not in PINS:
        raise CommandError(f"unknown release {name!r} (known: {', '.join(PINS)})")
    version, title, table = PINS[name]
    python = make_venv(find_python(version), workdir / f"freeze-{name}")
    run([python, *PIP, "install", *table])
    resolved = freeze(python)
    table_names = {canonical(re.split(r"[\[=]", pin)[0]) for pin in table}
    lines = [
        f"# {title}: Python {version}. Regenerate: python -m scripts.release_matrix --freeze {name}",
        "# The release's own pins first (requirements/edx/base.txt), then what pip resolved them to.",
        *sorted(table, key=str.lower),
        "",
        *(
            f"{n}=={v}"
            for n, v in sorted(resolved.items())
            if n not in table_names and n not in ("pip", "setuptools", "wheel")
        ),
    ]
    path = RELEASES_DIR / f"{name}.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    log(f"wrote {path}")


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m scripts.release_matrix", description=__doc__.splitlines()[0]
    )
    parser.add_argument("releases", nargs="*", metavar="RELEASE", help=f"default: all ({', '.join(PINS)})")
    parser.add_argument("--wheel", type=Path, help="the built wheel (default: the newest in dist/)")
    parser.add_argument("--workdir", type=Path, default=REPO / ".matrix", help="where the virtualenvs go")
    parser.add_argument("--no-tests", action="store_true", help="packaging checks only")
    parser.add_argument("--freeze", action="store_true", help="write the release files anew instead")
    args = parser.parse_args(argv)
    try:
        names = args.releases or list(PINS)
        for name in names:
            if name not in PINS:
                raise CommandError(f"unknown release {name!r} (known: {', '.join(PINS)})")
        args.workdir.mkdir(parents=True, exist_ok=True)
        if args.freeze:
            for name in names:
                write_release_file(name, args.workdir)
            return 0
        wheel = args.wheel or max((REPO / "dist").glob("facilitator_course-*.whl"), default=None)
        if wheel is None or not Path(wheel).is_file():
            raise CommandError(f"no wheel at {wheel or 'dist/facilitator_course-*.whl'}: run make wheel")
        for name in names:
            check_release(name, Path(wheel).resolve(), args.workdir.resolve(), run_tests=not args.no_tests)
    except CommandError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
