"""End to end in a real browser: Debian chromium driven by Playwright, on loopback.

Asks a starter question, checks the answer and its citation, opens the source viewer,
sends feedback (and checks the API received it), and visits Expert lookup. Screenshots
land in tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.ui.conftest import Stack

pytestmark = pytest.mark.integration
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (make browser)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def test_ask_cite_open_source_and_feedback(browser, stack: Stack, artifacts: Path) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(stack.ui_url)
    page.get_by_text("Ask the handbook").wait_for(timeout=60_000)
    page.screenshot(path=str(artifacts / "01-home.png"), full_page=True)

    page.get_by_role("button", name="How many days of paid vacation do I get?").click()
    page.get_by_text("27 days of paid vacation", exact=False).first.wait_for(timeout=60_000)
    page.get_by_text("grounded").first.wait_for()
    source = page.get_by_text("[1] Time off and leave — Vacation")
    source.wait_for()
    page.screenshot(path=str(artifacts / "02-answer.png"), full_page=True)

    source.click()
    page.get_by_text("Open in document").click()
    page.locator("mark").first.wait_for(timeout=30_000)
    marked = page.locator("mark").first.inner_text()
    assert marked.startswith("Full-time employees have 27 days"), marked
    page.screenshot(path=str(artifacts / "03-source-viewer.png"), full_page=True)

    page.get_by_role("button", name="👎").first.click() if page.get_by_role(
        "button", name="👎"
    ).count() else page.locator("[data-testid='stFeedback'] button").nth(1).click()
    page.get_by_label("What was wrong or missing? (optional)").fill(
        "Please mention part-time staff"
    )
    page.get_by_label("What was wrong or missing? (optional)").press("Enter")
    page.get_by_role("button", name="Send feedback").click()
    page.get_by_text("Thanks for the feedback.").wait_for(timeout=30_000)
    page.screenshot(path=str(artifacts / "04-feedback.png"), full_page=True)
    queue = httpx.get(
        stack.api_url + "/admin/feedback",
        params={"helpful": "false"},
        headers={"Authorization": f"Bearer {stack.admin_key}"},
    ).json()
    assert queue and queue[0]["comment"] == "Please mention part-time staff"
    assert queue[0]["question"] == "How many days of paid vacation do I get?"

    page.get_by_role("link", name="Expert lookup").click()
    page.get_by_label("Search").fill("VPN access")
    page.get_by_role("button", name="Search").click()
    page.get_by_text("Laptop and accounts").first.wait_for(timeout=30_000)
    page.screenshot(path=str(artifacts / "05-lookup.png"), full_page=True)
    page.close()


def test_admin_sees_live_sources_and_syncs_one(browser, stack: Stack, artifacts: Path) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(stack.ui_url)
    page.get_by_text("Ask the handbook").wait_for(timeout=60_000)
    page.get_by_text("Signed in as").wait_for(timeout=60_000)
    key = page.get_by_role("textbox", name="API key or token")
    if not key.is_visible():
        page.get_by_text("Sign in", exact=True).click()  # unfold the sign-in box
    key.wait_for(state="visible", timeout=30_000)
    key.fill(stack.admin_key)
    key.press("Enter")
    page.get_by_role("link", name="Admin").click(timeout=60_000)
    page.get_by_text("Live sources").wait_for(timeout=60_000)
    page.get_by_text("never synced").first.wait_for()
    page.screenshot(path=str(artifacts / "06-admin-live-sources.png"), full_page=True)

    page.get_by_role("button", name="Sync now").click()
    page.get_by_text("Sync of notes started").wait_for(timeout=30_000)
    headers = {"Authorization": f"Bearer {stack.admin_key}"}
    deadline = time.monotonic() + 120
    source = {"status": "running"}
    while source["status"] == "running" and time.monotonic() < deadline:
        source = httpx.get(stack.api_url + "/admin/sources", headers=headers).json()["sources"][0]
        time.sleep(0.2)
    assert source["status"] == "ok" and source["trigger"] == "api"
    page.get_by_role("link", name="Ask").click()  # leave and come back: the page reloads
    page.get_by_text("Ask the handbook").wait_for(timeout=60_000)
    page.get_by_role("link", name="Admin").click()
    page.get_by_text("Items not indexed: 1").wait_for(timeout=60_000)
    page.screenshot(path=str(artifacts / "07-admin-after-sync.png"), full_page=True)
    page.close()
