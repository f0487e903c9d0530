"""The web page at ``/``, driven in a real headless Chromium against a real ``footnoted serve``."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, Request, Route, expect

from tests.conftest import DATA
from tests.server import Server, start_server

pytestmark = pytest.mark.browser

OUT = Path(__file__).resolve().parents[2] / "test-output"

STOCKPILE = "How many antipersonnel mines does the United States stockpile?"
SOUTH_KOREA = "How many antivehicle mines did the US export to South Korea?"


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    context = chromium.new_context(viewport={"width": 1100, "height": 900}, color_scheme="light")
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def ask(page: Page, server: Server, question: str) -> dict[str, Any]:
    """Open the page, type the question, press Enter; the JSON the page received."""
    page.goto(f"{server.url}/")
    box = page.get_by_label("Question")
    box.fill(question)
    with page.expect_response(lambda r: urlsplit(r.url).path == "/v1/ask") as response:
        box.press("Enter")
    body: dict[str, Any] = response.value.json()
    expect(page.locator(".passage").first).to_be_visible()
    return body


def containing(passages: list[dict[str, Any]], span: dict[str, Any]) -> dict[str, Any]:
    return next(p for p in passages if p["citation"]["start"] <= span["start"] and span["end"] <= p["citation"]["end"])


def test_answer_is_highlighted_in_its_passage_with_its_footnote(page: Page, server: Server) -> None:
    data = ask(page, server, STOCKPILE)
    answer = data["answer"]
    passage = containing(data["passages"], answer["citation"])
    card = page.locator(f"#passage-{passage['rank']}")

    mark = card.locator(".passage-text mark")
    expect(mark).to_have_count(1)
    expect(mark).to_contain_text("10.4 million antipersonnel mines")
    assert mark.text_content() == answer["text"]
    # Markers and highlight are markup around the text, never changes to it.
    assert card.locator(".passage-text").text_content() == passage["text"]
    expect(card.locator(".passage-text .fn-ref", has_text="3")).to_have_attribute("href", f"#p{passage['rank']}-fn-3")

    note = card.locator(".footnote", has_text="Included in this stockpile are 2.8 million")
    expect(note).to_be_visible()
    expect(note.locator(".footnote-label")).to_have_text("3")
    c = passage["citation"]
    expect(card.locator(".passage-head")).to_contain_text(f"chars {c['start']}–{c['end']}")
    expect(page.locator(".answer")).to_contain_text(f"chars {answer['citation']['start']}–{answer['citation']['end']}")

    OUT.mkdir(exist_ok=True)
    page.screenshot(path=OUT / "page-answer.png", full_page=True)
    page.set_viewport_size({"width": 360, "height": 780})
    expect(mark).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "the page scrolls sideways on a phone"
    page.screenshot(path=OUT / "page-answer-phone.png", full_page=True)


def test_source_view_highlights_the_cited_span(page: Page, server: Server) -> None:
    data = ask(page, server, STOCKPILE)
    first = data["passages"][0]
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if r.url.endswith("/source") else None)
    opener = page.get_by_role("button", name="View passage 1 in the source")
    opener.click()

    dialog = page.get_by_role("dialog")
    mark = dialog.locator("mark")
    expect(mark).to_have_count(1)
    assert mark.text_content() == first["text"]
    expect(mark).to_be_in_viewport()
    expect(dialog).to_contain_text(f"chars {first['citation']['start']}–{first['citation']['end']}")
    assert fetched == [f"{server.url}/v1/documents/{first['citation']['document_id']}/source"]
    OUT.mkdir(exist_ok=True)
    page.screenshot(path=OUT / "page-source.png")

    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(opener).to_be_focused()


def test_an_answer_in_a_footnote_is_highlighted_in_the_footnote(page: Page, server: Server) -> None:
    data = ask(page, server, SOUTH_KOREA)
    answer = data["answer"]
    assert answer is not None and "124,000 antivehicle mines" in answer["text"]

    mark = page.locator(".passage .footnote mark").first
    expect(mark).to_contain_text("124,000 antivehicle mines")
    assert mark.text_content() == answer["text"]
    expect(page.locator(".passage-text mark")).to_have_count(0)
    expect(page.locator(".answer .cite")).to_contain_text("in a footnote of passage")


def test_the_page_talks_to_its_own_server_only(page: Page, server: Server) -> None:
    requests: list[str] = []
    problems: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))

    ask(page, server, STOCKPILE)
    page.get_by_role("button", name="View passage 1 in the source").click()
    expect(page.get_by_role("dialog").locator("mark")).to_have_count(1)
    page.keyboard.press("Escape")
    page.locator("#doc-filter summary").click()
    expect(page.get_by_role("checkbox", name="Back in Business")).to_be_visible()

    origin = urlsplit(server.url).netloc
    paths = {urlsplit(u).path for u in requests}
    assert {"/", "/static/app.js", "/static/style.css", "/v1/documents", "/v1/ask"} <= paths
    assert [u for u in requests if not u.startswith("data:") and urlsplit(u).netloc != origin] == []
    # A Content-Security-Policy violation or a script error is reported on the console.
    assert problems == []


def _fulfil_error(status: int, code: str, message: str) -> Any:
    def handler(route: Route) -> None:
        body = {"error": {"code": code, "message": message, "request_id": "req-123"}}
        route.fulfill(status=status, content_type="application/json", body=json.dumps(body))

    return handler


def test_an_error_shows_the_message_from_the_body(page: Page, server: Server) -> None:
    page.route(
        "**/v1/ask", _fulfil_error(422, "invalid_query", "the question is 2001 characters long; the limit is 2000")
    )
    page.goto(f"{server.url}/")
    page.get_by_label("Question").fill("anything")
    page.get_by_label("Question").press("Enter")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("the limit is 2000")
    expect(alert).to_contain_text("req-123")
    expect(page.get_by_role("button", name="Ask")).to_be_enabled()


def test_a_401_asks_for_a_key_and_retries_with_it(page: Page, server: Server) -> None:
    sent: list[str | None] = []

    def handler(route: Route) -> None:
        sent.append(route.request.headers.get("authorization"))
        if sent[-1] != "Bearer s3cret":
            _fulfil_error(401, "unauthorized", "this action needs the read API key")(route)
        else:
            route.continue_()

    page.route("**/v1/ask", handler)
    page.goto(f"{server.url}/")
    page.get_by_label("Question").fill(STOCKPILE)
    page.get_by_label("Question").press("Enter")
    key = page.get_by_label("API key")
    expect(key).to_be_focused()
    key.fill("s3cret")
    key.press("Enter")
    expect(page.locator(".passage-text mark")).to_contain_text("10.4 million antipersonnel mines")
    assert sent == [None, "Bearer s3cret"]
    assert page.evaluate("sessionStorage.getItem('footnoted.apiKey')") == "s3cret"
    expect(page.get_by_label("Question")).to_be_focused()


def test_a_key_needed_from_the_start_takes_the_focus_and_gives_it_back(page: Page, server: Server) -> None:
    def handler(route: Route) -> None:
        if route.request.headers.get("authorization") == "Bearer s3cret":
            route.continue_()
        else:
            _fulfil_error(401, "unauthorized", "this action needs the read API key")(route)

    page.route("**/v1/**", handler)
    page.goto(f"{server.url}/")
    key = page.get_by_label("API key")
    expect(key).to_be_focused()
    key.fill("s3cret")
    key.press("Enter")
    expect(page.get_by_role("checkbox", name="Back in Business", include_hidden=True)).to_be_attached()
    expect(page.get_by_label("Question")).to_be_focused()


def test_a_failed_question_leaves_no_earlier_answer_under_it(page: Page, server: Server) -> None:
    ask(page, server, STOCKPILE)
    page.route("**/v1/ask", _fulfil_error(500, "internal", "the index could not be read"))
    box = page.get_by_label("Question")
    box.fill(SOUTH_KOREA)
    box.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("the index could not be read")
    expect(page.locator(".answer")).to_have_count(0)
    expect(page.locator(".passage")).to_have_count(0)


def test_a_question_of_only_spaces_is_called_empty(page: Page, server: Server) -> None:
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if r.url.endswith("/v1/ask") else None)
    page.goto(f"{server.url}/")
    box = page.get_by_label("Question")
    box.fill("   ")
    box.press("Enter")
    assert "only spaces" in box.evaluate("box => box.validationMessage")
    assert asked == []
    box.fill(STOCKPILE)  # typing makes the box valid again
    box.press("Enter")
    expect(page.locator(".passage").first).to_be_visible()


def test_a_pasted_question_over_the_limit_is_refused_not_cut(page: Page, server: Server) -> None:
    page.goto(f"{server.url}/")
    box = page.get_by_label("Question")
    box.focus()
    page.keyboard.insert_text("mines " * 400)
    assert len(box.input_value()) == 2400
    box.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("the question is 2399 characters long; the limit is 2000")
    expect(page.locator(".passage")).to_have_count(0)


def test_an_unknown_document_in_a_link_is_reported_not_dropped(page: Page, server: Server) -> None:
    page.goto(f"{server.url}/?{urlencode({'q': STOCKPILE, 'doc': 'nowhere'})}")
    expect(page.get_by_role("alert")).to_contain_text("no document 'nowhere' in the index")
    expect(page.locator(".passage")).to_have_count(0)


def test_a_mode_or_number_in_a_link_the_menus_lack_is_asked_as_given(page: Page, server: Server) -> None:
    # One the API takes is asked and shown in its menu; one it refuses is reported with the API's
    # message, never replaced by the default.
    with page.expect_response(lambda r: urlsplit(r.url).path == "/v1/ask") as response:
        page.goto(f"{server.url}/?{urlencode({'q': STOCKPILE, 'k': '7'})}")
    assert json.loads(response.value.request.post_data or "")["k"] == 7
    expect(page.locator(".passage")).to_have_count(7)
    assert page.locator("#k").input_value() == "7"
    assert page.locator("#k option").all_text_contents() == ["3", "5", "7", "10", "20", "50"]
    for query, message in (({"mode": "bogus"}, "mode"), ({"k": "0"}, "k"), ({"k": "many"}, "k")):
        page.goto(f"{server.url}/?{urlencode({'q': STOCKPILE, **query})}")
        expect(page.get_by_role("alert")).to_contain_text("Error 422")
        expect(page.get_by_role("alert")).to_contain_text(message)
        expect(page.locator(".passage")).to_have_count(0)


def test_the_focus_hint_is_not_shown_where_slash_is_a_character(page: Page, server: Server) -> None:
    page.goto(f"{server.url}/")
    box = page.get_by_label("Question")
    expect(box).to_be_focused()
    assert box.get_attribute("placeholder") == "Ask a question…"
    box.press("/")
    assert box.input_value() == "/"  # typed, as the hint does not say otherwise here
    box.fill("")
    box.blur()
    assert "(press / to focus)" in (box.get_attribute("placeholder") or "")
    page.keyboard.press("/")
    expect(box).to_be_focused()
    assert box.input_value() == ""


def test_a_copy_the_browser_refuses_says_so(page: Page, server: Server) -> None:
    ask(page, server, STOCKPILE)
    page.evaluate(
        "() => { navigator.clipboard.writeText = () => Promise.reject(new DOMException('denied', 'NotAllowedError')); }"
    )
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    button = page.locator(".answer .copy")
    button.click()
    expect(button).to_have_text("Could not copy")
    expect(button).to_have_text("Copy with citation")
    assert errors == []


def _hold(page: Page, pattern: str, holding: Callable[[Request], bool]) -> list[Route]:
    """Route ``pattern``, keeping back the requests ``holding(request)`` picks (for the test to
    answer late) and letting the others through; the routes kept back."""
    held: list[Route] = []

    def handler(route: Route) -> None:
        if holding(route.request):
            held.append(route)
        else:
            route.continue_()

    page.route(pattern, handler)
    return held


def _asks(question: str) -> Callable[[Request], bool]:
    return lambda request: question in (request.post_data or "")


def test_a_new_question_replaces_the_one_in_flight(page: Page, server: Server) -> None:
    held = _hold(page, "**/v1/ask", _asks(STOCKPILE))
    page.goto(f"{server.url}/")
    box = page.get_by_label("Question")
    box.fill(STOCKPILE)
    with page.expect_request("**/v1/ask"):
        box.press("Enter")
    box.fill(SOUTH_KOREA)
    box.press("Enter")  # while the first is still unanswered
    mark = page.locator(".passage .footnote mark").first
    expect(mark).to_contain_text("124,000 antivehicle mines")

    held[0].continue_()  # the first question's answer, late
    page.wait_for_timeout(500)
    expect(mark).to_contain_text("124,000 antivehicle mines")
    expect(page.locator(".passage-text mark")).to_have_count(0)
    expect(box).to_have_value(SOUTH_KOREA)


def test_a_late_failure_of_an_outdated_question_is_not_shown(page: Page, server: Server) -> None:
    held = _hold(page, "**/v1/ask", _asks(SOUTH_KOREA))
    ask(page, server, STOCKPILE)
    box = page.get_by_label("Question")
    box.fill(SOUTH_KOREA)
    with page.expect_request("**/v1/ask"):
        box.press("Enter")
    # Back to the first question, asked again while the second is unanswered.
    with page.expect_response(lambda response: _asks(STOCKPILE)(response.request)):
        page.go_back()
    expect(page.locator(".passage-text mark")).to_contain_text("10.4 million antipersonnel mines")

    _fulfil_error(500, "internal", "the second question failed")(held[0])
    page.wait_for_timeout(500)
    expect(page.get_by_role("alert")).to_be_hidden()
    expect(page.locator(".passage-text mark")).to_contain_text("10.4 million antipersonnel mines")


def test_a_late_source_for_a_closed_view_does_not_replace_the_open_one(page: Page, server: Server) -> None:
    data = ask(page, server, STOCKPILE)
    held: list[Route] = []  # the first source asked for, kept back
    page.route("**/v1/documents/*/source", lambda route: route.continue_() if held else held.append(route))
    page.get_by_role("button", name="View passage 1 in the source").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Loading source…")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.get_by_role("button", name="View passage 2 in the source").click()
    second = data["passages"][1]
    expect(dialog.locator("#source-span")).to_contain_text("Passage 2")
    assert dialog.locator("mark").text_content() == second["text"]

    held[0].continue_()  # passage 1's source, late
    page.wait_for_timeout(500)
    expect(dialog).to_be_visible()
    expect(dialog.locator("#source-span")).to_contain_text("Passage 2")
    assert dialog.locator("mark").text_content() == second["text"]


def test_going_back_to_the_start_page_empties_it(page: Page, server: Server) -> None:
    page.goto(f"{server.url}/")
    page.locator("#mode").select_option("lexical")
    page.locator("#k").select_option("3")
    box = page.get_by_label("Question")
    box.fill(STOCKPILE)
    box.press("Enter")
    expect(page.locator(".passage").first).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("3 passages")

    page.go_back()
    expect(box).to_have_value("")
    expect(page.locator("#mode")).to_have_value("")
    expect(page.locator("#k")).to_have_value("5")
    expect(page.get_by_role("status")).to_have_text("")
    expect(page.locator("#results")).to_be_empty()


def _below_form(page: Page, target: Locator) -> bool:
    """Whether ``target`` starts below the bottom of the sticky question form, not under it."""
    form_bottom = page.locator("#ask").evaluate("form => form.getBoundingClientRect().bottom")
    return bool(target.evaluate("(node, bottom) => node.getBoundingClientRect().top >= bottom - 1", form_bottom))


@pytest.mark.parametrize("fragment", ["passage-5", "p1-fn-4"])
def test_a_link_to_a_passage_or_note_lands_on_it(page: Page, server: Server, fragment: str) -> None:
    # The element is made once the answer arrives, after the browser looked for the #fragment.
    page.set_viewport_size({"width": 1100, "height": 500})
    page.goto(f"{server.url}/?{urlencode({'q': STOCKPILE})}#{fragment}")
    target = page.locator(f"#{fragment}")
    for reloaded in (False, True):
        if reloaded:
            page.reload()
        expect(target).to_be_focused()
        expect(target).to_be_in_viewport()
        assert _below_form(page, target)
        assert page.evaluate("document.querySelector(':target')?.id") == fragment


def test_the_source_view_closes_when_the_results_change(page: Page, server: Server) -> None:
    ask(page, server, STOCKPILE)
    box = page.get_by_label("Question")
    box.fill(SOUTH_KOREA)
    box.press("Enter")
    expect(page.locator(".passage .footnote mark").first).to_contain_text("124,000 antivehicle mines")
    dialog = page.get_by_role("dialog")
    page.get_by_role("button", name="View passage 1 in the source").click()
    expect(dialog.locator("mark")).to_have_count(1)
    page.go_back()  # to the first question's results
    expect(dialog).to_be_hidden()
    expect(box).to_be_focused()
    expect(page.locator(".passage-text mark")).to_contain_text("10.4 million antipersonnel mines")

    # A newer question's results arrive while the view over the older ones is open.
    held = _hold(page, "**/v1/ask", _asks(SOUTH_KOREA))
    box.fill(SOUTH_KOREA)
    with page.expect_request("**/v1/ask"):
        box.press("Enter")
    page.get_by_role("button", name="View passage 1 in the source").click()
    expect(dialog.locator("mark")).to_have_count(1)
    held[0].continue_()
    expect(dialog).to_be_hidden()
    expect(page.locator(".passage .footnote mark").first).to_contain_text("124,000 antivehicle mines")
    expect(page.locator("#results h2").first).to_be_focused()


def test_a_source_that_cannot_be_loaded_says_so_in_the_view(page: Page, server: Server) -> None:
    ask(page, server, STOCKPILE)
    page.route("**/v1/documents/*/source", _fulfil_error(404, "document_not_found", "the document was removed"))
    opener = page.get_by_role("button", name="View passage 5 in the source")
    opener.click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("alert")).to_contain_text("the document was removed")
    expect(dialog.get_by_role("button", name="Close source")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(opener).to_be_focused()


def test_a_key_needed_to_open_the_source_keeps_the_focus_and_opens_it(page: Page, server: Server) -> None:
    ask(page, server, STOCKPILE)

    def handler(route: Route) -> None:
        if route.request.headers.get("authorization") == "Bearer s3cret":
            route.continue_()
        else:
            _fulfil_error(401, "unauthorized", "this action needs the read API key")(route)

    page.route("**/v1/documents/*/source", handler)
    opener = page.get_by_role("button", name="View passage 1 in the source")
    opener.click()
    key = page.get_by_label("API key")
    expect(key).to_be_focused()
    key.fill("s3cret")
    key.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog.locator("mark")).to_have_count(1)
    page.keyboard.press("Escape")
    expect(opener).to_be_focused()


def test_the_source_view_is_a_named_region_announcing_the_cited_span(page: Page, server: Server) -> None:
    c = ask(page, server, STOCKPILE)["passages"][0]["citation"]
    page.get_by_role("button", name="View passage 1 in the source").click()
    # Named by the title, not by its whole text (the name a screen reader would otherwise read).
    expect(page.get_by_role("region", name=f"Source of {c['title']}", exact=True)).to_be_focused()
    cited = page.get_by_role("dialog").get_by_role("status")
    expect(cited).to_have_text(f"Cited span, characters {c['start']} to {c['end']}.")


def test_only_a_short_status_announces_the_answer(page: Page, server: Server) -> None:
    answer = ask(page, server, STOCKPILE)["answer"]
    assert answer["text"].endswith("Russia.3")  # "3" is the marker of note 3
    # The results are not live (at k=20 a screen reader would read out every passage), the
    # status is, with the answer read without its markers.
    assert page.locator("#results").get_attribute("aria-live") is None
    status = page.get_by_role("status")
    expect(status).to_have_text(
        re.compile(r"^Answer: The United States still stockpiles .* China and Russia\. 5 passages")
    )


def test_a_cited_span_taller_than_the_view_opens_at_its_start(page: Page, server: Server) -> None:
    page.set_viewport_size({"width": 375, "height": 420})
    ask(page, server, STOCKPILE)
    page.get_by_role("button", name="View passage 2 in the source").click()
    expect(page.locator("#source-text mark")).to_have_count(1)
    mark, view = page.locator("#source-text").evaluate(
        "view => [view.querySelector('mark').getBoundingClientRect(), view.getBoundingClientRect()]"
    )
    assert mark["height"] > view["height"]
    assert view["top"] - 1 <= mark["top"] < view["top"] + view["height"] / 2


def test_the_documents_popover_closes_on_escape_a_click_outside_and_asking(page: Page, server: Server) -> None:
    page.goto(f"{server.url}/")
    summary = page.locator("#doc-filter summary")
    choice = page.get_by_role("checkbox", name="Back in Business")
    summary.click()
    expect(choice).to_be_visible()
    page.keyboard.press("Escape")
    expect(choice).to_be_hidden()
    expect(summary).to_be_focused()

    summary.click()
    expect(choice).to_be_visible()
    page.locator(".tagline").click()
    expect(choice).to_be_hidden()

    summary.click()
    choice.check()
    box = page.get_by_label("Question")
    box.fill(STOCKPILE)
    box.press("Enter")
    expect(page.locator(".passage").first).to_be_visible()
    expect(choice).to_be_hidden()


def test_markers_in_the_source_link_to_their_notes_and_back(page: Page, server: Server) -> None:
    doc_id = ask(page, server, STOCKPILE)["passages"][0]["citation"]["document_id"]
    source = httpx.get(f"{server.url}/v1/documents/{doc_id}/source", timeout=120).json()
    cited = [n for n in source["footnotes"] if n["markers"]]
    page.get_by_role("button", name="View passage 1 in the source").click()
    text = page.locator("#source-text")
    expect(text.locator("mark")).to_have_count(1)
    expect(text.locator("a.fn-ref")).to_have_count(sum(len(n["markers"]) for n in cited))
    assert text.text_content() == source["text"].replace("\f", "\n")  # links are markup around the text

    note = cited[-1]
    marker = text.get_by_role("link", name=f"footnote {note['label']}", exact=True).first
    marker.click()
    back = text.get_by_role("link", name=f"Back to the marker of footnote {note['label']}")
    expect(back).to_be_focused()
    expect(back).to_be_in_viewport()
    following = back.evaluate("a => a.nextSibling.textContent")
    assert note["text"].startswith(following[:20])
    back.press("Enter")
    expect(marker).to_be_focused()


def test_focus_moving_back_up_never_hides_under_the_question_form(page: Page, server: Server) -> None:
    page.set_viewport_size({"width": 1100, "height": 600})
    ask(page, server, STOCKPILE)
    page.locator(".passage .view-source").last.focus()
    for _ in range(15):
        page.keyboard.press("Shift+Tab")
        focused = page.locator(":focus")
        if focused.evaluate("node => Boolean(node.closest('#ask'))"):
            break
        assert _below_form(page, focused), focused.evaluate("node => node.outerHTML.slice(0, 80)")


@contextmanager
def serving(real_home: Path, home: Path, *files: tuple[str, bytes, str]) -> Iterator[Server]:
    """A server of its own (the real model) holding the uploaded ``(name, data, mime)`` documents,
    stopped afterwards."""
    server = start_server(home, real_home / "models")
    try:
        with httpx.Client(base_url=server.url, timeout=120) as client:
            for name, data, mime in files:
                added = client.post("/v1/documents", files={"file": (name, data, mime)})
                assert added.status_code == 201, added.text
        yield server
    finally:
        server.stop()


def open_asking(page: Page, server: Server, question: str, doc: str) -> dict[str, Any]:
    """Open the page at a link that asks ``question`` of ``doc``; the JSON the page received."""
    with page.expect_response(lambda r: urlsplit(r.url).path == "/v1/ask") as response:
        page.goto(f"{server.url}/?{urlencode({'q': question, 'doc': doc})}")
    body: dict[str, Any] = response.value.json()
    return body


def test_a_pdfs_source_shows_its_page_breaks_as_line_breaks(
    page: Page, real_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # A PDF's source text ends every page with a form feed; the page shows it as a line break,
    # one character for one, so the highlighted span stays exactly where the citation says.
    pdf = (DATA / "pdf" / "report.pdf").read_bytes()
    with serving(real_home, tmp_path_factory.mktemp("pdf-home"), ("report.pdf", pdf, "application/pdf")) as server:
        source = httpx.get(f"{server.url}/v1/documents/report/source", timeout=120).json()["text"]
        assert source.count("\f") == 3
        question = "Which two holders were given most of the drought exemptions?"
        first = open_asking(page, server, question, "report")["passages"][0]
        page.get_by_role("button", name="View passage 1 in the source").click()
        shown = page.get_by_role("dialog").locator(".source-text")
        expect(shown.locator("mark")).to_have_count(1)
        assert shown.text_content() == source.replace("\f", "\n")
        assert shown.locator("mark").text_content() == first["text"].replace("\f", "\n")


def test_a_citation_names_its_section_without_repeating_the_title(
    page: Page, real_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    report = (
        "# Clearance in Laos\n\n## Costs\n\nClearing one hectare of farmland cost 1,200 dollars in 2004.[^1]\n\n"
        "[^1]: Survey of the national clearance authority, 2005.\n"
    )
    home = tmp_path_factory.mktemp("sections-home")
    with serving(real_home, home, ("laos.md", report.encode(), "text/markdown")) as server:
        body = open_asking(page, server, "What did clearing a hectare cost?", "laos")
        assert body["answer"]["citation"]["section"] == "Clearance in Laos › Costs"
        expect(page.locator(".answer")).to_contain_text("Clearance in Laos · § Costs · chars")
        expect(page.locator(".answer")).not_to_contain_text("§ Clearance in Laos")


def test_an_answer_that_brings_a_list_shows_its_items_on_lines_of_their_own(
    page: Page, real_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    report = (
        "# Findings\n\nThe survey of the northern provinces found three problems:\n\n"
        "- Minefields were left unmarked near schools.[^1]\n- Clearance teams lacked detectors.\n"
        "- Records of past clearance were lost.\n\nFunding for clearance rose in 2004.\n\n"
        "[^1]: Provincial survey, 2003.\n"
    )
    home = tmp_path_factory.mktemp("lead-in-home")
    with serving(real_home, home, ("survey.md", report.encode(), "text/markdown")) as server:
        question = "What problems did the survey of the northern provinces find?"
        answer = open_asking(page, server, question, "survey")["answer"]
        assert answer["text"].startswith("The survey of the northern provinces found three problems:")
        assert answer["text"].rstrip().endswith("Records of past clearance were lost.")
        shown = page.locator(".answer-text").inner_text()
        lines = [line.strip() for line in shown.splitlines() if line.strip()]
        assert len(lines) == 4, shown  # the lead-in, then each item on its own line
        assert "Minefields were left unmarked" in lines[1] and "Records of past clearance" in lines[3]


# Documents the briefing lacks: a 300-character URL, right-to-left text, a note cited twice.
_URL = "https://archive.example.org/surveys/" + "northern-provinces-clearance-" * 9 + "2005.pdf"
_LINKS = (
    f"# Survey archive\n\nThe survey data are archived at {_URL} for anyone to check.[^1]\n\n"
    f"[^1]: Copied from {_URL} in 2005.\n"
)
_RTL = (
    "تقرير إزالة الألغام\n\n"
    "أزالت الفرق في المحافظة الشمالية ٤٫٢ كيلومتر مربع من الألغام في عام ٢٠٠٣.[1] وبلغت التكلفة ٢٫٥ مليون دولار.[2]\n\n"
    "דוח פינוי מוקשים: הצוותים פינו 1,250 מוקשים בשנת 2003, רובם מדגמים ישנים.[3]\n\n"
    "[1] تقرير مركز الأعمال المتعلقة بالألغام، ٢٠٠٤، ص ١٢.\n\n"
    "[2] مقابلة مع قائد فريق، ٣ مارس ٢٠٠٤.\n\n"
    "[3] דוח שנתי של המרכז, 2004.\n"
)
# Notes labelled with symbols, and notes cited by touching superscripts ("³⁴").
_SYMBOLS = (
    "Symbol Notes Report\n\nThe lighthouse at Cape Wrath was automated in 1998, ending two centuries of resident "
    "keepers.[*] The foghorn on the same headland was silenced in 2001 after complaints from the crofters.[†] The "
    "keepers' cottages were sold to a trust that runs them as a bothy.[‡]\n\nNotes\n\n"
    "[*] Northern Lighthouse Board annual report, 1998.\n[†] Sutherland council minutes, March 2001.\n"
    "[‡] Deed of sale, Cape Wrath Trust, 2003.\n"
)
_ADJACENT = (
    "Neutrality Report\n\nThe canton declared itself neutral in the dispute over the alpine pass in the spring of "
    "that year.¹ Its militia guarded the bridges but never crossed the river into the disputed valley.² Both "
    "claimants accepted the canton's neutrality within a month and withdrew their envoys.³⁴ The treaty of the "
    "following winter confirmed the arrangement for a generation.⁵\n\nNotes\n\n"
    "¹ Cantonal council minutes, April session.\n² Militia muster rolls, volume two.\n"
    "³ Letter of the first claimant to the canton.\n⁴ Letter of the second claimant to the canton.\n"
    "⁵ Treaty text, article three.\n"
)


@pytest.fixture(scope="module")
def shelf(real_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server holding the documents above and ``chapters.txt``, for the tests of how text is laid out."""
    with serving(
        real_home,
        tmp_path_factory.mktemp("shelf-home"),
        ("links.md", _LINKS.encode(), "text/markdown"),
        ("rtl.txt", _RTL.encode(), "text/plain"),
        ("chapters.txt", (DATA / "chapters.txt").read_bytes(), "text/plain"),
        ("symbols.txt", _SYMBOLS.encode(), "text/plain"),
        ("neutrality.txt", _ADJACENT.encode(), "text/plain"),
        ("notes.md", (DATA / "notes.md").read_bytes(), "text/markdown"),
    ) as server:
        yield server


def test_a_long_unbroken_string_wraps_inside_its_card(page: Page, shelf: Server) -> None:
    page.set_viewport_size({"width": 360, "height": 780})
    passages = open_asking(page, shelf, "Where are the survey data archived?", "links")["passages"]
    assert _URL in passages[0]["text"] and _URL in passages[0]["footnotes"][0]["text"]
    expect(page.locator(".passage").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "the page scrolls sideways on a phone"
    for card in page.locator(".answer, .passage").all():
        assert card.evaluate("card => card.scrollWidth <= card.clientWidth"), "a card overflows"


def test_a_long_note_label_stays_in_its_column(page: Page, shelf: Server) -> None:
    page.set_viewport_size({"width": 375, "height": 780})
    open_asking(page, shelf, "By 2004, how many states had joined the treaty?", "notes")
    label = page.locator(".footnote-label", has_text="note-b").first
    expect(label).to_be_visible()
    inside = label.evaluate(
        """label => {
            const box = label.getBoundingClientRect();
            const text = label.parentElement.querySelector('.footnote-text').getBoundingClientRect();
            const card = label.closest('.card, .passage').getBoundingClientRect();
            return card.left <= box.left && box.right <= text.left;
        }"""
    )
    assert inside, "the label spills out of its column"


def _direction(page: Page, selector: str) -> list[str]:
    return page.locator(selector).evaluate_all("nodes => nodes.map((n) => getComputedStyle(n).direction)")


def test_right_to_left_text_is_laid_out_right_to_left(page: Page, shelf: Server) -> None:
    data = open_asking(page, shelf, "كم كلفت إزالة الألغام؟", "rtl")
    assert {n["label"] for p in data["passages"] for n in p["footnotes"]} == {"1", "2", "3"}
    expect(page.locator(".passage").first).to_be_visible()
    assert _direction(page, ".answer-text") == ["rtl"]
    assert set(_direction(page, ".passage-text")) == {"rtl"}
    assert set(_direction(page, ".passage .footnote-text")) == {"rtl"}  # the Arabic notes and the Hebrew one
    assert set(_direction(page, ".passage .cite bdi")) == {"rtl"}  # the title, inside an English citation
    assert set(_direction(page, ".passage .cite")) == {"ltr"}

    page.get_by_role("button", name="View passage 1 in the source").click()
    expect(page.locator("#source-text mark")).to_have_count(1)
    assert _direction(page, "#source-text") == ["rtl"]
    assert _direction(page, "#source-title") == ["rtl"]


def test_every_marker_of_a_note_cited_twice_links_to_it(page: Page, shelf: Server) -> None:
    data = open_asking(page, shelf, "When did survey teams return to the northern province?", "chapters")
    passage = next(p for p in data["passages"] if "Chapter 1: Fields" in p["text"])  # under the title
    assert passage["text"].count("[1]") == 2
    card = page.locator(f"#passage-{passage['rank']}")
    markers = card.locator(".passage-text a.fn-ref")
    expect(markers).to_have_count(3)
    assert [m.get_attribute("href") for m in markers.all()] == [f"#p{passage['rank']}-fn-{n}" for n in "121"]


def _links(card: Locator) -> list[tuple[str, str | None]]:
    """Each footnote marker in ``card``'s text and the note it links to, as (marker, that note's label)."""
    out = []
    for marker in card.locator("a.fn-ref").all():
        href = marker.get_attribute("href") or ""
        target = card.page.locator(href) if href.startswith("#") else None
        out.append((marker.text_content() or "", target.locator(".footnote-label").text_content() if target else None))
    return out


def test_notes_labelled_with_symbols_each_have_their_own_link(page: Page, shelf: Server) -> None:
    data = open_asking(page, shelf, "When was the lighthouse at Cape Wrath automated?", "symbols")
    passage = next(p for p in data["passages"] if "[*]" in p["text"])
    assert [n["label"] for n in passage["footnotes"]] == ["*", "†", "‡"]
    card = page.locator(f"#passage-{passage['rank']}")
    expect(card.locator(".passage-text a.fn-ref")).to_have_count(3)
    assert _links(card.locator(".passage-text")) == [("[*]", "*"), ("[†]", "†"), ("[‡]", "‡")]
    ids = card.locator(".footnote").evaluate_all("notes => notes.map((note) => note.id)")
    assert len(set(ids)) == 3, ids


def test_every_label_has_an_element_id_of_its_own(page: Page, server: Server) -> None:
    page.goto(f"{server.url}/")
    labels = ["3", "12", "a", "*", "†", "‡", "３", "𝟑", "_", "a_b", "a*b", "_2a_", "a-b", "iv.", ""]
    ids = page.evaluate("labels => labels.map((label) => noteId('p1', { label }))", labels)
    assert len(set(ids)) == len(labels), ids
    assert ids[:3] == ["p1-fn-3", "p1-fn-12", "p1-fn-a"]  # plain labels keep their ids (and old links)
    assert all(re.fullmatch(r"p1-fn-[A-Za-z0-9_-]*", i) for i in ids), ids  # each a plain CSS #selector


def test_touching_superscript_markers_each_link_to_their_note(page: Page, shelf: Server) -> None:
    data = open_asking(page, shelf, "Which claimants withdrew their envoys?", "neutrality")
    passage = next(p for p in data["passages"] if "envoys.³⁴" in p["text"])
    c = passage["citation"]
    inside = [
        (m, n["label"]) for n in passage["footnotes"] for m in n["markers"] if c["start"] <= m["start"] < c["end"]
    ]
    spans = sorted((m["start"], m["end"], label) for m, label in inside)
    expected = [(passage["text"][s - c["start"] : e - c["start"]], label) for s, e, label in spans]
    assert ("³", "3") in expected and ("⁴", "4") in expected
    card = page.locator(f"#passage-{passage['rank']}")
    expect(card.locator(".passage-text a.fn-ref")).to_have_count(len(expected))
    assert _links(card.locator(".passage-text")) == expected
    answer = data["answer"]
    if answer and "envoys.³⁴" in answer["text"]:
        assert [link for link in _links(page.locator(".answer-text")) if link[1] in ("3", "4")] == [
            ("³", "3"),
            ("⁴", "4"),
        ]


def test_without_marker_spans_an_older_servers_markers_are_still_found(page: Page, server: Server) -> None:
    with httpx.Client(base_url=server.url, timeout=120) as client:
        real = client.post("/v1/ask", json={"question": STOCKPILE, "k": 5}).json()
    passage = containing(real["passages"], real["answer"]["citation"])
    for note in [*real["answer"]["footnotes"], *(n for p in real["passages"] for n in p["footnotes"])]:
        note.pop("markers", None)
    _show(page, server, real, STOCKPILE)
    card = page.locator(f"#passage-{passage['rank']}")
    expect(card.locator(".passage-text a.fn-ref", has_text="3")).to_have_attribute("href", f"#p{passage['rank']}-fn-3")
    assert ("3", "3") in _links(card.locator(".passage-text"))


_TREATY = "Which treaty article bars helping others?"


def _treaty_notes(server: Server) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The server's own answer to ``_TREATY``, the passage carrying notes 7 and 8, and those notes."""
    with httpx.Client(base_url=server.url, timeout=120) as client:
        real = client.post("/v1/ask", json={"question": _TREATY, "k": 5}).json()
    passage = next(p for p in real["passages"] if {n["label"] for n in p["footnotes"]} >= {"7", "8"})
    notes = {n["label"]: n for n in passage["footnotes"]}
    return real, passage, notes["7"], notes["8"]


def _quoted_through(
    real: dict[str, Any], passage: dict[str, Any], source: dict[str, Any], citing: dict[str, Any]
) -> dict[str, Any]:
    """An answer quoted from ``source`` whose only passage carries ``citing``, a note citing it
    through another ("Ibid.", "supra note 7"), not ``source`` itself."""
    answer = {
        **real["answer"],
        "text": source["text"],
        "citation": {**passage["citation"], "start": source["start"], "end": source["end"]},
        "footnotes": [source],
    }
    return {**real, "answer": answer, "passages": [{**passage, "rank": 1, "footnotes": [citing]}]}


def _show(page: Page, server: Server, body: dict[str, Any], question: str = _TREATY) -> None:
    page.unroute("**/v1/ask")
    page.route("**/v1/ask", lambda route: route.fulfill(content_type="application/json", body=json.dumps(body)))
    page.goto(f"{server.url}/?{urlencode({'q': question})}")


def test_an_answer_quoted_from_an_ibid_source_links_to_the_passage_that_repeats_it(page: Page, server: Server) -> None:
    # Built from the server's own answer, with the one thing a small report cannot set up: the
    # passage that names the source (note 7) is not among the results, only the one whose "Ibid."
    # (note 8) repeats it, and the answer is quoted from note 7 through that repeat.
    real, passage, source, repeat = _treaty_notes(server)
    assert repeat["same_as"] == "7"
    _show(page, server, _quoted_through(real, passage, source, repeat))
    link = page.locator(".answer .cite a")
    expect(link).to_have_text("in note 7, which passage 1 cites as note 8")
    target = link.get_attribute("href")
    assert target is not None
    expect(page.locator(target)).to_contain_text("Ibid.")


def test_a_note_citing_a_source_short_links_to_the_note_naming_it(page: Page, server: Server) -> None:
    # The briefing has no short form ("supra note 7"), so one is made from its note 8, pointing to
    # note 7 by number instead of repeating it: first in a passage that carries note 7 too, then
    # alone, with the answer quoted from note 7 through it.
    real, passage, source, repeat = _treaty_notes(server)
    short = {k: v for k, v in repeat.items() if k != "same_as"} | {"label": "9", "refers_to": ["7"]}
    _show(page, server, {**real, "passages": [{**passage, "rank": 1, "footnotes": [source, short]}]})
    item = page.locator(".passage .footnote").filter(has_text="(see note 7)")
    expect(item).to_have_count(1)
    target = item.locator("a.same-as-link").get_attribute("href")
    assert target is not None
    expect(page.locator(target)).to_contain_text(source["text"][:40])

    _show(page, server, _quoted_through(real, passage, source, short), _TREATY + " ")
    link = page.locator(".answer .cite a")
    expect(link).to_have_text("in note 7, which passage 1 cites as note 9")
    expect(page.locator(link.get_attribute("href") or "#none")).to_contain_text("(see note 7)")
    # Note 7 is not listed with the passage: its label opens the source at it.
    button = page.locator(".passage .footnote button.same-as-link")
    expect(button).to_have_text("note 7")
    button.click()
    expect(page.locator("#source-text mark")).to_have_text(source["text"])


def test_the_api_reference_page_renders_from_this_server_alone(page: Page, server: Server) -> None:
    elsewhere: list[str] = []

    def only_here(route: Route) -> None:
        if route.request.url.startswith(server.url):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_here)
    page.goto(f"{server.url}/docs")
    expect(page.locator(".opblock-summary-path", has_text="/v1/search")).to_be_visible()
    assert elsewhere == []
