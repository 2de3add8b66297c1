"""Pages of the preview beyond each block's own ``workbench_scenarios``.

The course build writes ``build/preview/*.xml`` (the whole course as one workbench scenario); each file
found there becomes a page. Nothing is added when the course has not been built yet.
"""

import logging

from scripts.preview.paths import build_dir

log = logging.getLogger(__name__)


def scenario_files():
    """``(scenario_id, description, xml)`` for every scenario file the build wrote."""
    folder = build_dir() / "preview"
    found = []
    for path in sorted(folder.glob("*.xml")) if folder.is_dir() else ():
        xml = path.read_text(encoding="utf-8")
        description = path.stem.replace("_", " ").capitalize()
        first = xml.split("\n", 1)[0]
        if first.startswith("<!-- title:") and first.endswith("-->"):
            description = first[len("<!-- title:") : -3].strip()
        found.append((path.stem, description, xml))
    return found


def add_extra_scenarios():
    from workbench.scenarios import SCENARIOS, add_xml_scenario

    for scenario_id, description, xml in scenario_files():
        if scenario_id in SCENARIOS:
            continue
        try:
            add_xml_scenario(scenario_id, description, xml)
        except Exception:  # a broken build must not take the preview down: the log says why
            log.exception("Cannot load the preview scenario %s", scenario_id)
