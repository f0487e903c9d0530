"""A passage's vectors embed its text under the path of headings it stands in, where that fits the
model's budget; a note's vectors stay its own text."""

from __future__ import annotations

from footnoted.index import IndexConfig
from footnoted.index.rows import under_section, vector_rows
from footnoted.index.snapshot import BODY
from footnoted.ingest import WordTokenizer, chunk, parse

REPORT = (
    "# Stockpiles\n\n## Destruction\n\nThe army destroyed two million mines in 2004. It kept the rest in"
    " three depots near the border.[^1]\n\n[^1]: Ministry of Defence, annual return, table four.\n"
)


def test_a_passages_sentences_are_embedded_under_its_headings_and_its_notes_are_not() -> None:
    doc = parse(REPORT, name="report.md")
    passages = chunk(doc, WordTokenizer())
    rows = vector_rows([doc], {doc.id: passages}, IndexConfig(), WordTokenizer(), 128)
    body = [r.text for r in rows if r.slot == BODY]
    assert "The army destroyed two million mines in 2004." in [doc.source[r.span.start : r.span.end] for r in rows]
    assert "Stockpiles › Destruction: The army destroyed two million mines in 2004." in body
    assert [r.text for r in rows if r.slot != BODY] == ["Ministry of Defence, annual return, table four."]


def test_a_document_without_headings_embeds_its_sentences_alone() -> None:
    doc = parse(REPORT.replace("# Stockpiles\n\n## Destruction\n\n", ""), name="report.md")
    passages = chunk(doc, WordTokenizer())
    rows = vector_rows([doc], {doc.id: passages}, IndexConfig(), WordTokenizer(), 128)
    assert all(doc.source[r.span.start : r.span.end] == r.text for r in rows)


def test_the_headings_are_left_out_where_they_would_not_fit_the_budget() -> None:
    sentence = "The army destroyed two million mines in 2004."
    assert under_section("Stockpiles", sentence, WordTokenizer(), 64) == f"Stockpiles: {sentence}"
    words = WordTokenizer().count(sentence)
    assert under_section("Stockpiles › Destruction", sentence, WordTokenizer(), words + 1) == sentence
    assert under_section("", sentence, WordTokenizer(), 64) == sentence
