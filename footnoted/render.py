"""Results as plain JSON-ready dicts, in the shapes of the contract (CLI ``--json`` and HTTP alike)."""

from __future__ import annotations

from typing import Any

from footnoted.types import Answer, Citation, Document, Footnote, Hit


def footnote(note: Footnote) -> dict[str, Any]:
    """A note's label, body and span, and the notes it cites a source through."""
    out: dict[str, Any] = {"label": note.label, "text": note.text, "start": note.start, "end": note.end}
    if note.same_as is not None:
        out["same_as"] = note.same_as  # an "Ibid." note: the label of the note that gives the source
    if note.refers_to:
        out["refers_to"] = list(note.refers_to)  # "supra note 12": the notes naming the source in full
    return out


def cited_footnote(note: Footnote) -> dict[str, Any]:
    """A footnote as search results and answers carry it: with the spans of its markers in the
    source, so a reader links exactly those ("³⁴" is two markers) instead of guessing them."""
    return {**footnote(note), "markers": [{"start": m.start, "end": m.end} for m in note.markers]}


def note_links(note: Footnote) -> str:
    """What a reader sees after a note's text when it cites a source through other notes: "(same
    source as note 7)" after an "Ibid.", "(see note 12)" after "Smith, supra note 12"; else ''."""
    out = f" (same source as note {note.same_as})" if note.same_as is not None else ""
    if note.refers_to:
        *rest, last = note.refers_to
        labels = f"{', '.join(rest)} and {last}" if rest else last
        out += f" (see note{'s' if rest else ''} {labels})"
    return out


def heading_path(title: str, section: str) -> str:
    """Where a citation sits, for a reader who is shown its document's title beside it: its
    heading path without that title at the head (a page's first heading is usually its title)."""
    head, _, rest = section.partition(" › ")
    return rest if head.strip() == title.strip() else section


def citation(c: Citation) -> dict[str, Any]:
    return {"document_id": c.document_id, "title": c.title, "section": c.section, "start": c.start, "end": c.end}


def hit(h: Hit) -> dict[str, Any]:
    return {
        "rank": h.rank,
        "score": round(h.score, 6),
        "chunk_id": h.chunk.id,
        "text": h.chunk.text,
        "citation": citation(h.citation),
        "footnotes": [cited_footnote(n) for n in h.chunk.footnotes],
    }


def search(query: str, hits: list[Hit]) -> dict[str, Any]:
    return {"query": query, "results": [hit(h) for h in hits]}


def ask(answer: Answer) -> dict[str, Any]:
    body = None
    if answer.citation is not None:
        body = {
            "text": answer.text,
            "citation": citation(answer.citation),
            "footnotes": [cited_footnote(n) for n in answer.footnotes],
        }
    return {"question": answer.question, "answer": body, "passages": [hit(h) for h in answer.passages]}


def document_summary(doc: Document, chunks: int) -> dict[str, Any]:
    return {
        "id": doc.id,
        "title": doc.title,
        "format": doc.format,
        "metadata": dict(doc.metadata),
        "characters": len(doc.source),
        "sections": len(doc.sections),
        "footnotes": len(doc.footnotes),
        "chunks": chunks,
        "warnings": list(doc.warnings),
    }


def count(n: int, noun: str) -> str:
    """ "1 document", "2 documents"."""
    return f"{n} {noun}{'' if n == 1 else 's'}"
