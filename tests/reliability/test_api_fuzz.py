"""Schemathesis against the app's own OpenAPI schema, in process: no 5xx, responses match the schema.

Every operation gets schema-valid and schema-invalid requests (bounded, derandomized so CI is
repeatable; ``bench/fuzz_api.py`` runs a longer, random campaign against a real server). Two of
schemathesis's checks are run as separate, targeted tests below, because they currently fail on
real bugs: a 405 without ``Allow``, and limits the server enforces but the schema does not state.
"""

from __future__ import annotations

import gc
import re
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi import checks

from footnoted.api.app import create_app
from footnoted.corpus import load_briefing
from footnoted.index import HashEncoder, Index
from footnoted.ingest import WordTokenizer, parse
from footnoted.settings import Settings

EXAMPLES = 25
SETTINGS = Settings(encoder="hash", batch_window_ms=0)


def make_app() -> FastAPI:
    index = Index.memory(HashEncoder(), WordTokenizer())
    index.add([load_briefing(), parse("Second\n\nA claim.[1]\n\n[1] Its source.\n", name="second.txt")])
    return create_app(SETTINGS, index=index)


# Built at import: schemathesis parametrizes one test per operation at collection time.
APP = make_app()
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module")
def app() -> Iterator[FastAPI]:
    with TestClient(APP):  # runs the lifespan, which installs the index
        yield APP


@pytest.fixture(autouse=True)
def _lifespan(app: FastAPI) -> None:
    """Every test here runs with the app started."""


@schema.parametrize()
# Uploads leave their temporary file unclosed: test_uploads_are_closed.
@pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <function SpooledTemporaryFile.__del__:pytest.PytestUnraisableExceptionWarning"
)
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_responses_match_the_schema(case: schemathesis.Case) -> None:
    # unsupported_method: test_405_lists_the_allowed_methods. positive_data_acceptance: a schema
    # cannot say which bytes make a readable document (binary or empty uploads are refused by
    # design with a declared 400/415), and the search limits are test_schema_states_the_limits.
    # Once those two are fixed, only uploads need the exclusion (checked with the fixes applied):
    #   upload = case.method == "POST" and case.operation.path == "/v1/documents"
    #   case.call_and_validate(excluded_checks=[checks.positive_data_acceptance] if upload else [])
    case.call_and_validate(excluded_checks=[checks.unsupported_method, checks.positive_data_acceptance])


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/v1/search", "POST"),
        ("/v1/documents", "GET, HEAD, POST"),
        ("/v1/documents/x", "DELETE, GET, HEAD"),
        ("/healthz", "GET, HEAD"),
    ],
)
def test_405_lists_the_allowed_methods(app: FastAPI, path: str, allowed: str) -> None:
    with TestClient(app) as client:
        response = client.request("TRACE", path)
    assert response.status_code == 405
    assert response.headers.get("allow") == allowed


@pytest.mark.parametrize(("name", "field"), [("SearchRequest", "query"), ("AskRequest", "question")])
def test_schema_states_the_limits(app: FastAPI, name: str, field: str) -> None:
    with TestClient(app) as client:
        props = client.get("/openapi.json").json()["components"]["schemas"][name]["properties"]
    assert props["k"].get("maximum") == SETTINGS.max_k
    assert props[field].get("maxLength") == SETTINGS.max_question_chars
    pattern = re.compile(props[field]["pattern"])
    # A question matches the pattern exactly when the server does not call it blank.
    for char in ["a", "1", "\u00e9", "\x85", "\x1c", "\u2028", "\u3000", " ", "\t"]:
        assert bool(pattern.search(char)) == (not char.isspace()), repr(char)


@pytest.mark.parametrize(
    ("name", "data"), [("report.txt", b"A report.\n\nAbout mines.\n"), ("x.pdf", b"%PDF-1.4"), ("x.odt", b"PK")]
)
def test_uploads_are_closed(app: FastAPI, monkeypatch: pytest.MonkeyPatch, name: str, data: bytes) -> None:
    unclosed: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: unclosed.append(repr(u.exc_value)))
    with TestClient(app) as client:
        response = client.post("/v1/documents", files={"file": (name, data, "text/plain")})
        gc.collect()
    assert response.status_code in (201, 400, 415)
    assert unclosed == []


@pytest.mark.parametrize(("path", "field"), [("/v1/search", "query"), ("/v1/ask", "question")])
@pytest.mark.parametrize("k", [True, "3", 2.0, 2.5])
def test_a_k_that_is_not_a_json_integer_is_refused(app: FastAPI, path: str, field: str, k: object) -> None:
    with TestClient(app) as client:
        response = client.post(path, json={field: "mines", "k": k})
        assert response.status_code == 422, response.text
        assert client.post(path, json={field: "mines", "k": 2}).status_code == 200


def test_an_unexpected_error_is_logged_counted_and_tagged(caplog: pytest.LogCaptureFixture) -> None:
    class Broken(Index):
        def search(self, *args: object, **kwargs: object) -> list[Any]:
            raise RuntimeError("boom")

    index = Broken.memory(HashEncoder(), WordTokenizer())
    with TestClient(create_app(SETTINGS, index=index), raise_server_exceptions=False) as client:
        caplog.set_level("INFO", logger="footnoted.access")
        response = client.post("/v1/search", json={"query": "mines"}, headers={"X-Request-ID": "req-500"})
        metrics = client.get("/metrics").text
    assert response.status_code == 500
    assert response.json()["error"] == {
        "code": "internal",
        "message": "an internal error occurred; it has been logged",
        "request_id": "req-500",
    }
    assert response.headers.get("x-request-id") == "req-500"
    assert 'footnoted_requests_total{method="POST",route="/v1/search",status="500"} 1.0' in metrics
    assert any(
        '"request_id": "req-500"' in r.getMessage() and '"status": 500' in r.getMessage() for r in caplog.records
    )
