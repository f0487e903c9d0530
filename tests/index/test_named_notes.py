"""A question that names a note by its label ("What does footnote 3 say?") is about that note."""

from __future__ import annotations

import pytest

import footnoted.index.index as index_module
from footnoted.index import HashEncoder, Index
from footnoted.index.named import named_notes
from footnoted.ingest import WordTokenizer, parse
from footnoted.types import Document, Hit
from tests.conftest import note_labelled


@pytest.mark.parametrize(
    ("question", "labels"),
    [
        ("What does footnote 3 say?", ("3",)),
        ("Which source does note 8 give?", ("8",)),
        ("Compare notes 2 and 4", ("2", "4")),
        ("What do endnotes 3-5 and 9 cite?", ("3", "4", "5", "9")),
        ("notes 12–14", ("12", "13", "14")),
        ("fn. 3 and n. 12, nn. 6-7", ("3", "12", "6", "7")),
        ("What does the note marked * say?", ()),
        ("What does note * say?", ("*",)),
        ("Footnote 2: the treaty's full name?", ("2",)),
        ("Please note that 3 million mines were destroyed", ()),
        ("How many notes does the report have? 8?", ()),
        ("Note 3.5 million mines", ()),
        ("notes 1 to 1000", ()),
        ("note 4, footnote 4", ("4",)),
    ],
)
def test_named_notes_reads_labels_after_the_word_note(question: str, labels: tuple[str, ...]) -> None:
    assert named_notes(question) == labels


def _labels(hit: Hit) -> set[str]:
    return {n.label for n in hit.chunk.footnotes}


@pytest.mark.parametrize("mode", ["hybrid", "dense", "lexical"])
def test_the_passage_carrying_a_named_note_ranks_first(hash_index: Index, mode: str) -> None:
    for label in ("1", "3", "6", "8"):
        hits = hash_index.search(f"What does footnote {label} say?", 3, mode=mode)  # type: ignore[arg-type]
        assert label in _labels(hits[0]), (label, [_labels(h) for h in hits])


def test_a_named_note_ranks_first_even_where_no_word_of_the_question_is_in_it(briefing: Document) -> None:
    # BM25 finds no term of "What does note * say?" in the note's passage (a symbol is no term).
    report = parse(
        b"# Report\n\nThe dam failed in 1971.[^*] It was rebuilt.\n\n[^*]: Board of inquiry report.\n",
        name="report.md",
    )
    assert [n.label for n in report.footnotes] == ["*"]
    index = Index.memory(HashEncoder(), WordTokenizer())
    index.add([briefing, report])
    for mode in ("lexical", "hybrid", "dense"):
        top = index.search("What does note * say?", 1, mode=mode)[0]  # type: ignore[arg-type]
        assert top.chunk.document_id == report.id and "*" in _labels(top), mode


def test_several_named_notes_come_first_then_the_others_in_the_search_s_order(
    hash_index: Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    question = "What do notes 1 and 7 cite?"
    hits = hash_index.search(question, 4)
    assert {"1", "7"} <= _labels(hits[0]) | _labels(hits[1])
    first = {hits[0].chunk.id, hits[1].chunk.id}
    monkeypatch.setattr(index_module, "named_notes", lambda _question: ())
    plain = [h.chunk.id for h in hash_index.search(question, 10)]
    assert [h.chunk.id for h in hits[2:]] == [c for c in plain if c not in first][:2]


def test_a_label_no_document_has_changes_nothing(hash_index: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    question = "What does footnote 99 say about the stockpile?"
    named = [h.chunk.id for h in hash_index.search(question, 5)]
    monkeypatch.setattr(index_module, "named_notes", lambda _question: ())
    assert named == [h.chunk.id for h in hash_index.search(question, 5)]


def test_the_answer_comes_from_the_named_note(hash_index: Index, briefing: Document) -> None:
    for label in ("3", "4", "6"):
        answer = hash_index.ask(f"What does footnote {label} say?")
        note = note_labelled(briefing, label)
        assert answer.citation is not None
        assert note.start <= answer.citation.start and answer.citation.end <= note.end, (label, answer.text)
        assert [n.label for n in answer.footnotes] == [label]


def test_an_ibid_note_named_answers_from_it_or_the_note_it_repeats(hash_index: Index, briefing: Document) -> None:
    answer = hash_index.ask("What source does note 8 give?")
    assert answer.citation is not None
    spans = [(n.start, n.end) for n in (note_labelled(briefing, "8"), note_labelled(briefing, "7"))]
    assert any(s <= answer.citation.start and answer.citation.end <= e for s, e in spans), answer.text


def test_the_document_filter_holds_for_named_notes(briefing: Document) -> None:
    other = parse(
        b"Other report\n\nThe river was dammed in 1962.[1] The dam failed in 1971.[2] It was rebuilt.[3]\n\n"
        b"Notes\n\n[1] Survey of 1962.\n\n[2] Board of inquiry report.\n\n[3] Rebuilt by the county.\n",
        name="other.txt",
        doc_id="other",
    )
    assert [n.label for n in other.footnotes] == ["1", "2", "3"]
    index = Index.memory(HashEncoder(), WordTokenizer())
    index.add([briefing, other])
    hits = index.search("What does footnote 3 say?", 2)
    assert {h.chunk.document_id for h in hits} == {"back-in-business-2005", "other"}
    assert all("3" in _labels(h) for h in hits)
    only = index.search("What does footnote 3 say?", 1, document_ids=["other"])[0]
    assert only.chunk.document_id == "other" and "3" in _labels(only)


def test_the_words_naming_a_note_are_not_searched_for(monkeypatch: pytest.MonkeyPatch) -> None:
    # Both reports have a note 1; only the words of the question after "footnote 1" tell them apart.
    notes = parse(
        b"Style guide\n\nEach claim gets a note.[1]\n\nNotes\n\n[1] A footnote on footnotes and their footnote marks.\n",
        name="style.txt",
        doc_id="style",
    )
    dam = parse(
        b"River report\n\nThe river was dammed in 1962.[1]\n\nNotes\n\n[1] The dam failed in 1971.\n",
        name="river.txt",
        doc_id="river",
    )
    index = Index.memory(HashEncoder(), WordTokenizer())
    index.add([notes, dam])
    question = "What does footnote 1 say about the dam?"
    assert index.search(question, 1, mode="lexical")[0].chunk.document_id == "river"
    monkeypatch.setattr(index_module, "without_names", lambda question: question)
    assert index.search(question, 1, mode="lexical")[0].chunk.document_id == "style"  # as it was
