"""A passage whose note says only "Ibid." cites the source of the note before it: that source is
searched and quoted with the passage, even when the note naming it belongs to another passage."""

from __future__ import annotations

from footnoted.index import HashEncoder, Index, IndexConfig
from footnoted.ingest import WordTokenizer
from footnoted.ingest.chunk import ChunkSettings
from footnoted.ingest.read import parse
from footnoted.types import Document, Footnote

FILLER = " ".join(f"Paragraph {n} describes the survey teams and their equipment in some detail." for n in range(4))

REPORT = f"""Fisheries

The first catch limits for toothfish in the Ross Sea date from 1998.[1]

{FILLER}

Those limits were raised twice in the following decade.[2]

{FILLER}

Vessels found fishing without a licence were escorted to port.[3]

[1] Commission for the Conservation of Antarctic Marine Living Resources, Schedule of Conservation Measures, 1998.
[2] Ibid., p. 40.
[3] Ibid.
"""


def small_index(text: str, name: str, config: IndexConfig | None = None) -> Index:
    """An in-memory index of one report, with the test encoder and passages of 40 words by default
    (small enough that the notes citing a source sit apart from it)."""
    index = Index.memory(
        HashEncoder(), WordTokenizer(), config or IndexConfig(chunk=ChunkSettings(max_tokens=40, overlap=0))
    )
    index.add([parse(text.encode(), name=name)])
    return index


def _index(config: IndexConfig | None = None) -> Index:
    return small_index(REPORT, "fisheries.txt", config)


# That the report is cut so the repeats sit apart from their source: tests/index/test_references.py.


def test_a_repeat_is_found_by_the_text_of_the_source_it_repeats() -> None:
    index = _index()
    hits = index.search("Antarctic Marine Living Resources conservation schedule", k=5, mode="lexical")
    cited = {n.label for h in hits for n in h.chunk.footnotes}
    assert {"1", "2"} <= cited


# Its vectors under the repeat's slot: tests/index/test_references.py, for repeats and short forms alike.


def test_the_answer_quotes_the_source_through_the_passage_that_repeats_it() -> None:
    index = _index()
    answer = index.ask(
        "Which schedule of conservation measures for Antarctic marine living resources shows the limits raised?",
        k=1,
        mode="lexical",
    )
    assert [n.label for n in answer.passages[0].chunk.footnotes] == ["2"]
    doc = index.document("fisheries")
    source = next(n for n in doc.footnotes if n.label == "1")
    assert answer.citation is not None
    assert source.start <= answer.citation.start and answer.citation.end <= source.end
    assert doc.source[answer.citation.start : answer.citation.end] == answer.text
    assert [n.label for n in answer.footnotes] == ["1"]  # the note the quoted text belongs to


def test_answers_without_stored_sentence_vectors_quote_the_source_too() -> None:
    index = _index(IndexConfig(chunk=ChunkSettings(max_tokens=40, overlap=0), sentence_vectors=False))
    assert not index.answers_from_stored_vectors
    answer = index.ask(
        "Which schedule of conservation measures for Antarctic marine living resources shows the limits raised?",
        k=1,
        mode="lexical",
    )
    assert [n.label for n in answer.passages[0].chunk.footnotes] == ["2"]
    assert "Schedule of Conservation Measures" in answer.text
    assert [n.label for n in answer.footnotes] == ["1"]


# A source the chunk carries itself is not added again: tests/index/test_references.py, for both.


def test_the_repeated_note_is_the_last_before_it_with_that_label() -> None:
    notes = (
        Footnote("1", "Chapter one's source.", 100, 120),
        Footnote("1", "Chapter two's source.", 300, 320),
        Footnote("2", "Ibid.", 330, 335, same_as="1"),
        Footnote("3", "Ibid., p. 6.", 340, 352, same_as="1"),
    )
    doc = Document("d", "d", "x" * 400, footnotes=notes)
    assert doc.repeated(notes[2]) == notes[1]
    assert doc.repeated(notes[3]) == notes[1]  # a run of repeats points at the note that named the source
    assert doc.repeated(notes[1]) is None
    assert doc.repeated(Footnote("9", "Ibid.", 50, 55, same_as="1")) is None  # nothing before it


# The real model, and a reload: tests/index/test_references.py, for repeats and short forms alike.
