"""Changes to an index that cannot be written: a clear JSON error (503), never a 500 and a traceback."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from footnoted.api.app import create_app
from footnoted.corpus import load_briefing
from footnoted.index import HashEncoder, Index
from footnoted.index.store import IndexDir
from footnoted.ingest import WordTokenizer
from footnoted.settings import Settings

# Uploads leave their temporary file unclosed: test_api_fuzz.py::test_uploads_are_closed.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <function SpooledTemporaryFile.__del__:pytest.PytestUnraisableExceptionWarning"
)


def _read_only(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the index at ``path`` unwritable: by its permissions where they hold, else (as root,
    whom permissions do not stop) by making its writes fail as a read-only disk's do."""
    for below in [path, *path.rglob("*")]:
        below.chmod(below.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    if os.access(path, os.W_OK):

        @contextlib.contextmanager
        def refused(self: IndexDir) -> Iterator[None]:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(self.path / "lock"))
            yield  # pragma: no cover

        monkeypatch.setattr(IndexDir, "write_lock", refused)


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    where = tmp_path / "ix"
    index = Index.open(where, HashEncoder(), WordTokenizer(), create=True)
    index.add([load_briefing()])
    _read_only(where, monkeypatch)
    with TestClient(create_app(Settings(encoder="hash", batch_window_ms=0), index=index)) as c:
        yield c
    for below in [where, *where.rglob("*")]:
        below.chmod(below.stat().st_mode | stat.S_IWUSR)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/v1/documents", {"title": "A note", "text": "A note\n\nAbout mines."}),
        ("DELETE", "/v1/documents/back-in-business-2005", None),
    ],
)
def test_a_write_to_a_read_only_index_is_a_503_naming_the_path(
    client: TestClient, method: str, path: str, body: object, tmp_path: Path
) -> None:
    response = client.request(method, path, json=body)
    assert response.status_code == 503, response.text
    error = response.json()["error"]
    assert error["code"] == "storage_unavailable"
    assert str(tmp_path / "ix") in error["message"]
    assert error["request_id"] == response.headers["x-request-id"]
    # Questions are still answered from what the index holds.
    assert client.post("/v1/search", json={"query": "mines", "k": 1}).status_code == 200
    assert client.get("/v1/documents/back-in-business-2005").status_code == 200
