"""The HTTP client against real uvicorn servers: the same core types as in process, and clear errors."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import numpy as np
import pytest

from footnoted import errors
from footnoted.client import AsyncClient, Client, ConnectionFailed, DocumentSource, HTTPError
from footnoted.index import Index
from footnoted.types import Answer, Citation, Footnote, Hit
from tests.integrations.conftest import ADMIN_KEY, QUESTION
from tests.server import Server, free_port

pytestmark = pytest.mark.model
DATA = Path(__file__).parents[1] / "data"
BRIEFING = "back-in-business-2005"


def _check_quotes(source: DocumentSource, hit: Hit) -> None:
    assert source.text[hit.citation.start : hit.citation.end] == hit.chunk.text
    for note in hit.chunk.footnotes:
        assert source.text[note.start : note.end] == note.text


def test_search_returns_core_hits_like_the_in_process_index(client: Client, real_briefing_index: Index) -> None:
    hits = client.search(QUESTION, 5)
    local = real_briefing_index.search(QUESTION, 5)
    assert all(isinstance(h, Hit) for h in hits)
    assert [h.rank for h in hits] == [1, 2, 3, 4, 5]
    assert [(h.chunk.id, h.citation) for h in hits] == [(h.chunk.id, h.citation) for h in local]
    assert [h.score for h in hits] == pytest.approx([h.score for h in local], abs=1e-5)
    for remote, mine in zip(hits, local, strict=True):
        assert remote.chunk.text == mine.chunk.text
        assert (remote.chunk.document_id, remote.chunk.section) == (mine.citation.document_id, mine.citation.section)
        assert [(n.label, n.text, n.start, n.end, n.markers) for n in remote.chunk.footnotes] == [
            (n.label, n.text, n.start, n.end, n.markers) for n in mine.chunk.footnotes
        ]
    first = hits[0]
    assert "10.4 million" in first.chunk.text
    assert "3" in [n.label for n in first.chunk.footnotes]
    source = client.source(BRIEFING)
    for hit in hits:
        _check_quotes(source, hit)
    assert [(n.label, n.same_as) for n in source.footnotes if n.same_as] == [("8", "7")]


@pytest.mark.parametrize("mode", ["dense", "lexical", "hybrid"])
def test_search_modes_and_document_filter(client: Client, mode: Any) -> None:
    hits = client.search(QUESTION, np.int64(2), mode=mode, document_ids=[BRIEFING])  # numpy's ints, as Index takes
    assert len(hits) == 2
    assert {h.citation.document_id for h in hits} == {BRIEFING}


def test_ask_returns_an_exact_evidence_sentence(client: Client) -> None:
    answer = client.ask(QUESTION, 3)
    assert isinstance(answer, Answer)
    assert answer.question == QUESTION
    assert "10.4 million antipersonnel mines" in answer.text
    assert isinstance(answer.citation, Citation)
    assert [n.label for n in answer.footnotes] == ["3"]
    assert all(isinstance(n, Footnote) for n in answer.footnotes)
    source = client.source(answer.citation.document_id)
    assert source.text[answer.citation.start : answer.citation.end] == answer.text
    assert len(answer.passages) == 3
    for hit in answer.passages:
        _check_quotes(source, hit)


def test_documents_document_and_source(client: Client) -> None:
    listed = client.documents()
    assert [d.id for d in listed] == [BRIEFING]
    one = client.document(BRIEFING)
    assert one == listed[0]
    assert (one.footnotes, one.format) == (8, "text")
    assert one.chunks > 0
    assert one.metadata["publisher"] == "Human Rights Watch"
    source = client.source(BRIEFING)
    assert len(source.text) == one.characters
    assert [n.label for n in source.footnotes] == [str(i) for i in range(1, 9)]
    assert all(source.text[n.start : n.end] == n.text for n in source.footnotes)


ERRORS: list[tuple[str, Callable[[Client], object], type[Exception], int, str, str]] = [
    ("unknown filter", lambda c: c.search(QUESTION, document_ids=["nope"]), errors.DocumentNotFound, 404, "not_found", "no document 'nope'"),
    ("unknown document", lambda c: c.document("nope"), errors.DocumentNotFound, 404, "not_found", "no document 'nope'"),
    ("unknown source", lambda c: c.source("nope"), errors.DocumentNotFound, 404, "not_found", "no document 'nope'"),
    ("k too large", lambda c: c.search(QUESTION, 51), errors.InvalidQuery, 422, "invalid_query", "k must be between 1 and 50"),
    ("k below 1", lambda c: c.ask(QUESTION, 0), errors.InvalidQuery, 422, "invalid_request", "k:"),
    ("empty question", lambda c: c.search(""), errors.InvalidQuery, 422, "invalid_request", "query:"),
    ("blank question", lambda c: c.ask("   "), errors.InvalidQuery, 422, "invalid_query", "the question is empty"),
    ("long question", lambda c: c.search("x" * 2001), errors.InvalidQuery, 422, "invalid_query", "the limit is 2000"),
    ("unknown mode", lambda c: c.search(QUESTION, mode=cast(Any, "fuzzy")), errors.InvalidQuery, 422, "invalid_request", "mode:"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("call", "kind", "status", "code", "message"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS]
)
def test_errors_are_core_errors_with_http_details(
    client: Client, call: Callable[[Client], object], kind: type[Exception], status: int, code: str, message: str
) -> None:
    with pytest.raises(kind) as caught:
        call(client)
    error = caught.value
    assert isinstance(error, HTTPError)
    assert isinstance(error, errors.FootnotedError)
    assert (error.status, error.code) == (status, code)
    assert message in error.message
    assert error.request_id
    assert f"HTTP {status} {code}" in str(error)


def test_an_unreachable_server_is_a_clear_error() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with Client(url, timeout=5) as c, pytest.raises(ConnectionFailed, match=r"is `footnoted serve` running"):
        c.documents()


def test_async_client_mirrors_the_sync_one(server: Server, client: Client) -> None:
    async def calls() -> tuple[list[Hit], Answer, list[str], DocumentSource]:
        async with AsyncClient(server.url) as c:
            hits = await c.search(QUESTION, 3)
            answer = await c.ask(QUESTION, 2)
            ids = [d.id for d in await c.documents()]
            with pytest.raises(errors.DocumentNotFound):
                await c.document("nope")
            return hits, answer, ids, await c.source(BRIEFING)

    hits, answer, ids, source = asyncio.run(calls())
    assert [h.chunk.id for h in hits] == [h.chunk.id for h in client.search(QUESTION, 3)]
    assert answer.text == client.ask(QUESTION, 2).text
    assert ids == [BRIEFING]
    assert source == client.source(BRIEFING)


# -- document changes, on a server of their own --------------------------------------------------


@pytest.fixture(scope="module")
def admin(writable_server: Server) -> Iterator[Client]:
    with Client(writable_server.url, api_key=ADMIN_KEY) as c:
        yield c


def test_add_search_replace_and_remove(admin: Client, tmp_path: Path) -> None:
    added = admin.add_document(DATA / "notes.md", id="notes")
    assert (added.status, added.document.id, added.document.format) == ("added", "notes", "markdown")
    assert added.document.footnotes == 3
    assert added.chunks == added.document.chunks > 0
    assert admin.add_document(DATA / "notes.md", id="notes").status == "unchanged"

    hits = admin.search("When did the treaty enter into force?", 3, document_ids=["notes"])
    assert hits
    assert {h.citation.document_id for h in hits} == {"notes"}
    source = admin.source("notes")
    for hit in hits:
        _check_quotes(source, hit)

    text = admin.add_text("A claim.[1]\n\n[1] Its source.", title="Field notes", id="field-notes")
    assert (text.status, text.document.title, text.document.footnotes) == ("added", "Field notes", 1)
    cited = admin.add_text("A claim.[1] Again.[2]\n\n[1] Its source.\n[2] Source, supra note 1.", id="short-form")
    assert [n.refers_to for n in admin.source(cited.document.id).footnotes] == [(), ("1",)]
    admin.remove("short-form")
    assert admin.add_text("A changed claim.[1]\n\n[1] Its source.", id="field-notes").status == "replaced"
    assert {d.id for d in admin.documents()} >= {"notes", "field-notes"}

    admin.remove("field-notes")
    admin.remove("notes")
    assert "notes" not in {d.id for d in admin.documents()}
    with pytest.raises(errors.DocumentNotFound):
        admin.remove("notes")


def test_footnotes_carry_their_markers(admin: Client) -> None:
    text = (
        "Neutrality\n\nBoth claimants withdrew their envoys.³⁴ The treaty confirmed it.⁵\n\nNotes\n\n"
        "³ Letter of the first claimant.\n⁴ Letter of the second claimant.\n⁵ Treaty text.\n"
    )
    admin.add_text(text, id="neutrality")
    hits = admin.search("Who withdrew their envoys?", 1, mode="lexical", document_ids=["neutrality"])
    answer = admin.ask("Who withdrew their envoys?", 1, mode="lexical", document_ids=["neutrality"])
    source = admin.source("neutrality").text
    admin.remove("neutrality")

    for notes in (hits[0].chunk.footnotes, answer.footnotes):
        marked = {n.label: [source[m.start : m.end] for m in n.markers] for n in notes}
        assert {label: marked[label] for label in ("3", "4")} == {"3": ["³"], "4": ["⁴"]}


UPLOADS: list[tuple[str, str, str, type[Exception], int, str]] = [
    ("unsupported", "report.pages", "PK a Pages file", errors.UnsupportedFormat, 415, "unsupported_media_type"),
    ("damaged pdf", "report.pdf", "%PDF-1.4 binary", errors.IngestError, 400, "bad_document"),
    ("too large", "big.txt", "word " * 5000, errors.DocumentTooLarge, 413, "too_large"),
    ("empty", "empty.txt", "", errors.IngestError, 400, "bad_document"),
]


@pytest.mark.parametrize(
    ("name", "content", "kind", "status", "code"), [u[1:] for u in UPLOADS], ids=[u[0] for u in UPLOADS]
)
def test_refused_uploads(
    admin: Client, tmp_path: Path, name: str, content: str, kind: type[Exception], status: int, code: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(kind) as caught:
        admin.add_document(path)
    assert isinstance(caught.value, HTTPError)
    assert (caught.value.status, caught.value.code) == (status, code)


@pytest.mark.parametrize(
    ("key", "status", "code"),
    [(None, 401, "unauthorized"), ("wrong-key", 403, "forbidden")],
    ids=["no key", "wrong key"],
)
def test_changes_need_the_admin_key(writable_server: Server, key: str | None, status: int, code: str) -> None:
    with Client(writable_server.url, api_key=key) as c:
        assert c.documents()  # reading stays open to this machine
        with pytest.raises(HTTPError) as caught:
            c.add_text("A claim.", title="Nope")
    assert (caught.value.status, caught.value.code) == (status, code)
    assert not isinstance(caught.value, errors.DocumentNotFound)


def test_ids_and_questions_no_server_could_take_are_refused_before_a_request() -> None:
    from footnoted.client import _DOCUMENT_ID
    from footnoted.ingest.read import DOCUMENT_ID

    assert f"^{_DOCUMENT_ID.pattern}$" == DOCUMENT_ID
    # Nothing listens here: each refusal comes before any request is made.
    client = Client("http://127.0.0.1:9", timeout=0.5)
    for bad in (".", "..", "", "a/b", " x"):
        with pytest.raises(errors.DocumentNotFound, match="ids are letters, digits"):
            client.document(bad)
        with pytest.raises(errors.DocumentNotFound):
            client.remove(bad)
        with pytest.raises(errors.DocumentNotFound):
            client.source(bad)
    with pytest.raises(errors.InvalidQuery, match="half of a character"):
        client.search("mines \ud800")
    with pytest.raises(errors.InvalidQuery, match="must be a string"):
        client.ask(cast(str, 42))
    for k in (2.0, "3", True):
        with pytest.raises(errors.InvalidQuery, match=re.escape(f"k must be a whole number from 1, not {k!r}")):
            client.search("mines", cast(int, k))
    with pytest.raises(errors.IngestError, match="half of a character"):
        client.add_text("mines \udc80 stored")
    for missing in (Path("/nonexistent/report.txt"), Path("/")):
        with pytest.raises(errors.IngestError, match="cannot read the file"):
            client.add_document(missing)
