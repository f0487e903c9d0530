"""Every route against a real uvicorn process, with the real model: shapes, limits, errors, keys."""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from tests.conftest import DATA
from tests.server import Server, start_server

pytestmark = pytest.mark.model
QUESTION = "How many antipersonnel mines does the United States stockpile?"


def _error(response: httpx.Response, status: int, code: str) -> dict[str, str]:
    assert response.status_code == status, response.text
    body = response.json()["error"]
    assert body["code"] == code
    assert body["message"]
    assert body["request_id"] == response.headers["x-request-id"]
    return body


def _quote_check(client: httpx.Client, result: dict) -> None:  # type: ignore[type-arg]
    source = client.get(f"/v1/documents/{result['citation']['document_id']}/source").json()["text"]
    assert source[result["citation"]["start"] : result["citation"]["end"]] == result["text"]
    for note in result["footnotes"]:
        assert source[note["start"] : note["end"]] == note["text"]


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=60) as c:
        yield c


def test_search_returns_the_contract_shape_with_exact_quotes(client: httpx.Client) -> None:
    response = client.post("/v1/search", json={"query": QUESTION, "k": 3})
    assert response.status_code == 200
    body = response.json()
    assert body["query"] == QUESTION
    assert [r["rank"] for r in body["results"]] == [1, 2, 3]
    first = body["results"][0]
    assert set(first) == {"rank", "score", "chunk_id", "text", "citation", "footnotes"}
    assert set(first["citation"]) == {"document_id", "title", "section", "start", "end"}
    assert "10.4 million" in first["text"]
    assert "3" in [n["label"] for n in first["footnotes"]]
    for result in body["results"]:
        _quote_check(client, result)


def test_an_ibid_note_names_the_note_with_the_source(client: httpx.Client) -> None:
    body = client.post(
        "/v1/search", json={"query": "Article 1 of the treaty: never assist, encourage or induce", "k": 7}
    )
    notes = {n["label"]: n for r in body.json()["results"] for n in r["footnotes"]}
    assert notes["8"]["text"] == "Ibid."
    assert notes["8"]["same_as"] == "7"
    # Only a repeat carries the key: every other note keeps the shape of the rest (with its markers).
    assert all(set(n) == {"label", "text", "start", "end", "markers"} for label, n in notes.items() if label != "8")


@pytest.mark.parametrize("mode", ["dense", "lexical", "hybrid"])
def test_search_modes_and_document_filter(client: httpx.Client, mode: str) -> None:
    body = client.post(
        "/v1/search", json={"query": QUESTION, "k": 2, "mode": mode, "documents": ["back-in-business-2005"]}
    ).json()
    assert len(body["results"]) == 2
    _error(client.post("/v1/search", json={"query": QUESTION, "documents": ["nope"]}), 404, "not_found")


def test_a_request_chooses_how_hybrid_search_fuses(client: httpx.Client) -> None:
    question = "What is the complete formal title of the Mine Ban Treaty?"

    def scores(path: str, body: dict[str, object]) -> list[float]:
        got = client.post(path, json=body).json()
        return [r["score"] for r in got.get("results", got.get("passages", []))]

    rrf = scores("/v1/search", {"query": question, "k": 3})
    zscore = scores("/v1/search", {"query": question, "k": 3, "fusion": "zscore"})
    assert rrf == scores("/v1/search", {"query": question, "k": 3, "fusion": "rrf"})
    assert zscore != rrf and all(0 < s <= 1 for s in rrf)  # reciprocal ranks scaled so 1 is first in both
    assert scores("/v1/ask", {"question": question, "k": 3, "fusion": "zscore"}) == zscore


def test_ask_returns_an_exact_evidence_sentence(client: httpx.Client) -> None:
    body = client.post("/v1/ask", json={"question": QUESTION}).json()
    answer = body["answer"]
    assert "10.4 million antipersonnel mines" in answer["text"]
    assert [n["label"] for n in answer["footnotes"]] == ["3"]
    _quote_check(client, {**answer, "footnotes": answer["footnotes"]})
    assert body["passages"]
    for passage in body["passages"]:
        _quote_check(client, passage)


def test_a_question_naming_a_note_is_answered_from_it(client: httpx.Client) -> None:
    body = client.post("/v1/ask", json={"question": "What does footnote 3 say?"}).json()
    assert [n["label"] for n in body["answer"]["footnotes"]] == ["3"]
    note = body["answer"]["footnotes"][0]
    assert note["start"] <= body["answer"]["citation"]["start"] < body["answer"]["citation"]["end"] <= note["end"]
    assert "3" in [n["label"] for n in body["passages"][0]["footnotes"]]
    _quote_check(client, body["answer"])


def test_documents_routes(client: httpx.Client) -> None:
    listed = client.get("/v1/documents").json()["documents"]
    assert [d["id"] for d in listed] == ["back-in-business-2005"]
    one = client.get("/v1/documents/back-in-business-2005").json()
    assert one["footnotes"] == 8
    assert one["chunks"] >= 4
    assert one["title"] == "Back in Business? U.S. Landmine Production and Exports"
    source = client.get("/v1/documents/back-in-business-2005/source").json()
    assert len(source["footnotes"]) == 8
    _error(client.get("/v1/documents/missing"), 404, "not_found")
    _error(client.get("/v1/documents/..%2F..%2Fetc%2Fpasswd"), 404, "not_found")
    _error(client.get("/v1/documents/bad%20id"), 422, "invalid_request")


def test_an_idle_connection_outlives_the_clients_keep_alive(server: Server) -> None:
    """httpx keeps an idle connection 5 s; a server that closed its side at 5 s too would make a
    client reuse a closing connection and fail. The server keeps it open longer."""
    url = httpx.URL(server.url)
    request = f"GET /healthz HTTP/1.1\r\nHost: {url.host}\r\n\r\n".encode()
    with socket.create_connection((url.host, url.port), timeout=10) as sock:
        for attempt in range(2):
            sock.sendall(request)
            reply = b""
            while not reply.endswith(b'{"status":"ok"}'):
                data = sock.recv(4096)
                assert data, f"the server closed the connection (request {attempt + 1})"
                reply += data
            assert reply.startswith(b"HTTP/1.1 200")
            if attempt == 0:
                time.sleep(6)


def test_operations_routes(client: httpx.Client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json()["status"] == "ready"
    client.post("/v1/search", json={"query": "treaty", "k": 1})
    metrics = client.get("/metrics").text
    assert 'footnoted_requests_total{method="POST",route="/v1/search",status="200"}' in metrics
    assert "footnoted_request_seconds_bucket" in metrics
    assert "footnoted_index_chunks" in metrics
    assert "footnoted_encode_seconds_count" in metrics
    schema = client.get("/openapi.json").json()
    assert {"/v1/search", "/v1/ask", "/v1/documents", "/v1/documents/{doc_id}", "/healthz", "/readyz"} <= set(
        schema["paths"]
    )
    assert schema["components"]["schemas"]["SearchRequest"]["examples"]


def test_request_ids_are_echoed(client: httpx.Client) -> None:
    rid = uuid.uuid4().hex
    assert client.get("/healthz", headers={"X-Request-ID": rid}).headers["x-request-id"] == rid
    generated = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"}).headers["x-request-id"]
    assert generated != "bad id with spaces"
    assert len(generated) == 32


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("/v1/search", {"query": QUESTION, "k": 0}, 422, "invalid_request"),
        ("/v1/search", {"query": QUESTION, "k": 51}, 422, "invalid_query"),
        ("/v1/search", {"query": "x" * 2001}, 422, "invalid_query"),
        ("/v1/search", {"query": ""}, 422, "invalid_request"),
        ("/v1/search", {"query": "   "}, 422, "invalid_query"),
        ("/v1/search", {"query": QUESTION, "mode": "magic"}, 422, "invalid_request"),
        ("/v1/search", {"query": QUESTION, "fusion": "magic"}, 422, "invalid_request"),
        ("/v1/ask", {"question": QUESTION, "fusion": "average"}, 422, "invalid_request"),
        ("/v1/search", {"query": QUESTION, "unknown": 1}, 422, "invalid_request"),
        ("/v1/search", {"k": 3}, 422, "invalid_request"),
        ("/v1/ask", {"question": QUESTION, "k": 1000}, 422, "invalid_query"),
        ("/v1/ask", {"question": 42}, 422, "invalid_request"),
    ],
)
def test_query_limits(client: httpx.Client, path: str, body: object, status: int, code: str) -> None:
    _error(client.post(path, json=body), status, code)


def test_malformed_json_and_wrong_methods(client: httpx.Client) -> None:
    _error(
        client.post("/v1/search", content=b"{not json", headers={"content-type": "application/json"}),
        422,
        "invalid_request",
    )
    _error(client.get("/v1/search"), 405, "method_not_allowed")
    _error(client.get("/no/such/route"), 404, "not_found")


@pytest.mark.parametrize(
    ("body", "kind", "status", "code", "message"),
    [
        (
            b'{"query": ',
            "application/json",
            422,
            "invalid_request",
            "the body is not valid JSON: Expecting value at character 10",
        ),
        (b'{"query": "mines"}', "text/plain", 415, "unsupported_media_type", "(it came as 'text/plain')"),
        # What `curl -d` sends when not told otherwise.
        (
            b'{"query": "mines"}',
            "application/x-www-form-urlencoded",
            415,
            "unsupported_media_type",
            "Content-Type: application/json",
        ),
        (b'{"query": "mines"}', None, 415, "unsupported_media_type", "(it came with no Content-Type)"),
        (b"", "application/json", 422, "invalid_request", "the body is empty"),
        (
            b'["mines"]',
            "application/json",
            422,
            "invalid_request",
            "the body must be a JSON object ({...}), not an array",
        ),
        (b'"mines"', "application/json; charset=utf-8", 422, "invalid_request", "not a string"),
        (b"null", "application/json", 422, "invalid_request", "not null"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_said_to_be(
    client: httpx.Client, body: bytes, kind: str | None, status: int, code: str, message: str
) -> None:
    for path in ("/v1/search", "/v1/ask"):
        request = client.build_request("POST", path, content=body, headers={"content-type": kind} if kind else {})
        assert request.headers.get("content-type") == kind
        assert message in _error(client.send(request), status, code)["message"]


# -- document changes, on a server of their own --------------------------------------------------


@pytest.fixture(scope="module")
def writable_server(real_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_server(tmp_path_factory.mktemp("writable-home"), real_home / "models", max_upload_bytes="20000")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def writable(writable_server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=writable_server.url, timeout=60) as c:
        yield c


def test_upload_search_replace_delete(writable: httpx.Client) -> None:
    text = (
        "Clearance in Angola\n\nDeminers cleared 40 fields near Huambo in 2003.[1]\n\n[1] Field report, HALO Trust.\n"
    )
    created = writable.post("/v1/documents", files={"file": ("angola.txt", text.encode(), "text/plain")})
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "added"
    assert created.json()["document"]["footnotes"] == 1
    hits = writable.post("/v1/search", json={"query": "Who reported the fields cleared near Huambo?", "k": 1}).json()
    top = hits["results"][0]
    assert top["citation"]["document_id"] == "angola"
    assert top["footnotes"][0]["text"] == "Field report, HALO Trust."
    again = writable.post("/v1/documents", files={"file": ("angola.txt", text.encode(), "text/plain")}).json()
    assert again["status"] == "unchanged"
    assert again["encoded"] == 0
    changed = writable.post(
        "/v1/documents", json={"id": "angola", "title": "Angola", "text": "Fields near Kuito.\n"}
    ).json()
    assert changed["status"] == "replaced"
    assert writable.delete("/v1/documents/angola").json() == {"deleted": "angola"}
    _error(writable.get("/v1/documents/angola"), 404, "not_found")
    _error(writable.delete("/v1/documents/angola"), 404, "not_found")


def test_a_note_citing_a_source_short_names_the_note_with_it(writable: httpx.Client) -> None:
    text = (
        "Groundwater\n\nThe aquifer lost a fifth of its water.[1]\n\nDistricts answered with metering rules.[2]\n\n"
        "[1] Jane Kessler, The Vanishing Aquifer, 41 Nat. Resources J. 233 (1994).\n"
        "[2] See Kessler, supra note 1, at 251.\n"
    )
    created = writable.post("/v1/documents", json={"id": "groundwater", "text": text})
    assert created.status_code == 201, created.text
    body = writable.post(
        "/v1/search", json={"query": "metering rules", "k": 3, "mode": "lexical", "documents": ["groundwater"]}
    ).json()
    notes = {n["label"]: n for r in body["results"] for n in r["footnotes"]}
    assert notes["2"]["refers_to"] == ["1"]
    assert set(notes["1"]) == {
        "label",
        "text",
        "start",
        "end",
        "markers",
    }  # only a note that points to others has the key
    source = writable.get("/v1/documents/groundwater/source").json()
    assert source["footnotes"][0] == notes["1"]
    assert source["footnotes"][1]["refers_to"] == ["1"]
    assert writable.delete("/v1/documents/groundwater").status_code == 200


@pytest.mark.parametrize(
    ("path", "media", "fmt", "notes", "label"),
    [
        # A PDF's notes at the foot of each page; an .odt's endnotes, numbered i to iv.
        ("pdf_text/report.pdf", "application/pdf", "pdf", 5, "4"),
        ("odt/libreoffice_endnotes.odt", "application/vnd.oasis.opendocument.text", "odt", 4, "iii"),
        ("rtf/libreoffice_endnotes.rtf", "application/rtf", "rtf", 4, "iii"),  # the same endnotes, as RTF
    ],
)
def test_an_uploaded_file_is_read_with_its_notes_linked(
    writable: httpx.Client, writable_server: Server, path: str, media: str, fmt: str, notes: int, label: str
) -> None:
    name = "stock" + Path(path).suffix
    created = writable.post("/v1/documents", files={"file": (name, (DATA / path).read_bytes(), media)})
    assert created.status_code == 201, created.text
    if fmt == "pdf":  # read by the helper the server keeps for PDFs, not in its own process
        children = psutil.Process(writable_server.process.pid).children()
        assert any("footnoted.ingest.many" in " ".join(c.cmdline()) for c in children)
    assert created.json()["document"]["format"] == fmt
    assert created.json()["document"]["footnotes"] == notes
    hits = writable.post(
        "/v1/search", json={"query": "antivehicle mines shipped to South Korea", "k": 1, "documents": ["stock"]}
    ).json()
    [top] = hits["results"]
    assert "124,000 antivehicle mines" in {n["label"]: n for n in top["footnotes"]}[label]["text"]
    assert writable.delete("/v1/documents/stock").status_code == 200


@pytest.mark.parametrize(
    ("files", "status", "code"),
    [
        (
            {"file": ("report.pages", b"PK\x03\x04 a Pages file", "application/octet-stream")},
            415,
            "unsupported_media_type",
        ),
        (
            {"file": ("report.odt", b"PK\x03\x04 binary", "application/vnd.oasis.opendocument.text")},
            400,
            "bad_document",
        ),
        ({"file": ("report.pdf", b"%PDF-1.4 binary", "application/pdf")}, 400, "bad_document"),
        ({"file": ("report.rtf", b"{\\rtf1 {\\b cut short", "application/rtf")}, 400, "bad_document"),
        ({"file": ("empty.txt", b"", "text/plain")}, 400, "bad_document"),
        ({"file": ("blob.txt", b"\x00\x01\x02\x03" * 100, "text/plain")}, 400, "bad_document"),
        ({"file": ("big.txt", b"word " * 5000, "text/plain")}, 413, "too_large"),
        ({"other": ("x.txt", b"text", "text/plain")}, 400, "bad_document"),
    ],
)
def test_bad_uploads(writable: httpx.Client, files: dict, status: int, code: str) -> None:  # type: ignore[type-arg]
    _error(writable.post("/v1/documents", files=files), status, code)


def test_bad_json_documents_and_content_types(writable: httpx.Client) -> None:
    _error(writable.post("/v1/documents", json={"title": "x", "text": ""}), 422, "invalid_request")
    _error(writable.post("/v1/documents", json={"id": "../../etc", "text": "hello there"}), 422, "invalid_request")
    _error(
        writable.post("/v1/documents", content=b"hello", headers={"content-type": "text/plain"}),
        415,
        "unsupported_media_type",
    )
    _error(writable.post("/v1/documents", json={"text": "x " * 20000}), 413, "too_large")

    def chunked(body: bytes) -> Iterator[bytes]:  # no Content-Length: the limit is found reading
        yield from (body[i : i + 4096] for i in range(0, len(body), 4096))

    big = b'{"query": "' + b"x" * 100_000 + b'"}'  # past the limit and the room it leaves for a form
    for route in ("/v1/search", "/v1/ask", "/v1/documents"):
        sent = writable.post(route, content=chunked(big), headers={"content-type": "application/json"})
        assert "content-length" not in sent.request.headers
        _error(sent, 413, "too_large")
    path = writable.post(
        "/v1/documents", files={"file": ("../../evil name.md", b"# Evil\n\nText body here.\n", "text/markdown")}
    )
    assert path.status_code == 201
    assert path.json()["document"]["id"] == "evil-name"
    writable.delete("/v1/documents/evil-name")


# -- API keys --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def keyed(real_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_server(
        tmp_path_factory.mktemp("keyed-home"),
        real_home / "models",
        read_key="reader-secret",
        admin_key="admin-secret",
        cors_origins="http://example.test, http://other.example",  # a comma-separated list (JSON works too)
    )
    yield server
    server.stop()


@pytest.mark.parametrize(
    ("method", "path", "key", "status"),
    [
        ("POST", "/v1/search", None, 401),
        ("POST", "/v1/search", "wrong", 403),
        ("POST", "/v1/search", "reader-secret", 200),
        ("POST", "/v1/search", "admin-secret", 200),
        ("GET", "/v1/documents", None, 401),
        ("GET", "/v1/documents", "reader-secret", 200),
        ("DELETE", "/v1/documents/nope", "reader-secret", 403),
        ("DELETE", "/v1/documents/nope", None, 401),
        ("DELETE", "/v1/documents/nope", "admin-secret", 404),
        ("GET", "/healthz", None, 200),
        ("GET", "/readyz", None, 200),
        ("GET", "/metrics", None, 200),
    ],
)
def test_read_and_admin_keys(keyed: Server, method: str, path: str, key: str | None, status: int) -> None:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    body = {"query": "treaty", "k": 1} if method == "POST" else None
    response = httpx.request(method, keyed.url + path, json=body, headers=headers, timeout=60)
    assert response.status_code == status, response.text
    if status in (401, 403):
        assert response.json()["error"]["code"] == ("unauthorized" if status == 401 else "forbidden")
    if status == 401:
        assert response.headers["www-authenticate"].startswith("Bearer")


def test_the_key_is_checked_before_the_body_is_read(keyed: Server) -> None:
    # FastAPI parses a JSON body before the route's dependencies run: a malformed body without a
    # key must still be told about the key first.
    for path, key, status in (("/v1/search", None, 401), ("/v1/search", "wrong", 403), ("/v1/documents", None, 401)):
        headers = {"content-type": "application/json", **({"Authorization": f"Bearer {key}"} if key else {})}
        response = httpx.post(keyed.url + path, content=b"{bad", headers=headers, timeout=60)
        assert response.status_code == status, response.text
    good = httpx.post(
        keyed.url + "/v1/search",
        content=b"{bad",
        headers={"content-type": "application/json", "Authorization": "Bearer reader-secret"},
        timeout=60,
    )
    assert good.status_code == 422


@pytest.mark.parametrize("header", ["authorization", "x-api-key", "content-type,authorization"])
def test_a_page_on_an_allowed_origin_may_send_the_keys(keyed: Server, header: str) -> None:
    preflight = httpx.options(
        keyed.url + "/v1/search",
        headers={
            "Origin": "http://example.test",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": header,
        },
    )
    assert preflight.status_code == 200, preflight.text
    allowed = {h.strip().lower() for h in preflight.headers["access-control-allow-headers"].split(",")}
    assert set(header.split(",")) <= allowed
    answer = httpx.post(
        keyed.url + "/v1/search",
        json={"query": "treaty", "k": 1},
        headers={"Origin": "http://example.test", "X-API-Key": "reader-secret"},
        timeout=60,
    )
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == "http://example.test"
    assert "x-request-id" in answer.headers["access-control-expose-headers"].lower()


@pytest.mark.parametrize(
    ("origin", "method", "refused"),
    [("http://evil.example", "POST", "origin"), ("http://other.example", "PATCH", "method")],
)
def test_a_refused_cors_preflight_is_a_json_error(keyed: Server, origin: str, method: str, refused: str) -> None:
    preflight = httpx.options(
        keyed.url + "/v1/search",
        headers={"Origin": origin, "Access-Control-Request-Method": method, "X-Request-ID": "preflight-1"},
    )
    body = _error(preflight, 400, "cors_refused")
    assert preflight.headers["content-type"] == "application/json"
    assert f"{refused} not allowed" in body["message"]
    assert body["request_id"] == "preflight-1"
    if refused == "origin":
        assert "access-control-allow-origin" not in preflight.headers


def test_x_api_key_header_and_keys_never_logged(keyed: Server) -> None:
    ok = httpx.post(
        keyed.url + "/v1/ask", json={"question": "treaty"}, headers={"X-API-Key": "reader-secret"}, timeout=60
    )
    assert ok.status_code == 200
    assert "reader-secret" not in keyed.logs()
    assert "admin-secret" not in keyed.logs()


def _outside_address() -> str | None:
    """This machine's address on a non-loopback interface, if it has one."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # no packet is sent: this only picks a route
            address = s.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") else str(address)


def test_without_keys_only_local_clients_are_answered(real_home: Path, tmp_path: Path) -> None:
    address = _outside_address()
    if address is None:
        pytest.skip("this machine has no non-loopback interface to connect from")
    server = start_server(tmp_path, real_home / "models", host="0.0.0.0")
    try:
        port = server.url.rsplit(":", 1)[1]
        local = httpx.post(f"http://127.0.0.1:{port}/v1/search", json={"query": "treaty"}, timeout=60)
        assert local.status_code == 200
        remote = httpx.post(f"http://{address}:{port}/v1/search", json={"query": "treaty"}, timeout=60)
        assert remote.status_code == 403
        assert "this machine only" in remote.json()["error"]["message"]
        assert httpx.get(f"http://{address}:{port}/healthz", timeout=10).status_code == 200
    finally:
        server.stop()


# -- ids, re-reads and bounds of uploads ------------------------------------------------------------


def test_an_id_must_be_whole_and_names_never_share_one(writable: httpx.Client) -> None:
    text = b"# Notes\n\nA field note about wells.\n"
    # "$" in a pattern also matches before a final newline: the id must match whole, on both paths.
    for files, data in (({"file": ("a.md", text, "text/markdown")}, {"id": "nl\n"}),):
        _error(writable.post("/v1/documents", files=files, data=data), 422, "invalid_request")
    _error(writable.post("/v1/documents", json={"id": "nl\n", "text": "A note."}), 422, "invalid_request")
    _error(
        writable.post("/v1/documents", files={"file": ("a.md", text, "text/markdown")}, data={"title": "T" * 501}),
        422,
        "invalid_request",
    )
    # Titles and file names with no ASCII form, and texts with neither id nor title, each get an id
    # of their own: none replaces another.
    made = [
        writable.post("/v1/documents", json={"title": "地雷报告", "text": "Alpha report about stored mines."}),
        writable.post("/v1/documents", json={"title": "Минные поля", "text": "Beta report about river water."}),
        writable.post("/v1/documents", files={"file": ("地雷.txt", b"Gamma text about wells.", "text/plain")}),
        writable.post("/v1/documents", files={"file": ("мины.txt", b"Delta text about roads.", "text/plain")}),
        writable.post("/v1/documents", json={"text": "Epsilon text about schools."}),
        writable.post("/v1/documents", json={"text": "Zeta text about clinics."}),
    ]
    assert [r.status_code for r in made] == [201] * 6, [r.text for r in made]
    assert [r.json()["status"] for r in made] == ["added"] * 6
    ids = [r.json()["document"]["id"] for r in made]
    assert len(set(ids)) == 6
    again = writable.post("/v1/documents", json={"text": "Zeta text about clinics."}).json()
    assert (again["status"], again["document"]["id"]) == ("unchanged", ids[-1])
    listed = {d["id"] for d in writable.get("/v1/documents").json()["documents"]}
    assert set(ids) <= listed
    for doc_id in ids:
        assert writable.delete(f"/v1/documents/{doc_id}").status_code == 200


def test_metrics_count_each_request_under_the_route_it_was_sent_to(writable: httpx.Client) -> None:
    # Files under /static, the schema, a body refused by its Content-Length before the app reads it,
    # a method a route does not take: each under its route; only a path no route has is unmatched.
    assert writable.get("/static/app.js").status_code == 200
    assert writable.get("/openapi.json").status_code == 200
    _error(
        writable.post("/v1/documents", content=b"x" * 100_000, headers={"content-type": "text/plain"}), 413, "too_large"
    )
    _error(writable.get("/v1/search"), 405, "method_not_allowed")
    _error(writable.get("/no/such/route"), 404, "not_found")
    metrics = writable.get("/metrics").text
    for line in (
        'method="GET",route="/static",status="200"',
        'method="GET",route="/openapi.json",status="200"',
        'method="POST",route="/v1/documents",status="413"',
        'method="GET",route="/v1/search",status="405"',
        'method="GET",route="unmatched",status="404"',
    ):
        assert f"footnoted_requests_total{{{line}}}" in metrics, [
            m for m in metrics.splitlines() if "requests_total{" in m
        ]
    assert 'route="unmatched",status="200"' not in metrics


def test_an_upload_named_as_a_stored_file_of_another_format_is_a_document_of_its_own(writable: httpx.Client) -> None:
    # `field.md` then another report, `field.txt`: a namesake, not a new version, so the first is
    # kept (it was replaced before); the same name sent again is that document's new version.
    def send(name: str, text: str) -> dict[str, Any]:
        response = writable.post("/v1/documents", files={"file": (name, text.encode(), "text/plain")})
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    first = send("field.md", "# Field\n\nWells near Kuito ran dry in 2004.\n")
    other = send("field.txt", "Roads to Huambo were cleared of mines.\n")
    assert (first["document"]["id"], other["document"]["id"]) == ("field", "field.txt")
    assert (first["status"], other["status"]) == ("added", "added")
    newer = send("field.md", "# Field\n\nWells near Kuito ran dry in 2005.\n")
    assert (newer["document"]["id"], newer["status"]) == ("field", "replaced")
    again = send("field.txt", "Roads to Huambo were cleared of mines in 2006.\n")
    assert (again["document"]["id"], again["status"]) == ("field.txt", "replaced")
    assert {"field", "field.txt"} <= {d["id"] for d in writable.get("/v1/documents").json()["documents"]}
    for doc_id in ("field", "field.txt"):
        assert writable.delete(f"/v1/documents/{doc_id}").status_code == 200


def test_the_same_bytes_as_another_format_or_title_are_read_again(writable: httpx.Client) -> None:
    html = "<h1>Head</h1><p>Body about mines in storage.</p>"
    first = writable.post("/v1/documents", json={"id": "fmt", "text": html, "format": "text"}).json()
    assert first["document"]["format"] == "text"
    again = writable.post("/v1/documents", json={"id": "fmt", "text": html, "format": "html"}).json()
    assert (again["status"], again["document"]["format"]) == ("replaced", "html")
    assert "<h1>" not in writable.get("/v1/documents/fmt/source").json()["text"]
    renamed = writable.post("/v1/documents", json={"id": "fmt", "text": html, "format": "html", "title": "Renamed"})
    assert (renamed.json()["status"], renamed.json()["document"]["title"]) == ("replaced", "Renamed")
    same = writable.post("/v1/documents", json={"id": "fmt", "text": html, "format": "html", "title": "Renamed"})
    assert same.json()["status"] == "unchanged"
    writable.delete("/v1/documents/fmt")


def test_a_text_format_may_be_named_by_its_extension(writable: httpx.Client) -> None:
    text = "# Kuito\n\nWells near Kuito ran dry in 2005.[^1]\n\n[^1]: Field survey.\n"
    sent = writable.post("/v1/documents", json={"id": "ext", "text": text, "format": "md"})
    assert sent.status_code == 201, sent.text
    assert (sent.json()["document"]["format"], sent.json()["document"]["footnotes"]) == ("markdown", 1)
    same = writable.post("/v1/documents", json={"id": "ext", "text": text, "format": "markdown"}).json()
    assert same["status"] == "unchanged"
    # Formats that are not text are refused by name, as is anything else.
    for fmt in ("pdf", "docx", "nope", 3):
        refused = writable.post("/v1/documents", json={"id": "ext", "text": text, "format": fmt})
        assert refused.status_code == 422, (fmt, refused.text)
        assert refused.json()["error"]["code"] == "invalid_request"
    writable.delete("/v1/documents/ext")


_MARKED_UP = {
    "rst": "Kuito\n=====\n\nWells near Kuito ran dry in 2005. [#]_\n\n.. [#] A borehole survey of 41 wells.\n",
    "latex": "\\section{Kuito}\nWells near Kuito ran dry in 2005.\\footnote{A borehole survey of 41 wells.}\n",
}


@pytest.mark.parametrize(("fmt", "suffix"), [("rst", ".rst"), ("latex", ".tex")])
@pytest.mark.parametrize("route", ["json", "upload"])
def test_restructuredtext_and_latex_are_read_with_their_notes(
    writable: httpx.Client, fmt: str, suffix: str, route: str
) -> None:
    text = _MARKED_UP[fmt]
    if route == "json":
        sent = writable.post("/v1/documents", json={"id": "marked", "text": text, "format": suffix.lstrip(".")})
    else:
        sent = writable.post("/v1/documents", files={"file": ("marked" + suffix, text.encode(), "text/plain")})
    assert sent.status_code == 201, sent.text
    assert (sent.json()["document"]["format"], sent.json()["document"]["footnotes"]) == (fmt, 1)
    hits = writable.post(
        "/v1/search", json={"query": "how many wells did the borehole survey cover", "k": 1, "documents": ["marked"]}
    ).json()
    [top] = hits["results"]
    assert [n["label"] for n in top["footnotes"]] == ["1"]
    assert top["footnotes"][0]["text"] == "A borehole survey of 41 wells."
    source = writable.get("/v1/documents/marked/source").json()["text"]
    assert source == text  # the markup is the source text: every citation is a span of it
    assert writable.delete("/v1/documents/marked").status_code == 200


def test_a_title_of_nothing_visible_is_no_title_and_one_with_controls_is_shown_plain(writable: httpx.Client) -> None:
    # Blank on either route, the document is titled as if none were given (its file name, its text's
    # first heading); a tab or newline inside one is a space, as the title is shown on one line.
    text = "# Wells of the north\n\nA field note about wells.\n"
    blank = [
        writable.post("/v1/documents", json={"text": text, "format": "markdown", "title": " \u200b "}),
        writable.post(
            "/v1/documents", files={"file": ("north.md", text.encode(), "text/markdown")}, data={"title": "  "}
        ),
    ]
    assert [r.status_code for r in blank] == [201, 201], [r.text for r in blank]
    assert [r.json()["document"]["title"] for r in blank] == ["Wells of the north", "Wells of the north"]
    # With neither id nor a title, the text names itself, as when no title is sent.
    untitled = writable.post("/v1/documents", json={"text": text, "format": "markdown"}).json()
    assert (untitled["status"], untitled["document"]["id"]) == ("unchanged", blank[0].json()["document"]["id"])
    plain = writable.post("/v1/documents", json={"id": "ctl", "text": text, "title": "Field\tnotes\x01 of\n 2004 "})
    assert plain.json()["document"]["title"] == "Field notes of 2004"
    again = writable.post("/v1/documents", json={"id": "ctl", "text": text, "title": "Field notes of 2004"}).json()
    assert again["status"] == "unchanged"
    for r in (*blank, plain):
        writable.delete(f"/v1/documents/{r.json()['document']['id']}")


def _docx(paragraphs: list[str]) -> bytes:
    """A .docx of these paragraphs, compressed as Word compresses its parts."""
    import io
    import zipfile

    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    xml = (
        '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", xml)
    return buffer.getvalue()


def test_a_package_is_bounded_by_its_text_not_only_its_bytes(writable: httpx.Client) -> None:
    # A few kilobytes that unpack to megabytes of one repeated paragraph: refused before reading.
    bomb = _docx(["aaaa"] * 100_000)
    assert len(bomb) < 20_000
    body = _error(
        writable.post("/v1/documents", files={"file": ("bomb.docx", bomb, "application/octet-stream")}),
        400,
        "bad_document",
    )
    assert "times its size" in body["message"]
    # Text longer than a text upload may be (this server's limit: 20,000), in a smaller file.
    words = [f"Paragraph {i} about wells, fields and roads near village {i * 7 % 101}." for i in range(600)]
    long = _docx(words)
    assert len(long) < 20_000 < sum(map(len, words))
    body = _error(
        writable.post("/v1/documents", files={"file": ("long.docx", long, "application/octet-stream")}),
        413,
        "too_large",
    )
    assert "characters long" in body["message"]
    assert "long" not in {d["id"] for d in writable.get("/v1/documents").json()["documents"]}


def test_a_client_that_leaves_mid_upload_is_its_error_not_the_servers(
    writable_server: Server, writable: httpx.Client
) -> None:
    host, port = writable_server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as raw:
        raw.sendall(
            b"POST /v1/documents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b'Content-Length: 1000\r\n\r\n{"text": "partial'
        )
    deadline = time.monotonic() + 30
    metrics = ""
    while time.monotonic() < deadline:
        metrics = writable.get("/metrics").text
        if 'route="/v1/documents",status="400"' in metrics:
            break
        time.sleep(0.2)
    assert 'footnoted_requests_total{method="POST",route="/v1/documents",status="400"}' in metrics
    assert 'route="/v1/documents",status="500"' not in metrics
    assert "Traceback" not in writable_server.logs()


def test_head_wherever_get_and_405_names_the_methods(client: httpx.Client) -> None:
    for path in ("/healthz", "/", "/v1/documents", "/v1/documents/back-in-business-2005", "/static/app.js"):
        head, get = client.head(path), client.get(path)
        assert head.status_code == get.status_code == 200, path
        assert head.content == b""
        assert head.headers["content-type"] == get.headers["content-type"]
    assert client.head("/v1/documents/nope").status_code == 404
    for method in ("DELETE", "POST"):
        response = client.request(method, "/static/app.js")
        _error(response, 405, "method_not_allowed")
        assert response.headers["allow"] == "GET, HEAD"
    assert client.post("/healthz").headers["allow"] == "GET, HEAD"


def test_the_api_reference_page_needs_no_network(client: httpx.Client) -> None:
    html = client.get("/docs")
    assert html.status_code == 200
    assert "https://" not in html.text and "http://" not in html.text
    assets = [a for a in html.text.split("'") + html.text.split('"') if a.startswith("/docs/assets/")]
    assert len(set(assets)) == 3  # script, styles, icon
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    _error(client.get("/redoc"), 404, "not_found")
