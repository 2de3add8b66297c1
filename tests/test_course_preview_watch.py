"""``facilitator-course preview --watch``: a saved change shows on the next page load; a broken source
shows its ``path:line:column`` problems on the course page while the last good build stays served.

A real preview server (the workbench under Django's runserver) is started on a free port, as the
trainer starts it, over a copy of the course source.
"""

import html
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest

from course.cli import DEFAULT_SOURCE
from tests.browser import REPO, _free_port

PAGE = "/scenario/whole_course/"


class WatchedPreview:
    def __init__(self, tmp_path):
        self.source = tmp_path / "src"
        shutil.copytree(DEFAULT_SOURCE, self.source)
        self.build = tmp_path / "build"
        self.var = tmp_path / "var"
        self.var.mkdir()
        self.port = _free_port()
        env = {
            **os.environ,
            "FACILITATOR_VAR": str(self.var),
            "FACILITATOR_BUILD": str(self.build),
            "DJANGO_SETTINGS_MODULE": "scripts.preview.settings",
        }
        self.log = open(self.var / "server.out", "w")  # noqa: SIM115
        command = [sys.executable, "-m", "scripts.cli", "preview", "--watch", "--source", str(self.source)]
        self.process = subprocess.Popen(
            [*command, "--port", str(self.port)],
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError((self.var / "server.out").read_text()[-2000:])
            try:
                self.get("/")
                return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("the preview did not answer within 120 s")

    def get(self, path):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=60) as response:
            return response.read().decode("utf-8")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture
def preview(tmp_path):
    server = WatchedPreview(tmp_path)
    yield server
    server.stop()


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_preview_follows_the_source(preview):
    module = preview.source / "modules" / "01-welcome.yaml"
    page = preview.get(PAGE)
    assert "<h2>1. Welcome</h2>" in page
    tarball = preview.build / "course.tar.gz"
    first = tarball.read_bytes()

    # a saved change is rebuilt by the watching thread, with no page load
    edit(module, "\ntitle: Welcome\n", "\ntitle: Welcome aboard, facilitators\n")
    deadline = time.monotonic() + 30
    while tarball.read_bytes() == first and time.monotonic() < deadline:
        time.sleep(0.2)
    assert tarball.read_bytes() != first, "the watcher did not rebuild"
    page = preview.get(PAGE)
    assert "<h2>1. Welcome aboard, facilitators</h2>" in page
    good = tarball.read_bytes()
    assert good != first

    # and the next page load shows it at once after a save (the page load checks the source)
    edit(module, "\ntitle: Welcome aboard, facilitators\n", "\ntitle: Welcome aboard\n")
    assert "<h2>1. Welcome aboard</h2>" in preview.get(PAGE)
    good = tarball.read_bytes()

    # a broken source: its problems on the page, instead of the course; the last good build stays
    edit(module, "\nunits:\n", "\nunits: [\n")
    page = preview.get(PAGE)
    assert "The course source has problems" in page
    assert re.search(re.escape(str(module)) + r":\d+:\d+: ", page), page[-3000:]
    assert "<h2>1. Welcome aboard" not in page
    assert tarball.read_bytes() == good
    assert (preview.build / "course" / "chapter" / "welcome.xml").is_file()

    # a wrong key is named with its line and column too, and hostile text stays text
    edit(module, "\nunits: [\n", "\nunits:\n")
    edit(module, "\ntitle: Welcome aboard\n", "\ntitle: Welcome\ntitel: Welcome\n")
    edit(module, "\nid: welcome\n", '\nid: "<script>alert(1)</script>"\n')
    page = preview.get(PAGE)
    text = html.unescape(page)
    assert f'{module}:5:1: unknown key "titel" in a module (did you mean "title"?)' in text
    assert f'{module}:3:5: "id" in a module must be an id' in text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page

    # fixed: the course again
    edit(module, '\nid: "<script>alert(1)</script>"\n', "\nid: welcome\n")
    edit(module, "\ntitel: Welcome\n", "\n")
    page = preview.get(PAGE)
    assert "<h2>1. Welcome</h2>" in page and "The course source has problems" not in page


def test_a_rebuilt_course_keeps_its_usage_ids_so_learners_keep_their_state(
    workbench, client, tmp_path, monkeypatch
):
    from scripts.preview.watch import CourseWatcher

    source = tmp_path / "src"
    shutil.copytree(DEFAULT_SOURCE, source)
    monkeypatch.setenv("FACILITATOR_BUILD", str(tmp_path / "build"))
    watcher = CourseWatcher(source, tmp_path / "build")
    assert watcher.refresh() is True and watcher.problems == []

    def usages():
        page = client.get(f"{PAGE}?student=ana").content.decode()
        return page, list(dict.fromkeys(re.findall(r"whole-course\.[a-z_]+\.d\d+\.u\d+", page)))

    page, before = usages()
    assert "<h2>1. Welcome</h2>" in page and len(before) > 20
    edit(source / "modules" / "01-welcome.yaml", "\ntitle: Welcome\n", "\ntitle: Welcome back\n")
    assert watcher.refresh() is True
    page, after = usages()
    assert "<h2>1. Welcome back</h2>" in page
    assert after == before
    assert watcher.refresh() is False  # nothing changed since: no rebuild
    # broken, then fixed: the problems page takes the course's place and gives it back, same ids
    edit(source / "modules" / "01-welcome.yaml", "\nunits:\n", "\nunits: [\n")
    assert watcher.refresh() is True and watcher.problems
    page, _ids = usages()
    assert "The course source has problems" in page and "<h2>1. Welcome back</h2>" not in page
    edit(source / "modules" / "01-welcome.yaml", "\nunits: [\n", "\nunits:\n")
    assert watcher.refresh() is True and watcher.problems == []
    page, again = usages()
    assert "The course source has problems" not in page and again == before
