from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from footnoted.client import Client
from footnoted.corpus import load_briefing
from footnoted.index import HashEncoder, Index
from footnoted.ingest import WordTokenizer
from tests.server import Server, start_server

ADMIN_KEY = "test-admin-key"
QUESTION = "How many antipersonnel mines does the United States stockpile?"


@pytest.fixture(scope="session")
def briefing_hash_index() -> Index:
    """The bundled briefing with the deterministic test encoder (read-only; shared by the session)."""
    index = Index.memory(HashEncoder(), WordTokenizer())
    index.add([load_briefing()])
    return index


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[Client]:
    """A client of the session's real-model server (read-only)."""
    with Client(server.url) as c:
        yield c


@pytest.fixture(scope="module")
def writable_server(tmp_path_factory: pytest.TempPathFactory, real_home: Path) -> Iterator[Server]:
    """A server of its own with the test encoder: document changes need the admin key."""
    server = start_server(
        tmp_path_factory.mktemp("client-writable"),
        real_home / "models",
        encoder="hash",
        admin_key=ADMIN_KEY,
        max_upload_bytes="20000",
    )
    yield server
    server.stop()
