"""What the MCP tools return: the models whose JSON schema is each tool's ``outputSchema``, and the
plain text a model reads beside the structured content.

The structured content has the shapes of the HTTP API and ``--json`` (``footnoted.render``).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from footnoted import render
from footnoted.types import Answer, Footnote, Hit


class MarkerOut(BaseModel):
    start: int = Field(description="Character offset of the marker ('[3]', '³') in the document's source.")
    end: int


class FootnoteOut(BaseModel):
    label: str = Field(description="The note's marker, e.g. '3'.")
    text: str = Field(description="The note body, exactly source[start:end].")
    start: int
    end: int
    same_as: str | None = Field(
        default=None,
        description='Only on a note that repeats the one before ("Ibid."): the label of the note naming the source.',
    )
    refers_to: list[str] | None = Field(
        default=None,
        description='Only on a note citing a source short ("Smith, supra note 12", "Smith, op. cit."): '
        "the labels of the notes naming it in full.",
    )
    markers: list[MarkerOut] = Field(
        default_factory=list,
        description="The markers citing the note, as spans of the source (any outside the passage too).",
    )


class CitationOut(BaseModel):
    document_id: str
    title: str
    section: str = Field(description="The heading the passage sits under ('' before the first heading).")
    start: int = Field(description="Character offset of the passage in the document's source.")
    end: int


class PassageOut(BaseModel):
    rank: int
    score: float
    chunk_id: str
    text: str = Field(description="Exactly source[citation.start:citation.end] of the cited document.")
    citation: CitationOut
    footnotes: list[FootnoteOut] = Field(description="The footnotes whose markers appear in the passage.")


class SearchOutput(BaseModel):
    query: str
    results: list[PassageOut]


class AnswerOut(BaseModel):
    text: str = Field(description="The best evidence sentence(s), exactly source[citation.start:citation.end].")
    citation: CitationOut
    footnotes: list[FootnoteOut]


class AskOutput(BaseModel):
    question: str
    answer: AnswerOut | None = Field(description="None when nothing in the documents answers the question.")
    passages: list[PassageOut]


class DocumentOut(BaseModel):
    id: str
    title: str
    format: str
    metadata: dict[str, str]
    characters: int
    sections: int
    footnotes: int
    chunks: int
    warnings: list[str]


class DocumentsOutput(BaseModel):
    documents: list[DocumentOut]


def search_text(hits: list[Hit]) -> str:
    """Numbered passages, each with where it comes from and the footnotes it cites."""
    if not hits:
        return "No passages found."
    return "\n\n".join(_passage(h) for h in hits)


def ask_text(answer: Answer) -> str:
    """The answer sentence with its citation and footnotes, then the passages it was drawn from."""
    if answer.citation is None:
        head = "No answer found in the indexed documents."
    else:
        c = answer.citation
        head = f"Answer: {answer.text}\n— {_where(c.title, c.section, c.start, c.end)}{_notes(answer.footnotes)}"
    return f"{head}\n\nPassages:\n\n{search_text(list(answer.passages))}"


def _passage(hit: Hit) -> str:
    c = hit.citation
    where = _where(c.title, c.section, c.start, c.end)
    return f"[{hit.rank}] {where} (score {hit.score:.3f})\n{hit.chunk.text}{_notes(hit.chunk.footnotes)}"


def _where(title: str, section: str, start: int, end: int) -> str:
    section = render.heading_path(title, section)
    return title + (f" › {section}" if section else "") + f", characters {start}–{end}"


def _notes(notes: tuple[Footnote, ...]) -> str:
    return "".join(f"\n    note {n.label}: {n.text}{render.note_links(n)}" for n in notes)


def documents_text(documents: list[dict[str, Any]]) -> str:
    """One line per document: id, title, and how many footnotes and passages it has."""
    if not documents:
        return "The index holds no documents."
    return "\n".join(
        f"{d['id']}: {d['title']} ({render.count(d['footnotes'], 'footnote')}, {render.count(d['chunks'], 'passage')})"
        for d in documents
    )
