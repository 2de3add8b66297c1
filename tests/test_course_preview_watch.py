"""``facilitator-course preview --watch``: a saved change shows on the next page load; a broken source
shows its ``path:line:column`` problems on the course page while the last good build stays served.

A real preview server (the workbench under Django's runserver) is started on a free port, as the
trainer starts it, over a copy of the course source.
"""

import html
import re
import shutil
import time

import pytest

from course.cli import DEFAULT_SOURCE
from tests.browser import PreviewServer

PAGE = "/scenario/whole_course/"


class WatchedPreview(PreviewServer):
    """``preview --watch`` over a copy of the course source, building into a folder of its own."""

    def __init__(self, tmp_path):
        self.source = tmp_path / "src"
        shutil.copytree(DEFAULT_SOURCE, self.source)
        self.build = tmp_path / "build"
        super().__init__(
            build_dir=self.build, extra_args=["--watch", "--source", str(self.source)], timeout=120
        )


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
