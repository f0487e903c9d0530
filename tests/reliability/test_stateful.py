"""A stateful property test: random add / replace / remove / search / reopen against a plain model.

The model is a dict of document id -> text. After every step the index on disk must hold exactly
the model's documents, each cut into exactly the chunks the chunker gives its text, and every
search may only return live chunks whose text is exactly their document's ``source[start:end]``.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from footnoted.errors import DocumentNotFound
from footnoted.index import HashEncoder, Index, IndexConfig
from footnoted.ingest import ChunkSettings, WordTokenizer, chunk, parse
from footnoted.types import Chunk, Document

CONFIG = IndexConfig(chunk=ChunkSettings(max_tokens=24, overlap=4))
IDS = ("alpha", "beta", "gamma", "delta")
WORDS = ("mine", "treaty", "export", "field", "clearance", "army", "depot", "report", "ban", "village", "1997")

_sentence = st.lists(st.sampled_from(WORDS), min_size=3, max_size=14).map(lambda w: " ".join(w).capitalize() + ".")
_paragraph = st.lists(_sentence, min_size=1, max_size=4).map(" ".join)


@st.composite
def texts(draw: st.DrawFn) -> str:
    """A short report: a title, paragraphs, and sometimes a footnote with its marker."""
    paragraphs = draw(st.lists(_paragraph, min_size=1, max_size=4))
    text = "Report on " + draw(st.sampled_from(WORDS)) + "\n\n" + "\n\n".join(paragraphs)
    if draw(st.booleans()):
        text = text.replace(".", ".[1]", 1) + "\n\n[1] " + draw(_sentence)
    return text + "\n"


def _parse(doc_id: str, text: str) -> Document:
    return parse(text, name=f"{doc_id}.txt")


class IndexMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="footnoted-stateful-"))
        self.model: dict[str, str] = {}
        self.index = self._open()

    def _open(self) -> Index:
        return Index.open(self.dir / "ix", HashEncoder(), WordTokenizer(), CONFIG)

    @initialize(doc_id=st.sampled_from(IDS), text=texts())
    def first(self, doc_id: str, text: str) -> None:
        self.add(doc_id, text)

    @rule(doc_id=st.sampled_from(IDS), text=texts())
    def add(self, doc_id: str, text: str) -> None:
        before = self.model.get(doc_id)
        report = self.index.add([_parse(doc_id, text)])
        expected = "added" if before is None else "unchanged" if before == text else "replaced"
        assert getattr(report, expected) == (doc_id,), report
        self.model[doc_id] = text

    @precondition(lambda self: bool(self.model))
    @rule(data=st.data(), text=texts())
    def replace(self, data: st.DataObject, text: str) -> None:
        doc_id = data.draw(st.sampled_from(sorted(self.model)))
        self.add(doc_id, text)

    @rule(doc_id=st.sampled_from(IDS))
    def remove(self, doc_id: str) -> None:
        if doc_id in self.model:
            self.index.remove(doc_id)
            del self.model[doc_id]
        else:
            with pytest.raises(DocumentNotFound):
                self.index.remove(doc_id)

    @rule(
        words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=4),
        k=st.integers(1, 30),
        mode=st.sampled_from(["dense", "lexical", "hybrid"]),
    )
    def search(self, words: list[str], k: int, mode: str) -> None:
        hits = self.index.search(" ".join(words), k, mode=mode)  # type: ignore[arg-type]
        assert len(hits) <= k
        total = sum(len(self._chunks(i)) for i in self.model)
        if mode == "dense":
            assert len(hits) == min(k, total)
        assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
        assert len({h.chunk.id for h in hits}) == len(hits)
        for hit in hits:
            doc_id = hit.citation.document_id
            assert doc_id in self.model, f"a hit from removed document {doc_id}"
            source = _parse(doc_id, self.model[doc_id]).source
            assert hit.chunk.text == source[hit.citation.start : hit.citation.end]
            assert hit.chunk.id in {c.id for c in self._chunks(doc_id)}
            for note in hit.chunk.footnotes:
                assert note.text == source[note.start : note.end]

    @rule()
    def reopen(self) -> None:
        self.index.close()
        self.index = self._open()

    def _chunks(self, doc_id: str) -> list[Chunk]:
        return chunk(_parse(doc_id, self.model[doc_id]), WordTokenizer(), CONFIG.chunk)

    @invariant()
    def holds_exactly_the_model(self) -> None:
        snap = self.index.snapshot
        assert set(snap.documents) == set(self.model)
        for doc_id, text in self.model.items():
            assert snap.documents[doc_id].source == _parse(doc_id, text).source
            held = [c for c in snap.chunks if c.document_id == doc_id]
            assert held == self._chunks(doc_id)
        assert len(snap.vectors) == len(snap.row_ids) == len(snap.row_chunks)
        assert set(snap.row_chunks.tolist()) == set(range(len(snap.chunks)))

    def teardown(self) -> None:
        self.index.close()
        shutil.rmtree(self.dir, ignore_errors=True)


IndexMachine.TestCase.settings = settings(
    max_examples=30, stateful_step_count=12, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
test_index_against_a_model = IndexMachine.TestCase


@pytest.mark.parametrize("text", ["The and of the.\n", "!!! ??? ...\n", "\U00011254 \u2603\n"])
def test_documents_without_a_single_term(tmp_path: Path, text: str) -> None:
    index = Index.open(tmp_path / "ix", HashEncoder(), WordTokenizer(), CONFIG)
    index.add([_parse("words", "Mines and treaties.\n"), _parse("blank", text)])
    index.remove("words")
    reopened = Index.open(tmp_path / "ix", HashEncoder(), WordTokenizer(), CONFIG)
    assert set(reopened.documents) == {"blank"}
    assert [h.chunk.document_id for h in reopened.search("mines", 3)] == ["blank"]
    assert reopened.search("mines", 3, mode="lexical") == []
