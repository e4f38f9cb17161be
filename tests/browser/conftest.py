"""Shared by the browser tests: Debian's Chromium driven by Playwright."""

import pytest

from tests.browser.test_public_site import CHROMIUM, LAUNCH_ARGS


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; Django's ORM must still be usable here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield browser
        browser.close()
