"""``facilitator-course preview --watch``: rebuild the course when its source changes.

``CourseWatcher(source, out, manifest)`` keeps the mtimes of every file under the source folder (and of
the media manifest). ``refresh()`` compares them with the files now and, when any changed, rebuilds with
``course.build.build`` and replaces the preview's course pages (the scenarios ``build/preview/*.xml``
gives). A polling thread calls ``refresh()`` twice a second, and ``WatchMiddleware`` calls it before each
page is served, so the next page load after a save shows the rebuilt course.

When the source has problems, ``build`` writes nothing: the last good build stays in the build folder
(its files, its tarball, what ``/static/`` serves), and the course page shows the problems instead, one
``path:line:column: message`` a line, until the source is fixed.
"""

import logging
import threading
from pathlib import Path

from lxml import etree

log = logging.getLogger(__name__)

PROBLEMS_TITLE = "The course source has problems"
_WATCHER = None


def snapshot(paths):
    """``{path: (mtime_ns, size)}`` of every file under the given folders (and given files)."""
    found = {}
    for root in paths:
        root = Path(root)
        if root.is_file():
            info = root.stat()
            found[str(root)] = (info.st_mtime_ns, info.st_size)
            continue
        for path in root.rglob("*") if root.is_dir() else ():
            if any(part.startswith(".") for part in path.relative_to(root).parts):
                continue
            try:
                info = path.stat()
            except OSError:
                continue
            if path.is_file():
                found[str(path)] = (info.st_mtime_ns, info.st_size)
    return found


def problems_page(problems, out):
    """The course page while the source is broken: every problem, escaped, as an ``html_demo``."""
    box = etree.Element("div", {"class": "build-problems", "role": "alert"})
    etree.SubElement(box, "h2").text = PROBLEMS_TITLE
    etree.SubElement(box, "p").text = (
        f"Fix them and save: this page shows the course again on the next load. Until then the last good "
        f"build stays in {out}."
    )
    items = etree.SubElement(box, "ul")
    for problem in problems:
        etree.SubElement(etree.SubElement(items, "li"), "code").text = str(problem)
    markup = etree.tostring(box, encoding="unicode").replace("$", "$$")  # html_demo substitutes $names
    root = etree.Element("vertical_demo")
    root.append(etree.fromstring(f"<html_demo>{markup}</html_demo>"))
    return etree.tostring(root, encoding="unicode", pretty_print=True)


def _restart_ids(description):
    """Number the scenario's blocks from 0 again, so a rebuilt course gets the same usage ids and the
    learners' state in the preview (kept under those ids) carries over to the rebuilt course.

    The workbench numbers definitions per ``<scenario slug>.<block type>``; its id manager has no public
    way to restart one scenario's numbers, so its counters are reset here (skipped if they change). As the
    workbench does before it loads scenarios (``XBlockState.prep_for_scenario_loading``), the stored
    children lists of the scenario are removed first: loading appends children to them.
    """
    from django.template.defaultfilters import slugify
    from workbench.models import XBlockState
    from workbench.runtime import ID_MANAGER

    slug = slugify(description)
    XBlockState.objects.filter(scope="children", scenario=slug).delete()
    prefix = f"{slug}."
    counters = getattr(ID_MANAGER, "_block_types_to_id_seq", None)
    usages = getattr(ID_MANAGER, "_def_ids_to_id_seq", None)
    for table in (counters, usages):
        if isinstance(table, dict):
            for key in [key for key in table if str(key).startswith(prefix)]:
                del table[key]


class CourseWatcher:
    """Rebuild ``source`` into ``out`` when a file changes; ``problems`` holds the last build's problems."""

    def __init__(self, source, out, manifest=None, interval=0.5):
        from media_manifest.manifest import DEFAULT_MANIFEST

        self.source = Path(source).resolve()
        self.out = Path(out).resolve()
        self.manifest = Path(manifest).resolve() if manifest else Path(DEFAULT_MANIFEST).resolve()
        self.interval = interval
        self.problems = []
        self.builds = 0
        self.seen = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = None

    def refresh(self):
        """Rebuild when a watched file changed since the last look; True when it rebuilt."""
        with self._lock:
            now = snapshot([self.source, self.manifest])
            if now == self.seen:
                return False
            self.seen = now
            self._rebuild()
            return True

    def _rebuild(self):
        from course.build import BuildError, build

        try:
            build(self.source, self.out, self.manifest)
        except BuildError as err:
            self.problems = [str(p).replace("\n", " ") for p in err.problems]
        except (OSError, ValueError) as err:  # an unreadable file while it is being saved, say
            self.problems = [f"{self.source}: the build failed: {err}"]
        else:
            self.problems = []
            self.builds += 1
        if self.problems:
            log.warning(
                "course source has %d problem(s); the last good build stays served", len(self.problems)
            )
        else:
            log.info("course rebuilt from %s", self.source)
        self._publish()

    def _publish(self):
        """Put the rebuilt pages (or the problems page) in place of the preview's course scenarios."""
        from workbench.scenarios import SCENARIOS, add_xml_scenario, get_scenarios

        from scripts.preview.extra_scenarios import scenario_files

        get_scenarios()  # the workbench fills its list once; ours are replaced in it
        found = scenario_files()
        if not found and self.problems:
            found = [("whole_course", "Whole course", "")]
        for scenario_id, description, xml in found:
            text = problems_page(self.problems, self.out) if self.problems else xml
            previous = SCENARIOS.pop(scenario_id, None)
            _restart_ids(description)
            try:
                add_xml_scenario(scenario_id, description, text)
            except Exception:  # noqa: BLE001 - a scenario that cannot load must not stop the preview
                log.exception("Cannot load the preview scenario %s", scenario_id)
                if previous is not None:
                    SCENARIOS[scenario_id] = previous

    def start(self):
        """Build now, then keep watching in a daemon thread."""
        self.refresh()
        self._thread = threading.Thread(target=self._loop, name="course-watch", daemon=True)
        self._thread.start()
        return self

    def _loop(self):
        while not self._stop.wait(self.interval):
            try:
                self.refresh()
            except Exception:  # noqa: BLE001 - keep watching whatever one rebuild did
                log.exception("course rebuild failed")

    def stop(self):
        self._stop.set()


def start_watching(source, out, manifest=None):
    """Start the watcher the middleware uses (one per process)."""
    global _WATCHER
    _WATCHER = CourseWatcher(source, out, manifest).start()
    return _WATCHER


class WatchMiddleware:
    """Before a page is served (GET, not a static file), rebuild if the source changed."""

    SKIP = ("/static/", "/resource/", "/handler/", "/unauth_handler/", "/favicon")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _WATCHER is not None and request.method == "GET" and not request.path.startswith(self.SKIP):
            _WATCHER.refresh()
        return self.get_response(request)
