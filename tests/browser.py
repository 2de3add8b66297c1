"""Real headless Chromium (Debian's chromium + chromium-driver via Selenium) against a live preview.

``preview_server`` starts ``facilitator-course preview`` on a free loopback port with its own var folder
(once per test session); ``browser`` is a Selenium driver. Browser tests skip with a one-line reason
when Chromium is missing, except under CI=true, where a missing browser fails.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SCREENSHOTS = Path(os.environ.get("FACILITATOR_SCREENSHOTS", tempfile.gettempdir())) / "facilitator-shots"


def _browser_missing():
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    return f"headless Chromium not installed ({', '.join(missing)}): run make test as root" if missing else ""


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PreviewServer:
    """A running preview: ``url(path)``, ``var`` (its folder), ``tracking_log``."""

    def __init__(self, build_dir=None, extra_args=(), timeout=60):
        self.var = Path(tempfile.mkdtemp(prefix="facilitator-preview-var-"))
        self.port = _free_port()
        self.build_dir = Path(build_dir) if build_dir else None
        env = {
            **os.environ,
            "FACILITATOR_VAR": str(self.var),
            "DJANGO_SETTINGS_MODULE": "scripts.preview.settings",
        }
        if self.build_dir:
            env["FACILITATOR_BUILD"] = str(self.build_dir)
        self.log = open(self.var / "server.out", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scripts.cli", "preview", *extra_args, "--port", str(self.port)],
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self._wait_ready(timeout)

    @property
    def tracking_log(self):
        return self.var / "tracking.log"

    def url(self, path="/"):
        return f"http://127.0.0.1:{self.port}{path}"

    def _wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"preview exited early: {(self.var / 'server.out').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url("/"), timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"preview did not answer within {timeout} s")

    def get(self, path):
        """The text of the page at ``path`` (over HTTP, as a browser would fetch it)."""
        with urllib.request.urlopen(self.url(path), timeout=60) as response:
            return response.read().decode("utf-8")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture(scope="session")
def preview_build(tmp_path_factory):
    """The build folder the session's preview serves: stand-in media and the course, built once.

    Areas that need something built for the preview add it in ``tests/preview_build.py``.
    """
    folder = tmp_path_factory.mktemp("preview-build")
    try:
        from tests.preview_build import populate
    except ModuleNotFoundError:
        return folder
    populate(folder)
    return folder


@pytest.fixture(scope="session")
def preview_server(preview_build):
    reason = _browser_missing()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and {reason}")
        pytest.skip(reason)
    server = PreviewServer(build_dir=preview_build)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def _driver(preview_server):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="facilitator-chromium-")
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
        "--autoplay-policy=no-user-gesture-required",
        "--mute-audio",
        "--window-size=1280,900",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # console errors: console_errors()
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def browser(_driver, preview_server):
    """A Selenium driver on the session's preview; ``browser.preview`` is the server."""
    _driver.preview = preview_server
    _driver.delete_all_cookies()
    return _driver


def console_errors(driver):
    """The console's SEVERE entries (errors, failed loads) since the last read, as messages (reading empties
    the log). The driver keeps the browser log (``goog:loggingPrefs``)."""
    return [entry["message"] for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]


def screenshot(driver, name):
    """Save a PNG of the page (to $FACILITATOR_SCREENSHOTS/facilitator-shots) and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path
