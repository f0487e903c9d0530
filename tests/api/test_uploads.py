"""An upload of the very bytes a stored document was read from is not read again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from footnoted import errors
from footnoted.api import uploads
from footnoted.index import HashEncoder, Index
from footnoted.ingest import WordTokenizer

TEXT = b"Clearance in Angola\n\nDeminers cleared 40 fields near Huambo in 2003.[1]\n\n[1] Field report.\n"


def test_an_unchanged_upload_is_not_read_again(monkeypatch: pytest.MonkeyPatch) -> None:
    index = Index.memory(HashEncoder(), WordTokenizer())
    read: list[str] = []
    real = uploads.parse

    def counting(data: bytes, **kwargs: Any) -> Any:
        read.append(kwargs["name"])
        return real(data, **kwargs)

    monkeypatch.setattr(uploads, "parse", counting)
    first = uploads.ingest(index, TEXT, "angola.txt", None, None, None)
    assert (first["status"], read) == ("added", ["angola.txt"])
    again = uploads.ingest(index, TEXT, "angola.txt", None, None, None)
    assert (again["status"], again["encoded"], again["chunks"], read) == (
        "unchanged",
        0,
        first["chunks"],
        ["angola.txt"],
    )
    assert again["document"] == first["document"]
    changed = uploads.ingest(index, TEXT + b"\nMore.\n", "angola.txt", None, None, None)
    assert (changed["status"], read) == ("replaced", ["angola.txt", "angola.txt"])
    # The same bytes under a name footnoted does not read are refused, stored or not.
    with pytest.raises(errors.UnsupportedFormat):
        uploads.ingest(index, TEXT + b"\nMore.\n", "angola.exe", None, "angola", None)


def test_an_upload_is_compared_with_what_the_index_holds_now(tmp_path: Path) -> None:
    # Two processes on one index: this server's generation is older than the one on disk.
    server = Index.open(tmp_path / "ix", HashEncoder(), WordTokenizer(), create=True)
    other = Index.open(tmp_path / "ix", HashEncoder(), WordTokenizer())
    assert uploads.ingest(server, TEXT, "angola.txt", None, None, None)["status"] == "added"
    other.refresh()
    other.remove("angola")
    again = uploads.ingest(server, TEXT, "angola.txt", None, None, None)
    assert again["status"] == "added", "removed elsewhere: stored again, not answered 'unchanged'"
    assert "angola" in Index.open(tmp_path / "ix", HashEncoder(), WordTokenizer()).documents
    # Replaced elsewhere by other bytes: the old bytes are a change, not "unchanged".
    other.refresh()
    other.add([uploads.parse(TEXT + b"\nMore.\n", name="angola.txt")])
    back = uploads.ingest(server, TEXT, "angola.txt", None, None, None)
    assert back["status"] == "replaced"
    assert "More." not in Index.open(tmp_path / "ix", HashEncoder(), WordTokenizer()).documents["angola"].source


def test_an_upload_stored_as_other_reading_code_read_it_is_read_again(monkeypatch: pytest.MonkeyPatch) -> None:
    # Stored by an earlier footnoted: the same bytes uploaded again are read again and replace it;
    # then they are unchanged.
    from footnoted.ingest import read

    index = Index.memory(HashEncoder(), WordTokenizer())
    with monkeypatch.context() as earlier:
        earlier.setattr(read, "reader_version", lambda: "0123456789ab")
        first = uploads.ingest(index, TEXT, "angola.txt", None, None, None)
    assert first["document"]["metadata"]["reader"] == "0123456789ab"
    again = uploads.ingest(index, TEXT, "angola.txt", None, None, None)
    assert (again["status"], again["document"]["metadata"]["reader"]) == ("replaced", read.reader_version())
    assert uploads.ingest(index, TEXT, "angola.txt", None, None, None)["status"] == "unchanged"
