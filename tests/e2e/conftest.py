"""Browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

Every test here is marked `e2e`. A test fails (at teardown) when the page logged a console
error, threw an uncaught exception or had something blocked by the Content Security Policy:
the CSP must never block anything we ship.
"""

import contextlib
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
HERE = Path(__file__).resolve().parent
SCREENSHOTS = HERE.parent.parent / "test-artifacts" / "screenshots"
DESKTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "zh-CN"}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}
TIMEOUT_MS = 10_000

# Reports every CSP violation on the console with a recognisable prefix. Init scripts are
# injected by the browser itself, so the page's CSP does not apply to this one.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    "CSP violation: " + event.violatedDirective + " blocked " + (event.blockedURI || "inline")
    + " at " + event.sourceFile + ":" + event.lineNumber
  );
});
"""


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        reason = f"Debian's chromium is not installed ({CHROMIUM} is missing)"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    finally:
        playwright.stop()


class BrowserErrors:
    """Console errors, uncaught exceptions and CSP violations of one browser context."""

    def __init__(self):
        self.errors = []
        self.allowed = []

    def allow(self, pattern):
        """Expect one kind of console error (a regex), e.g. the status of a deliberate 403."""
        self.allowed.append(re.compile(pattern))

    def watch(self, page):
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught exception: {error}"))

    def _on_console(self, message):
        if message.type != "error":
            return
        location = message.location or {}
        text = f"console error: {message.text} ({location.get('url', '?')})"
        if not any(pattern.search(text) for pattern in self.allowed):
            self.errors.append(text)


@pytest.fixture
def browser_errors():
    return BrowserErrors()


def _new_page(browser, browser_errors, options):
    context = browser.new_context(**options)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(CSP_LISTENER)
    context.on("page", browser_errors.watch)
    page = context.new_page()
    return context, page


def _settle(page):
    """Let the page's last requests (htmx loads, the bell) end before the test's database is
    flushed: a request still reading held a lock the flush waited for (a deadlock)."""
    # A page that never settles is closed all the same.
    with contextlib.suppress(Exception):
        page.wait_for_load_state("networkidle", timeout=5000)


@pytest.fixture
def page(live_server, browser, browser_errors):
    """A desktop page (1280×800, Chinese browser) in a fresh context."""
    context, page = _new_page(browser, browser_errors, DESKTOP)
    yield page
    _settle(page)
    context.close()
    assert not browser_errors.errors, "the browser reported errors:\n" + "\n".join(
        browser_errors.errors
    )


@pytest.fixture
def phone_page(live_server, browser, browser_errors):
    """An iPhone-sized page (390×844, touch, Chinese browser) in a fresh context."""
    context, page = _new_page(browser, browser_errors, PHONE)
    yield page
    _settle(page)
    context.close()
    assert not browser_errors.errors, "the browser reported errors:\n" + "\n".join(
        browser_errors.errors
    )


@pytest.fixture
def login():
    """Log in through the login form (as a new session); returns once the home page has loaded."""

    def login(page, live_server, user, password):
        # A request the last page still had going, answered after its cookies were cleared,
        # would set a second CSRF cookie that no longer matches the login form's token.
        _settle(page)
        # The session and its CSRF cookie only: the language chosen stays.
        for name in ("sessionid", "csrftoken"):
            page.context.clear_cookies(name=name)
        page.goto(f"{live_server.url}/accounts/login/")
        _settle(page)
        page.locator("#id_username").fill(user.username)
        page.locator("#id_password").fill(password)
        with page.expect_navigation():
            page.locator("form[action='/accounts/login/'] button[type=submit]").click()
        assert page.url == f"{live_server.url}/", f"login as {user.username} ended at {page.url}"
        return page

    return login


@pytest.fixture
def screenshot():
    """Save a full-page PNG to test-artifacts/screenshots/<name>.png; returns its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def screenshot(page, name):
        path = SCREENSHOTS / (re.sub(r"[^\w.-]+", "-", name) + ".png")
        page.screenshot(path=str(path), full_page=True, animations="disabled")
        return path

    return screenshot


@pytest.fixture
def open_area():
    """Open an area from the navbar as a user does: the menu button on a phone, then the
    stage's menu the area is grouped in (if any), then the area's link."""

    def open_area(page, href):
        toggler = page.locator(".navbar-toggler")
        if toggler.is_visible():
            toggler.click()
        link = page.locator(f"#main-nav a[href='{href}']")
        menu = page.locator("#main-nav .dropdown", has=page.locator(f"a[href='{href}']"))
        if menu.count():
            menu.locator(".dropdown-toggle").click()
        expect(link).to_be_visible()
        with page.expect_navigation():
            link.click()

    return open_area
