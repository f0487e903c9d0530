"""A document full of markup and script, shown by the web page in a real headless Chromium: nothing runs.

The document's text, title and footnote carry ``<script>``, ``onerror`` and ``javascript:``
payloads that would set ``window.__pwned`` or open a dialog if the page ever inserted document
text as HTML. The page must show them as text, create no element from them, and run nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.server import Server, start_server

pytestmark = pytest.mark.browser

PAYLOAD = (
    "Clearance xyzzy report <script>window.__pwned = 'script'</script> near the "
    "<img src=x onerror=\"window.__pwned = 'img'\"> border. "
    "<a href=\"javascript:window.__pwned='link'\">link</a> and <svg onload=\"alert('svg')\"></svg>.[1]"
)
TEXT = f"Xyzzy clearance report\n\n{PAYLOAD}\n\n[1] Source: <iframe src=\"javascript:alert('note')\"></iframe> xyzzy.\n"
TITLE = "<img src=x onerror=\"window.__pwned='title'\">Xyzzy"


@pytest.fixture(scope="module")
def scripted_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("page-scripts")
    server = start_server(home, home / "models", encoder="hash", index=str(home / "ix"))
    try:
        created = httpx.post(
            f"{server.url}/v1/documents", json={"id": "scripted", "title": TITLE, "text": TEXT}, timeout=60
        )
        assert created.status_code == 201, created.text
        yield server
    finally:
        server.stop()


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    context = chromium.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def test_document_markup_is_shown_as_text_and_never_runs(page: Page, scripted_server: Server) -> None:
    dialogs: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{scripted_server.url}/")
    box = page.get_by_label("Question")
    box.fill("xyzzy clearance report border")
    with page.expect_response(lambda r: urlsplit(r.url).path == "/v1/ask"):
        box.press("Enter")
    passage = page.locator(".passage").first
    expect(passage).to_be_visible()
    text = passage.locator(".passage-text")
    expect(text).to_contain_text("<script>window.__pwned = 'script'</script>")
    expect(text).to_contain_text("onerror=")
    # The payload is text, not elements.
    for tag in ("script", "img", "svg", "iframe", "a[href^='javascript']"):
        assert passage.locator(tag).count() == 0, f"a <{tag}> was made from document text"
    expect(passage.locator(".footnote")).to_contain_text("<iframe src=")

    page.get_by_role("button", name="View passage 1 in the source").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("<img src=x onerror=")
    assert dialog.locator("script, img, svg, iframe").count() == 0
    page.keyboard.press("Escape")
    page.locator("#doc-filter summary").click()
    expect(page.locator("#doc-filter")).to_contain_text("<img src=x onerror=")

    page.wait_for_timeout(300)  # give an injected handler every chance to fire
    assert page.evaluate("window.__pwned") is None
    assert dialogs == []
    assert errors == []
