"""API keys (401/403), constant-time comparison, the loopback rule, CORS off by default, no secrets in logs.

``tests/api/test_http.py`` covers the key matrix of search, list and delete on a real server;
this adds uploads, sources, near-miss keys, remote clients, the comparison itself, CORS, and a
log scan after right and wrong keys.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from footnoted.api import security
from footnoted.api.app import create_app
from footnoted.corpus import load_briefing
from footnoted.index import HashEncoder, Index
from footnoted.ingest import WordTokenizer
from footnoted.settings import Settings
from tests.server import start_server

# Uploads leave their temporary file unclosed: test_api_fuzz.py::test_uploads_are_closed.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <function SpooledTemporaryFile.__del__:pytest.PytestUnraisableExceptionWarning"
)
READ, ADMIN = "reader-secret-4f9a", "admin-secret-81c2"
UPLOAD = {"file": ("note.txt", b"A note\n\nAbout mines.\n", "text/plain")}


def _app(**settings: object) -> FastAPI:
    index = Index.memory(HashEncoder(), WordTokenizer())
    index.add([load_briefing()])
    return create_app(Settings(encoder="hash", batch_window_ms=0, **settings), index=index)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def keyed() -> Iterator[TestClient]:
    with TestClient(_app(read_key=SecretStr(READ), admin_key=SecretStr(ADMIN))) as client:
        yield client


def _call(client: TestClient, method: str, path: str, headers: dict[str, str]) -> httpx.Response:
    if path == "/v1/documents" and method == "POST":
        return client.post(path, files=UPLOAD, headers=headers)
    body = {"query": "mines"} if path == "/v1/search" else {"question": "mines"} if path == "/v1/ask" else None
    return client.request(method, path, json=body, headers=headers)


@pytest.mark.parametrize(
    ("method", "path", "headers", "status"),
    [
        ("POST", "/v1/documents", {}, 401),
        ("POST", "/v1/documents", {"Authorization": f"Bearer {READ}"}, 403),
        ("POST", "/v1/documents", {"X-API-Key": READ}, 403),
        ("POST", "/v1/documents", {"Authorization": f"Bearer {ADMIN}"}, 201),
        ("POST", "/v1/ask", {}, 401),
        ("POST", "/v1/ask", {"X-API-Key": READ}, 200),
        ("GET", "/v1/documents/back-in-business-2005/source", {}, 401),
        ("GET", "/v1/documents/back-in-business-2005/source", {"Authorization": f"bearer {READ}"}, 200),
        ("GET", "/v1/documents/back-in-business-2005", {"X-API-Key": ADMIN}, 200),
        # Near misses are wrong keys, not partial matches.
        ("POST", "/v1/search", {"Authorization": f"Bearer {READ[:-1]}"}, 403),
        ("POST", "/v1/search", {"Authorization": f"Bearer {READ}x"}, 403),
        ("POST", "/v1/search", {"Authorization": f"Bearer {READ.upper()}"}, 403),
        ("POST", "/v1/search", {"Authorization": "Bearer "}, 403),
        ("POST", "/v1/search", {"Authorization": f"Basic {READ}"}, 401),
        ("POST", "/v1/search", {"X-API-Key": ""}, 403),
        ("DELETE", "/v1/documents/nope", {"X-API-Key": READ}, 403),
        ("GET", "/", {}, 200),
        ("GET", "/healthz", {}, 200),
    ],
)
def test_read_and_admin_keys(keyed: TestClient, method: str, path: str, headers: dict[str, str], status: int) -> None:
    response = _call(keyed, method, path, headers)
    assert response.status_code == status, response.text
    if status in (401, 403):
        assert response.json()["error"]["code"] == ("unauthorized" if status == 401 else "forbidden")
        assert READ not in response.text
        assert ADMIN not in response.text


@pytest.mark.parametrize(
    ("settings", "headers", "status"),
    [
        ({}, {}, 403),
        ({"allow_remote": True}, {}, 200),
        ({"read_key": SecretStr(READ)}, {}, 401),
        ({"read_key": SecretStr(READ)}, {"X-API-Key": READ}, 200),
        ({"admin_key": SecretStr(ADMIN)}, {}, 403),  # no read key: reading stays local-only
    ],
)
def test_remote_clients_need_a_key_or_allow_remote(
    settings: dict[str, object], headers: dict[str, str], status: int
) -> None:
    with TestClient(_app(**settings), client=("203.0.113.7", 40000)) as remote:
        response = remote.post("/v1/search", json={"query": "mines"}, headers=headers)
        assert response.status_code == status, response.text
        assert remote.get("/healthz").status_code == 200


def test_keys_are_compared_with_hmac_compare_digest(keyed: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """The decision is compare_digest's: told to say "no", it makes the right key fail too."""
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(security.hmac, "compare_digest", spy)
    assert keyed.post("/v1/search", json={"query": "mines"}, headers={"X-API-Key": READ}).status_code == 200
    assert (READ.encode(), READ.encode()) in calls
    assert all(isinstance(a, bytes) and isinstance(b, bytes) for a, b in calls)
    monkeypatch.setattr(security.hmac, "compare_digest", lambda a, b: False)
    assert keyed.post("/v1/search", json={"query": "mines"}, headers={"X-API-Key": READ}).status_code == 403


def test_cors_is_off_by_default() -> None:
    with TestClient(_app()) as client:
        simple = client.post("/v1/search", json={"query": "mines"}, headers={"Origin": "https://evil.example"})
        assert simple.status_code == 200
        assert "access-control-allow-origin" not in simple.headers
        preflight = client.options(
            "/v1/search",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
        assert "access-control-allow-origin" not in preflight.headers
        assert preflight.status_code == 405


def test_cors_allows_only_the_configured_origins() -> None:
    with TestClient(_app(cors_origins=["https://good.example"])) as client:
        good = client.post("/v1/search", json={"query": "mines"}, headers={"Origin": "https://good.example"})
        assert good.headers["access-control-allow-origin"] == "https://good.example"
        evil = client.post("/v1/search", json={"query": "mines"}, headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in evil.headers


def test_no_secrets_in_the_server_log(tmp_path: Path) -> None:
    """Right keys, near-miss keys, keys in a query string or a body: none of them reaches the log."""
    (tmp_path / "home").mkdir()
    server = start_server(tmp_path / "home", tmp_path / "models", encoder="hash", read_key=READ, admin_key=ADMIN)
    near = [READ[:-1] + "X", ADMIN + "-extra", READ.upper(), "admin-secret-8"]
    try:
        with httpx.Client(base_url=server.url, timeout=60) as client:
            for key in [READ, ADMIN, *near]:
                for header in ({"Authorization": f"Bearer {key}"}, {"X-API-Key": key}):
                    client.post("/v1/search", json={"query": "mines"}, headers=header)
                    client.post("/v1/ask", json={"question": f"why {key}"}, headers=header)
                    client.get(f"/v1/documents?api_key={key}", headers=header)
                    client.post("/v1/documents", files=UPLOAD, headers=header)
                    client.delete("/v1/documents/note", headers=header)
                    client.post(
                        "/v1/search", content=b"{bad json", headers={**header, "content-type": "application/json"}
                    )
    finally:
        server.stop()
    log = server.logs()
    assert log.count('"event": "request"') >= 6 * 12, "the log must hold the requests, or this scan proves nothing"
    for secret in [READ, ADMIN, *near]:
        assert secret not in log, f"{secret!r} appears in the server log"
    # After its one-line banner, the log is JSON lines: no library writes plain text into it.
    lines = [line for line in log.splitlines() if line.strip() and not line.startswith("footnoted: serving")]
    for line in lines:
        assert isinstance(json.loads(line), dict), line
