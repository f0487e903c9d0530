"""The real bundled model and real FAISS on one report as a user brings it: a typeset PDF, the
same in two columns, by another typesetter, with endnotes, a Word file and an OpenDocument file
(``tests/data/pdf``, ``tests/data/docx``, ``tests/data/odt``).

Each question is answered only by one of the report's footnotes; the passage that cites that
note must rank first, whatever the format. The questions were written before any was run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from footnoted.index import Encoder, Index
from footnoted.ingest import Tokenizer, load
from tests.conftest import DATA

FILES = {
    "pdf": DATA / "pdf" / "report.pdf",
    "two columns": DATA / "pdf" / "two-columns.pdf",
    "another typesetter": DATA / "pdf" / "weasyprint.pdf",
    "endnotes": DATA / "pdf" / "endnotes.pdf",
    "docx": DATA / "docx" / "report.docx",
    "odt": DATA / "odt" / "pandoc_report.odt",
}
QUESTIONS = [
    ("7", "Which two holders were given most of the drought exemptions?"),
    ("2", "When was the public records request for the gauge data filed?"),
    ("11", "How was the number of unregistered wells estimated?"),
    ("13", "What did drilling contractors quote for a 60-metre well?"),
]

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def indexes(real_encoder: tuple[Encoder, Tokenizer]) -> dict[str, Index]:
    encoder, tokenizer = real_encoder
    out = {}
    for name, path in FILES.items():
        index = Index.memory(encoder, tokenizer)
        index.add([load(Path(path))])
        out[name] = index
    return out


@pytest.mark.parametrize("name", list(FILES))
@pytest.mark.parametrize(("label", "question"), QUESTIONS)
def test_a_footnote_only_answer_ranks_its_passage_first_in_every_format(
    indexes: dict[str, Index], name: str, label: str, question: str
) -> None:
    top = indexes[name].search(question, 1)[0]
    assert label in [n.label for n in top.chunk.footnotes], top.chunk.text[:120]
    note = next(n for n in top.chunk.footnotes if n.label == label)
    source = indexes[name].documents[top.chunk.document_id].source
    assert source[note.start : note.end] == note.text
