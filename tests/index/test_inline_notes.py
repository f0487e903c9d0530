"""A note written inside its text (LaTeX's ``\\footnote{...}``, Markdown's ``^[...]``) is the note's, not
the text's: the passage's own vectors and its BM25 body leave it out, and the note's fields hold it,
as for a note set apart."""

from __future__ import annotations

import pytest

from footnoted.index import IndexConfig
from footnoted.index.rows import vector_rows
from footnoted.index.snapshot import BODY, lexical_fields
from footnoted.ingest import WordTokenizer, chunk, parse

NOTE = "Ministry of Defence, Annual Stockpile Return, table four, published in March."
SOURCES = {
    "latex": (
        "\\documentclass{article}\n\\begin{document}\nThe army holds 10.4 million mines in store.\\footnote{"
        + NOTE
        + "} Production ended in 1997 at the Kansas plant. Exports stopped in 1992 by law.\n\\end{document}\n",
        "report.tex",
    ),
    "markdown": (
        "The army holds 10.4 million mines in store.^["
        + NOTE
        + "] Production ended in 1997 at the Kansas plant. Exports stopped in 1992 by law.\n",
        "report.md",
    ),
}


@pytest.mark.parametrize("fmt", SOURCES)
def test_an_inline_note_is_the_notes_and_not_the_passages_own_text(fmt: str) -> None:
    text, name = SOURCES[fmt]
    doc = parse(text, name=name)
    (note,) = doc.footnotes
    assert note.text == NOTE and note.markers
    (passage,) = chunk(doc, WordTokenizer())
    assert NOTE in passage.text  # the passage shows its note where it is written
    rows = vector_rows([doc], {doc.id: [passage]}, IndexConfig(), WordTokenizer(), 128)
    body = [r.text for r in rows if r.slot == BODY]
    assert body and not [t for t in body if "Ministry" in t]
    assert [t for t in body if t.startswith("The army holds 10.4 million mines in store.")]
    assert [t for t in body if t.startswith("Production ended in 1997")]
    assert [r.text for r in rows if r.slot != BODY] == [NOTE]
    fields = lexical_fields(passage, doc)
    assert "Ministry" not in fields[0] and "Production ended in 1997" in fields[0]
    assert fields[1:] == [NOTE]


def test_a_one_sentence_passage_is_embedded_without_the_note_written_inside_it() -> None:
    doc = parse(
        "\\documentclass{article}\n\\begin{document}\nThe army holds 10.4 million mines in store.\\footnote{"
        + NOTE
        + "}\n\\end{document}\n",
        name="report.tex",
    )
    (passage,) = chunk(doc, WordTokenizer())
    rows = vector_rows([doc], {doc.id: [passage]}, IndexConfig(), WordTokenizer(), 128)
    assert [(r.slot, r.text) for r in rows] == [
        (BODY, "The army holds 10.4 million mines in store."),
        (0, NOTE),
    ]
