"""The public surface is chosen, not accidental: a change to it is a change to this test."""

from __future__ import annotations

import footnoted
import footnoted.api
import footnoted.eval
import footnoted.index
import footnoted.ingest


def test_footnoted_exports() -> None:
    assert sorted(footnoted.__all__) == [
        "Answer",
        "Chunk",
        "Citation",
        "Document",
        "Footnote",
        "FootnotedError",
        "Hit",
        "Index",
        "IndexConfig",
        "Settings",
        "chunk",
        "load",
        "load_all",
        "open_index",
        "parse",
    ]
    for name in footnoted.__all__:
        assert getattr(footnoted, name) is not None


def test_subpackage_exports() -> None:
    assert sorted(footnoted.ingest.__all__) == [
        "ChunkSettings",
        "ModelTokenizer",
        "Tokenizer",
        "WordTokenizer",
        "chunk",
        "load",
        "load_all",
        "parse",
    ]
    assert sorted(footnoted.index.__all__) == [
        "AddReport",
        "Encoder",
        "HashEncoder",
        "Index",
        "IndexConfig",
        "Mode",
        "Ranking",
        "make_encoder",
        "open_index",
    ]
    assert sorted(footnoted.eval.__all__) == ["evaluate", "load_set", "write_report"]
    assert footnoted.api.__all__ == ["create_app"]
