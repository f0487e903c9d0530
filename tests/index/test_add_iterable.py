"""``Index.add`` over any iterable of documents: what a list builds, and nothing stored on an error."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from footnoted.corpus import load_briefing
from footnoted.errors import EncoderError, IngestError
from footnoted.index import HashEncoder, Index
from footnoted.index.encoder import Kind
from footnoted.ingest import WordTokenizer, parse
from footnoted.types import Document


def _documents(n: int) -> list[Document]:
    out = [load_briefing()]
    for i in range(n - 1):
        paragraphs = "\n\n".join(f"Paragraph {j} of report {i} on mines and treaties.[{j + 1}]" for j in range(30))
        notes = "\n".join(f"[{j + 1}] Note {j + 1} of report {i}." for j in range(30))
        out.append(parse(f"Report {i}\n\n{paragraphs}\n\n{notes}\n", doc_id=f"report-{i}", name=f"r{i}.txt"))
    return out


def _state(index: Index) -> tuple[list[tuple[str, int, int, str]], np.ndarray]:
    snap = index.snapshot
    chunks = sorted((c.id, c.start, c.end, c.text) for c in snap.chunks)
    order = np.lexsort((snap.row_spans[:, 1], snap.row_spans[:, 0], snap.row_chunks))
    return chunks, snap.vectors.vectors(snap.row_ids[order])


def test_a_lazy_iterable_builds_what_a_list_builds(tmp_path: Path) -> None:
    docs = _documents(40)
    listed = Index.open(tmp_path / "a", HashEncoder(), WordTokenizer())
    streamed = Index.open(tmp_path / "b", HashEncoder(), WordTokenizer())
    first = listed.add(docs)
    second = streamed.add(d for d in docs)
    assert (first.added, first.chunks, first.encoded) == (second.added, second.chunks, second.encoded)
    chunks_a, vectors_a = _state(listed)
    chunks_b, vectors_b = _state(streamed)
    assert chunks_a == chunks_b
    assert np.allclose(vectors_a, vectors_b, atol=1e-6)
    again = streamed.add(iter(docs))
    assert again.unchanged == tuple(d.id for d in docs) and again.encoded == 0


def test_the_last_copy_of_an_id_wins_within_one_add() -> None:
    index = Index.memory(HashEncoder(), WordTokenizer())
    old, new = _documents(2)[1], _documents(3)[2]
    new = parse(new.source, doc_id=old.id, name="r.txt")
    report = index.add(iter([old, new]))
    assert report.added == (old.id,)
    assert index.documents[old.id].source == new.source
    assert report.warnings[old.id][-1] == "given 2 times in one add: the last copy was kept"


def test_an_error_while_reading_stops_the_add_and_stores_nothing(tmp_path: Path) -> None:
    index = Index.open(tmp_path / "index", HashEncoder(), WordTokenizer())
    index.add([load_briefing()])
    before = index.snapshot.generation, dict(index.documents)

    def failing() -> Iterator[Document]:
        yield from _documents(6)[1:]
        raise IngestError("report-9.pdf: the file is damaged")

    with pytest.raises(IngestError, match=r"report-9\.pdf: the file is damaged"):
        index.add(failing())
    assert (index.snapshot.generation, dict(index.documents)) == before
    reopened = Index.open(tmp_path / "index", HashEncoder(), WordTokenizer())
    assert set(reopened.documents) == {load_briefing().id}


class _FailingEncoder(HashEncoder):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def encode(self, texts: Sequence[str], kind: Kind = "passage") -> np.ndarray:
        self.calls += 1
        if self.calls == 2:
            raise EncoderError("the model failed")
        return super().encode(texts, kind)


def test_an_encoder_error_stores_nothing() -> None:
    encoder = _FailingEncoder()
    index = Index.memory(encoder, WordTokenizer())

    def many() -> Iterator[Document]:
        yield from _documents(30)

    with pytest.raises(EncoderError, match="the model failed"):
        index.add(many())
    assert not index.documents
