"""An upload of the very bytes a stored document was read from is not read again."""

from __future__ import annotations

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
