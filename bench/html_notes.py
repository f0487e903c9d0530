"""Footnotes found in real HTML: every page of the Python 3.11 documentation that has footnotes.

    .venv/bin/python bench/html_notes.py

Sphinx writes each footnote as an element of class ``footnote`` with an id, and each marker as an
``<a class="footnote-reference">``; each citation as an element of class ``citation`` with an id,
and each of its markers as an ``<a href="#that-id">[Label]</a>``; those counts, taken from the raw HTML with a regular
expression, are what the reader should find; on the other pages it should find none. Prints
per-page mismatches and the totals.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import header, table
from bench.ingest import DOCS, python_docs

_NOTE = re.compile(r'<(?:aside|dt|div|table)\b[^>]*\bclass="(?:docutils )?footnote\b(?!-)[^"]*"[^>]*\bid="([^"]+)"')
_NOTE_DT = re.compile(r'<dt class="label" id="([^"]+)"')
_REFERENCE = re.compile(r'<a\b[^>]*\bclass="footnote-reference\b')
_CITATION = re.compile(r'<(?:div|dt|table)\b[^>]*\bclass="(?:docutils )?citation\b(?!-)[^"]*"[^>]*\bid="([^"]+)"')


def _citing(html: str, ids: set[str]) -> int:
    """How many links in ``html`` cite one of the citations ``ids`` by its bracketed label."""
    return sum(len(re.findall(rf'<a\b[^>]*\bhref="#{re.escape(i)}"[^>]*>(?:<span>)?\[', html)) for i in ids)


def main() -> None:
    from footnoted.ingest import load

    header(
        "Footnotes and citations in the Python 3.11 documentation",
        "docutils' own markup counted in the raw HTML vs what load() finds",
    )
    python_docs(0)  # installs the pages when missing
    every = sorted(DOCS.rglob("*.html"))
    pages = [
        p for p in every if re.search(r'class="(?:docutils )?(?:footnote|citation)\b', p.read_text(errors="replace"))
    ]
    rows, totals, started = [], [0, 0, 0, 0], time.perf_counter()
    for page in pages:
        html = page.read_text(errors="replace")
        citations = set(_CITATION.findall(html))
        notes = len(set(_NOTE.findall(html)) | set(_NOTE_DT.findall(html)) | citations)
        references = len(_REFERENCE.findall(html)) + _citing(html, citations)
        doc = load(page)
        found, markers = len(doc.footnotes), sum(len(n.markers) for n in doc.footnotes)
        for i, n in enumerate((notes, found, references, markers)):
            totals[i] += n
        if (notes, references) != (found, markers):
            rows.append([str(page.relative_to(DOCS)), notes, found, references, markers])
    if rows:
        table(rows, ["page", "notes", "found", "markers", "found"])
    seconds = time.perf_counter() - started
    print(f"{len(pages)} pages with footnotes or citations, read in {seconds:.1f} s")
    print(
        f"notes: {totals[1]} found of {totals[0]}; markers: {totals[3]} found of {totals[2]}; pages differing: {len(rows)}"
    )
    others = [p for p in every if p not in set(pages)]
    wrong = {str(p.relative_to(DOCS)): n for p in others if (n := len(load(p).footnotes))}
    print(
        f"the {len(others)} pages without footnotes or citations: {sum(wrong.values())} notes found on {len(wrong)} of them {wrong or ''}"
    )


if __name__ == "__main__":
    main()
