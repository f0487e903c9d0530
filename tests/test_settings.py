"""``FOOTNOTED_*`` settings: how they parse, their bounds, and what a bad one does to a command."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from footnoted.api.app import create_app
from footnoted.corpus import load_briefing
from footnoted.index import HashEncoder, Index
from footnoted.ingest import WordTokenizer
from footnoted.settings import Settings
from tests.test_cli import run


@pytest.mark.parametrize(
    ("value", "origins"),
    [
        ("http://example.org", ["http://example.org"]),
        ("http://a.example, https://b.example:8443", ["http://a.example", "https://b.example:8443"]),
        ('["http://a.example", "http://b.example"]', ["http://a.example", "http://b.example"]),
        ("", []),
        # As a browser sends an origin: lower case, no trailing slash.
        ("http://a.example/, HTTP://B.example", ["http://a.example", "http://b.example"]),
        ("*", ["*"]),
    ],
)
def test_cors_origins_are_a_comma_separated_or_json_list(
    monkeypatch: pytest.MonkeyPatch, value: str, origins: list[str]
) -> None:
    monkeypatch.setenv("FOOTNOTED_CORS_ORIGINS", value)
    assert Settings().cors_origins == origins


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("MAX_K", "0", "FOOTNOTED_MAX_K: Input should be greater than or equal to 1"),
        ("MAX_K", "-3", "FOOTNOTED_MAX_K: Input should be greater than or equal to 1"),
        ("MAX_QUESTION_CHARS", "0", "FOOTNOTED_MAX_QUESTION_CHARS: Input should be greater than or equal to 1"),
        ("MAX_UPLOAD_BYTES", "-1", "FOOTNOTED_MAX_UPLOAD_BYTES: Input should be greater than or equal to 1"),
        ("THREADS", "-1", "FOOTNOTED_THREADS: Input should be greater than or equal to 0"),
        ("MAX_BATCH", "0", "FOOTNOTED_MAX_BATCH: Input should be greater than or equal to 1"),
        ("BATCH_WINDOW_MS", "-5", "FOOTNOTED_BATCH_WINDOW_MS: Input should be greater than or equal to 0"),
        ("PORT", "70000", "FOOTNOTED_PORT: Input should be less than or equal to 65535"),
        ("CHUNK_TOKENS", "0", "FOOTNOTED_CHUNK_TOKENS: Input should be greater than or equal to 1"),
        ("CHUNK_OVERLAP", "-1", "FOOTNOTED_CHUNK_OVERLAP: Input should be greater than or equal to 0"),
        ("CORS_ORIGINS", '["http://a.example"', "FOOTNOTED_CORS_ORIGINS: Value error"),
        ("CORS_ORIGINS", '{"a": 1}', "is not an origin"),
        ("CORS_ORIGINS", "example.org", "is not an origin"),
        # Past what a timer or a thread count can be: a dead batcher or a flooded machine.
        ("BATCH_WINDOW_MS", "inf", "FOOTNOTED_BATCH_WINDOW_MS"),
        ("REFRESH_SECONDS", "1e10", "FOOTNOTED_REFRESH_SECONDS: Input should be less than or equal to 86400"),
        ("THREADS", "100000", "FOOTNOTED_THREADS: Input should be less than or equal to 256"),
    ],
)
@pytest.mark.parametrize("command", ["serve", "info"])
def test_a_meaningless_setting_stops_the_command_in_one_line(
    tmp_path: Path, command: str, setting: str, value: str, message: str
) -> None:
    done = run(tmp_path, command, **{setting: value})
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "index").exists(), "nothing is built on a setting that does not hold"


def test_an_empty_setting_is_unset(tmp_path: Path) -> None:
    empty = {"mode": "", "host": "", "port": "", "max_k": "", "index": ""}
    done = run(tmp_path, "info", "--json", **empty)
    assert done.returncode == 0, done.stderr
    assert '"back-in-business-2005"' in done.stdout, "the bundled briefing's index, as with nothing set"


def test_a_comma_separated_cors_list_starts_the_commands(tmp_path: Path) -> None:
    done = run(tmp_path, "info", "--json", cors_origins="http://example.org,http://other.example")
    assert done.returncode == 0, done.stderr


def test_bounds_hold_in_process_too() -> None:
    with pytest.raises(ValidationError, match="max_k"):
        Settings(max_k=0)


def test_the_default_index_is_the_default_however_it_is_named(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    assert settings.is_default_index()
    assert settings.is_default_index(tmp_path / "index")
    assert settings.is_default_index(tmp_path / "sub" / ".." / "index")
    assert Settings(home=tmp_path, index=tmp_path / "index").is_default_index()
    assert not settings.is_default_index(tmp_path / "other")
    assert not Settings(home=tmp_path, index=tmp_path / "other").is_default_index()


def test_footnoted_mode_is_the_default_mode_of_the_api() -> None:
    index = Index.memory(HashEncoder(), WordTokenizer())  # made hybrid, as indexes are
    index.add([load_briefing()])
    question = {"query": "How many mines does the United States stockpile?", "k": 3}

    def scores(settings: Settings, body: dict[str, object]) -> list[float]:
        with TestClient(create_app(settings, index=index)) as client:
            response = client.post("/v1/search", json=body)
            assert response.status_code == 200, response.text
            return [r["score"] for r in response.json()["results"]]

    own = Settings(encoder="hash", batch_window_ms=0)
    lexical = scores(own, {**question, "mode": "lexical"})
    assert scores(own, question) != lexical
    assert scores(own.model_copy(update={"mode": "lexical"}), question) == lexical
    assert scores(own.model_copy(update={"mode": "lexical"}), {**question, "mode": "hybrid"}) != lexical
