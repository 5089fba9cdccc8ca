"""Browser tests against the real app: ``reflex run --env prod`` on a free port with its own
SQLite database, a real OpenID Connect provider (oidc-provider-mock) beside it, and Debian's
Chromium driven by Playwright."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from oidc_provider_mock import run_server_in_thread
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    expect,
    sync_playwright,
)

from tests.e2e.server import REPO_ROOT, RunningApp, free_port, running_app

CHROMIUM = os.environ.get("TRUELEVEL_E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SSO_LABEL = "Test Identity Provider"
OIDC_CLIENT_ID = "truelevel-e2e"
OIDC_CLIENT_SECRET = "e2e-client-secret"
ARTIFACTS = REPO_ROOT / "test-results" / "e2e"

expect.set_options(timeout=20_000)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _missing_tools() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM} (scripts/ensure_tools.sh --browser installs it)"
    if not (REPO_ROOT / ".tools" / "node_modules" / ".bin" / "bun").exists():
        return "Node.js 22 and bun are missing in .tools (run scripts/ensure_tools.sh)"
    return None


@pytest.fixture(scope="session")
def oidc_issuer() -> Iterator[str]:
    """A real OpenID Connect provider on a free port, started before the app."""
    with run_server_in_thread(port=free_port()) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="session")
def app(oidc_issuer: str) -> Iterator[RunningApp]:
    if reason := _missing_tools():
        pytest.skip(reason)
    sso = {
        "TRUELEVEL_OIDC_ISSUER": oidc_issuer,
        "TRUELEVEL_OIDC_CLIENT_ID": OIDC_CLIENT_ID,
        "TRUELEVEL_OIDC_CLIENT_SECRET": OIDC_CLIENT_SECRET,
        "TRUELEVEL_OIDC_DISPLAY_NAME": SSO_LABEL,
        "TRUELEVEL_OIDC_DEFAULT_ROLE": "viewer",
    }
    # Webhooks go to the tests' own receivers on this machine (tests/webhook_receiver.py).
    local_urls = {"TRUELEVEL_EVALUATION_ALLOW_LOCAL_URLS": "true"}
    with running_app(sso | local_urls) as running:
        print(
            f"\napp ready at {running.base_url} in {running.startup_seconds:.1f} s", file=sys.stderr
        )
        yield running


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Playwright]:
    if reason := _missing_tools():
        pytest.skip(reason)
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    chromium = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def spoken_answer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A spoken answer (espeak-ng, 16-bit PCM WAV) that Chromium's fake microphone plays."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is missing (scripts/ensure_tools.sh --dev installs it)")
    path = tmp_path_factory.mktemp("microphone") / "answer.wav"
    text = (
        "I would design the service around a queue. Each request is validated, stored in "
        "PostgreSQL, and a worker processes it, so a failure never loses data. I measured the "
        "latency with a benchmark and added tests for the retry logic."
    )
    subprocess.run(
        ["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(path), text],
        check=True,
        capture_output=True,
    )
    return path


@pytest.fixture(scope="session")
def microphone_browser(playwright_driver: Playwright, spoken_answer: Path) -> Iterator[Browser]:
    """Chromium whose microphone is a recording: media permission granted without a prompt."""
    chromium = playwright_driver.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={spoken_answer}",
            "--autoplay-policy=no-user-gesture-required",
        ],
    )
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def worker(app: RunningApp) -> Iterator[subprocess.Popen]:
    """A real Huey consumer beside the app, on the app's database and queue."""
    log = (app.workdir / "worker.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "workers.consumer", "--workers", "1"],
        cwd=app.workdir,
        env=app.env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    yield process
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    log.close()


@pytest.fixture()
def new_context(browser: Browser, app: RunningApp, request: pytest.FixtureRequest) -> Iterator:
    yield from _contexts(browser, app, request)


@pytest.fixture()
def microphone_context(
    microphone_browser: Browser, app: RunningApp, request: pytest.FixtureRequest
) -> Iterator:
    """Like new_context, in the browser whose microphone plays a spoken answer."""
    yield from _contexts(microphone_browser, app, request)


def _contexts(browser: Browser, app: RunningApp, request: pytest.FixtureRequest) -> Iterator:
    """Makes fresh browser contexts (separate cookie jars: one per person in a test). When the
    test fails, every open page is saved as a screenshot under test-results/e2e/."""
    contexts: list[BrowserContext] = []

    def make() -> BrowserContext:
        context = browser.new_context(
            base_url=app.base_url,
            viewport={"width": 1280, "height": 900},
            locale="en-GB",
        )
        context.set_default_timeout(20_000)
        context.grant_permissions(["clipboard-read", "clipboard-write"])
        contexts.append(context)
        return context

    yield make
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for c_index, context in enumerate(contexts):
            for p_index, open_page in enumerate(context.pages):
                name = f"{request.node.name}-{c_index}-{p_index}.png"
                open_page.screenshot(path=str(ARTIFACTS / name), full_page=True)
    for context in contexts:
        context.close()


@pytest.fixture()
def page(new_context) -> Page:
    return new_context().new_page()


@pytest.fixture()
def oidc_user(oidc_issuer: str):
    """Registers claims for a subject at the provider (as a directory would hold them)."""

    def register(subject: str, **claims: object) -> str:
        response = httpx.put(f"{oidc_issuer}/users/{subject}", json=claims, timeout=10)
        response.raise_for_status()
        return subject

    return register


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # Keep failure screenshots only when something failed.
    if exitstatus == 0 and ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS, ignore_errors=True)
