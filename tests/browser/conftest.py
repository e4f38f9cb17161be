"""Shared by the browser tests: Debian's Chromium driven by Playwright."""

import pytest
from django.db import connections

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
        # While Playwright's event loop runs in this thread, Django's connections here are kept apart from
        # the thread's usual ones (asgiref's Local: a context variable under a running loop), so nothing
        # else ever closes them: an open one would stop the test database from being dropped at the end.
        connections.close_all()
