"""A note that cites a source short, pointing to the note that names it ("Kessler, supra note 1, at
251"), cites that source too: it is searched and quoted with the passage carrying the short form,
even when the note naming the source belongs to another passage."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from footnoted.index import Encoder, HashEncoder, Index, IndexConfig
from footnoted.index.snapshot import BODY, cited_sources, lexical_fields
from footnoted.index.store import IndexDir
from footnoted.ingest import Tokenizer, WordTokenizer
from footnoted.ingest.chunk import ChunkSettings
from footnoted.ingest.read import parse
from footnoted.types import Document, Footnote
from tests.conftest import DATA
from tests.index.test_repeats import REPORT, small_index

FILLER = " ".join(f"Paragraph {n} describes the wells, the pumps and the meters in some detail." for n in range(4))

ARTICLE = f"""Groundwater

The High Plains aquifer lost a fifth of its stored water between 1950 and 1990.[1]

{FILLER}

Irrigation districts answered with metering rules of their own.[2]

{FILLER}

Courts later read those rules as limits on the right to pump.[3]

{FILLER}

A state engineer may now close a basin to new wells.[4]

[1] Jane Kessler, The Vanishing Aquifer: Depletion of the Ogallala Formation, 41 Nat. Resources J. 233, 240 (1994).
[2] See Kessler, supra note 1, at 251.
[3] Hardin v. Platte Valley Irrigation Dist., 12 P.3d 45, 48 (Colo. 2000).
[4] See id. at 50; Kessler, supra note 1, at 255.
"""


def _index(config: IndexConfig | None = None) -> Index:
    return small_index(ARTICLE, "groundwater.md", config)


@pytest.mark.parametrize(
    ("text", "name", "citing", "links"),
    [
        (REPORT, "fisheries.txt", ["1", "2", "3"], [(None, ()), ("1", ()), ("1", ())]),
        (ARTICLE, "groundwater.md", ["1", "2", "4"], [(None, ()), (None, ("1",)), (None, ()), ("3", ("1",))]),
    ],
    ids=["ibid", "supra"],
)
def test_each_report_is_cut_so_the_notes_citing_a_source_sit_apart_from_it(
    text: str, name: str, citing: list[str], links: list[tuple[str | None, tuple[str, ...]]]
) -> None:
    index = small_index(text, name)
    labels = [[n.label for n in c.footnotes] for c in index.snapshot.chunks]
    assert all([label] in labels for label in citing)  # else the tests here and in test_repeats test nothing
    assert [(n.same_as, n.refers_to) for n in index.document(Path(name).stem).footnotes] == links


def test_a_short_form_is_found_by_the_text_of_the_note_it_points_to() -> None:
    hits = _index().search("Vanishing Aquifer Ogallala Formation depletion", k=5, mode="lexical")
    assert {n.label for h in hits if h.score > 0 for n in h.chunk.footnotes} == {"1", "2", "4"}


@pytest.mark.parametrize(
    ("text", "name", "citing"),
    [(REPORT, "fisheries.txt", "2"), (ARTICLE, "groundwater.md", "4")],
    ids=["ibid", "supra"],
)
def test_a_note_citing_a_source_through_another_gets_its_vectors_under_its_own_slot(
    text: str, name: str, citing: str
) -> None:
    index = small_index(text, name)
    snap = index.snapshot
    source = index.document(Path(name).stem).footnotes[0]  # note 1 names the source in full
    (position,) = [i for i, c in enumerate(snap.chunks) if [n.label for n in c.footnotes] == [citing]]
    rows = [i for i in range(len(snap.row_ids)) if snap.row_chunks[i] == position and snap.row_notes[i] != BODY]
    spans = {(int(snap.row_spans[i, 0]), int(snap.row_spans[i, 1])) for i in rows}
    assert any(source.start <= start and end <= source.end for start, end in spans)
    assert all(snap.row_notes[i] == 0 for i in rows)  # the slot of the citing note, the only note it carries


def test_the_answer_quotes_the_source_through_the_passage_that_points_to_it() -> None:
    index = _index()
    question = "Which journal article on the vanishing aquifer of the Ogallala Formation supports closing a basin?"
    answer = index.ask(question, k=1, mode="lexical")
    assert [n.label for n in answer.passages[0].chunk.footnotes] == ["4"]
    doc = index.document("groundwater")
    assert answer.citation is not None
    assert doc.source[answer.citation.start : answer.citation.end] == answer.text
    assert "Depletion of the Ogallala Formation" in answer.text
    assert [n.label for n in answer.footnotes] == ["1"]  # the note the quoted text belongs to


@pytest.mark.parametrize("citing", ["Ibid.", "Report, supra note 1."])
def test_a_source_the_chunk_carries_is_not_added_again(citing: str) -> None:
    doc = parse(f"Notes\n\nOne claim.[1] Another.[2]\n\n[1] A report, 2004.\n[2] {citing}\n".encode(), name="a.txt")
    index = Index.memory(HashEncoder(), WordTokenizer())
    index.add([doc])
    (c,) = [c for c in index.snapshot.chunks if c.footnotes]
    assert cited_sources(c, doc) == []
    assert lexical_fields(c, doc) == [c.text, "A report, 2004.", citing]


def test_the_note_pointed_to_is_the_last_before_else_the_first_after() -> None:
    notes = (
        Footnote("1", "Chapter one's source.", 100, 120),
        Footnote("1", "Chapter two's source.", 300, 320),
        Footnote("2", "Source, supra note 1.", 330, 350, refers_to=("1",)),
        Footnote("3", "See note 9 below.", 360, 377, refers_to=("9",)),
        Footnote("9", "A later source.", 390, 399),
    )
    doc = Document("d", "d", "x" * 400, footnotes=notes)
    assert doc.referenced(notes[2]) == (notes[1],)
    assert doc.referenced(notes[3]) == (notes[4],)
    assert doc.referenced(Footnote("9", "Source, supra note 1.", 50, 70, refers_to=("1",))) == (notes[0],)


def test_the_sources_of_a_note_follow_repeats_and_short_forms() -> None:
    notes = (
        Footnote("1", "Kessler, The Vanishing Aquifer (1994).", 100, 140),
        Footnote("2", "Ibid., at 7.", 150, 162, same_as="1"),
        Footnote("3", "Kessler, supra note 2, at 9.", 170, 198, refers_to=("2",)),
        Footnote("4", "Hardin v. Platte Valley, 12 P.3d 45 (2000).", 200, 243),
        Footnote("5", "Kessler, supra note 1; Hardin, supra note 4.", 250, 294, refers_to=("1", "4")),
        Footnote("6", "Id.", 300, 303, same_as="5"),
    )
    doc = Document("d", "d", "x" * 400, footnotes=notes)
    assert doc.sources(notes[1]) == (notes[0],)  # an "Ibid."
    assert doc.sources(notes[2]) == (notes[0],)  # points to an "Ibid.": the note that named the source
    assert doc.sources(notes[4]) == (notes[0], notes[3])
    assert doc.sources(notes[5]) == (notes[4], notes[0], notes[3])  # "Id." after short forms: theirs too
    assert doc.sources(notes[0]) == ()


# Each report cites its source in full in note 1 and through another note in passages further on:
# (its text, file name, the notes citing the source, a question the real model answers, words of
# the source note for BM25).
CITED_THROUGH = [
    pytest.param(
        REPORT,
        "fisheries.txt",
        ["1", "2", "3"],
        "Which statements in the report rest on the Antarctic commission's schedule of conservation measures?",
        "Antarctic Marine Living Resources conservation schedule",
        id="ibid",
    ),
    pytest.param(
        ARTICLE,
        "groundwater.md",
        ["1", "2", "4"],
        "Which statements in the article rest on the 1994 study of how the Ogallala Formation was depleted?",
        "Vanishing Aquifer Ogallala Formation depletion",
        id="supra",
    ),
]


@pytest.mark.model
@pytest.mark.parametrize(("text", "name", "citing", "question", "words"), CITED_THROUGH)
def test_the_real_model_finds_every_passage_that_cites_a_source_through_another_note(
    real_encoder: tuple[Encoder, Tokenizer], text: str, name: str, citing: list[str], question: str, words: str
) -> None:
    encoder, tokenizer = real_encoder
    index = Index.memory(encoder, tokenizer, IndexConfig(chunk=ChunkSettings(max_tokens=64, overlap=0)))
    index.add([parse(text.encode(), name=name)])
    hits = index.search(question, 3)
    assert sorted(n.label for h in hits for n in h.chunk.footnotes) == citing  # not the passages between


@pytest.mark.parametrize(("text", "name", "citing", "question", "words"), CITED_THROUGH)
def test_the_sources_cited_through_another_note_survive_a_reload_and_a_later_write(
    tmp_path: Path, text: str, name: str, citing: list[str], question: str, words: str
) -> None:
    config = IndexConfig(chunk=ChunkSettings(max_tokens=40, overlap=0))
    Index.open(tmp_path / "ix", HashEncoder(), WordTokenizer(), config).add([parse(text.encode(), name=name)])
    index = Index.open(tmp_path / "ix", HashEncoder(), WordTokenizer())
    index.add([parse(b"Other\n\nAn unrelated report on rainfall.\n", name="other.txt")])
    reopened = Index.open(tmp_path / "ix", HashEncoder(), WordTokenizer())
    for ix in (index, reopened):
        hits = ix.search(words, k=5, mode="lexical")
        assert set(citing) <= {n.label for h in hits for n in h.chunk.footnotes}
    document = reopened.document(Path(name).stem)
    assert [(n.same_as, n.refers_to) for n in document.footnotes] == [
        (n.same_as, n.refers_to) for n in parse(text.encode(), name=name).footnotes
    ]


def test_an_index_written_before_short_forms_were_recorded_keeps_working(tmp_path: Path) -> None:
    # tests/data/index-format-5 was written by the code before this (index format 5), from the
    # article above: its notes hold no refers_to. They are linked as it is read; its next write
    # brings the BM25 fields up to date and records them, and nothing it held is lost.
    shutil.copytree(DATA / "index-format-5", tmp_path / "ix")
    index = Index.open(tmp_path / "ix", HashEncoder(), WordTokenizer())
    assert [n.refers_to for n in index.document("groundwater").footnotes] == [(), ("1",), (), ("1",)]
    index.add([parse(b"Other\n\nAn unrelated report on rainfall.\n", name="other.txt")])
    reopened = Index.open(tmp_path / "ix", HashEncoder(), WordTokenizer())
    assert sorted(reopened.documents) == ["groundwater", "other"]
    assert json.loads((IndexDir(tmp_path / "ix").current() / "manifest.json").read_text())["format_version"] == 6
    hits = reopened.search("Vanishing Aquifer Ogallala Formation depletion", k=5, mode="lexical")
    assert {n.label for h in hits if h.score > 0 for n in h.chunk.footnotes} == {"1", "2", "4"}
