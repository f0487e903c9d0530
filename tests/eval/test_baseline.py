"""The naive baseline: LangChain's default character chunks with exact spans, and a dense L2 search."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from langchain_text_splitters import RecursiveCharacterTextSplitter

from footnoted.eval.baseline import CHUNK_OVERLAP, CHUNK_SIZE, Baseline, baseline_chunks
from footnoted.index import HashEncoder
from footnoted.types import Chunk, Document


def check_spans(doc: Document, chunks: list[Chunk], size: int) -> None:
    covered: set[int] = set()
    for c in chunks:
        assert c.text == doc.source[c.start : c.end]
        assert len(c.text) <= size
        assert c.footnotes == ()
        covered.update(range(c.start, c.end))
    assert all(i in covered for i, ch in enumerate(doc.source) if not ch.isspace()), "text left out"
    assert [c.start for c in chunks] == sorted(c.start for c in chunks)


def test_briefing_chunks_are_langchains(briefing: Document) -> None:
    chunks = baseline_chunks(briefing)
    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
    assert [c.text for c in chunks] == splitter.split_text(briefing.source)
    check_spans(briefing, chunks, CHUNK_SIZE)
    assert len({c.id for c in chunks}) == len(chunks)
    # Footnote 1's marker and its note body end up far apart.
    note = briefing.footnotes[0]
    marker_chunk = next(c for c in chunks if c.start <= note.markers[0].start < c.end)
    assert not marker_chunk.start <= note.start < marker_chunk.end


@settings(max_examples=60, deadline=None)
@given(
    words=st.lists(
        st.sampled_from(["alpha", "beta", "gamma", "alpha beta", "\n\n", "\n", "  ", "x" * 30]), max_size=80
    ),
    size=st.integers(20, 80),
)
def test_spans_are_exact_even_when_text_repeats(words: list[str], size: int) -> None:
    doc = Document("d", "D", " ".join(words))
    check_spans(doc, baseline_chunks(doc, size, size // 4), size)


def test_rank_finds_the_nearest_chunk(briefing: Document) -> None:
    encoder = HashEncoder()
    baseline = Baseline.build([briefing], encoder)
    target = baseline.chunks[3]
    ranking = baseline.rank(encoder.encode([target.text], "query")[0], depth=5)
    assert ranking.positions[0] == 3
    assert ranking.scores[0] == np.float32(1.0) or abs(float(ranking.scores[0]) - 1.0) < 1e-5
    assert len(ranking.positions) == 5
    assert list(ranking.scores) == sorted(ranking.scores, reverse=True)
    assert len(baseline.rank(encoder.encode(["x"], "query")[0], depth=100).positions) == len(baseline.chunks)


def test_an_empty_baseline_ranks_nothing() -> None:
    baseline = Baseline.build([], HashEncoder())
    assert len(baseline.rank(np.ones(256, dtype=np.float32), depth=10).positions) == 0
