"""Helpers for the accessibility and phone browser tests: axe-core, phone emulation, the preview's pages.

axe-core comes from the npm registry (``package.json``; ``npm ci`` installs it into ``node_modules``).
Without it the accessibility tests skip with a one-line reason, except under CI=true, where they fail.
"""

import contextlib
import os
import re
import urllib.request

import pytest

from tests.browser import REPO

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 360, "height": 740, "deviceScaleFactor": 2, "mobile": True}
BLOCK_ROOTS = ".cv, .checkpoint-quiz, .stage-toolkit, .fp"
LEARNER, STAFF = "a11y_learner", "staff_a11y"


def axe_source():
    """axe.min.js as text; fails under CI=true when it is missing, else skips."""
    if not AXE.is_file():
        reason = f"axe-core is not installed ({AXE.relative_to(REPO)} missing): run npm ci"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and {reason}")
        pytest.skip(reason)
    return AXE.read_text(encoding="utf-8")


_AXE_RUN = """
var done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations"]}).then(function (result) {
  done(result.violations.map(function (v) {
    return {id: v.id, impact: v.impact, help: v.help,
            targets: v.nodes.map(function (n) { return n.target.join(" "); })};
  }));
}, function (err) { done([{id: "axe-error", impact: "critical", help: String(err), targets: []}]); });
"""


def serious_violations(driver, source):
    """axe-core's serious and critical violations on the page now loaded (axe injected first)."""
    driver.execute_script(source)
    driver.set_script_timeout(60)
    found = driver.execute_async_script(_AXE_RUN)
    return [v for v in found if v["impact"] in ("serious", "critical")]


def preview_pages(preview):
    """Every page the preview lists on its index, plus the index itself: ``["/", "/scenario/..."]``."""
    with urllib.request.urlopen(preview.url("/"), timeout=30) as response:
        index = response.read().decode("utf-8")
    return ["/", *sorted(set(re.findall(r'href="(/scenario/[^"/]+/)"', index)))]


@contextlib.contextmanager
def phone(driver):
    """A 360 x 740 CSS px touch phone (device width viewport, as the LMS lays a unit out), then back."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 5})
    try:
        yield driver
    finally:
        driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": False})
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


# The page has settled: loaded, and every transcript box filled (with lines or its "no transcript" note).
SETTLED = """
if (document.readyState !== "complete") { return false; }
return Array.prototype.every.call(document.querySelectorAll(".cv-cues"), function (box) {
  return box.childElementCount > 0 || box.textContent.trim().length > 0;
});
"""


def open_page(driver, url, timeout=20):
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)
    WebDriverWait(driver, timeout, poll_frequency=0.2).until(lambda d: d.execute_script(SETTLED), url)


HORIZONTAL = "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]"

# Interactive elements of the four blocks smaller than 24 x 24 CSS px (WCAG 2.5.8), as "tag.class text WxH".
# Links inside authored prose (toolkit overview and step bodies) are inline text, which 2.5.8 exempts;
# the native <video> controls are the browser's.
SMALL_TARGETS = """
var out = [];
document.querySelectorAll(arguments[0]).forEach(function (root) {
  root.querySelectorAll("button, input, select, textarea, a[href], [tabindex]").forEach(function (el) {
    if (el.tagName === "VIDEO" || el.closest(".tk-overview, .tk-step-body")) { return; }
    var native = /^(BUTTON|INPUT|SELECT|TEXTAREA|A)$/.test(el.tagName);
    if (el.getAttribute("tabindex") === "-1" && !native) { return; }  // focused by script, not a target
    var r = el.getBoundingClientRect();
    if (!r.width && !r.height) { return; }  // not shown
    if (r.width < 24 || r.height < 24) {
      var text = (el.textContent || el.value || "").trim().slice(0, 30);
      out.push(el.tagName.toLowerCase() + "." + el.className + " " + text + " "
               + Math.round(r.width) + "x" + Math.round(r.height));
    }
  });
});
return out;
"""

# A visible focus indicator on the focused element: an outline (or a box shadow) is computed for it.
FOCUS_STYLE = """
var el = document.activeElement;
if (!el || el === document.body) { return null; }
var s = getComputedStyle(el);
var outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 1;
return {tag: el.tagName, cls: String(el.className), visible: outline || s.boxShadow !== "none",
        outline: s.outlineStyle + " " + s.outlineWidth + " " + s.outlineColor};
"""
