"""How reading and indexing scale with a document's length: books of thousands of notes.

    .venv/bin/python bench/long_documents.py [--notes 1000,4000,16000] [--formats md,txt,html,sup]

Each book is generated: chapters of 20 paragraphs, every paragraph citing a note of its own, one
note in seven an "Ibid.", the notes at the end (Markdown ``[^n]``, plain text ``[n]``, an HTML
``<ol>`` linked both ways, or ``sup``: HTML superscripts and an ``<ol>`` with no links). It is read, cut into passages and added to an in-memory index with the
test encoder, so what is timed is footnoted's own work, not the model's (after one small book, so
that no row pays for imports). Time that grows faster than the text shows up as a rising cost per
note down a column.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import header, table

_WORDS = "the survey found mines across fields in every province and the report counted them again".split()


def book(notes: int, fmt: str, seed: int = 1) -> str:
    rng = random.Random(seed)
    paragraphs = [" ".join(rng.choice(_WORDS) for _ in range(40)) for _ in range(notes)]

    def note(i: int) -> str:
        return f"Ibid., p. {i}." if i % 7 == 0 else f"Field survey number {i}, page {i % 50}."

    def chapter(i: int) -> str:
        return f"Chapter {i // 20 + 1}"

    if fmt == "md":
        body = "".join(
            (f"## {chapter(i)}\n\n" if i % 20 == 0 else "") + f"{p}.[^{i + 1}]\n\n" for i, p in enumerate(paragraphs)
        )
        return "# A long report\n\n" + body + "".join(f"[^{i}]: {note(i)}\n" for i in range(1, notes + 1))
    if fmt == "txt":
        body = "".join(
            (f"{chapter(i)}\n\n" if i % 20 == 0 else "") + f"{p}.[{i + 1}]\n\n" for i, p in enumerate(paragraphs)
        )
        return "A long report\n\n" + body + "Notes\n\n" + "".join(f"[{i}] {note(i)}\n" for i in range(1, notes + 1))
    if fmt == "sup":  # superscripts and a numbered list, no links: the list is numbered as a browser would
        body = "".join(
            (f"<h2>{chapter(i)}</h2>" if i % 20 == 0 else "") + f"<p>{p}.<sup>{i + 1}</sup></p>"
            for i, p in enumerate(paragraphs)
        )
        listed = "".join(f"<li>{note(i)}</li>" for i in range(1, notes + 1))
        return f"<html><body><h1>A long report</h1>{body}<h2>Notes</h2><ol>{listed}</ol></body></html>"
    body = "".join(
        (f"<h2>{chapter(i)}</h2>" if i % 20 == 0 else "")
        + f'<p>{p}.<sup><a href="#fn{i + 1}" id="ref{i + 1}">{i + 1}</a></sup></p>'
        for i, p in enumerate(paragraphs)
    )
    listed = "".join(f'<li id="fn{i}">{note(i)} <a href="#ref{i}">↩</a></li>' for i in range(1, notes + 1))
    return (
        "<html><head><title>A long report</title></head><body><h1>A long report</h1>"
        f"{body}<h2>Notes</h2><ol>{listed}</ol></body></html>"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", default="1000,4000,16000")
    parser.add_argument("--formats", default="md,txt,html,sup")
    args = parser.parse_args()
    from footnoted.index import Index
    from footnoted.index.encoder import HashEncoder
    from footnoted.ingest import WordTokenizer, chunk, parse
    from footnoted.ingest.chunk import ChunkSettings

    header("long documents", "generated books, test encoder (no model), in-memory index; one run each")
    Index.memory(HashEncoder(384), WordTokenizer()).add([parse(book(30, "txt").encode(), name="warm.txt")])  # imports
    rows = []
    for fmt in args.formats.split(","):
        for notes in (int(n) for n in args.notes.split(",")):
            data = book(notes, fmt).encode()
            started = time.perf_counter()
            doc = parse(data, name=f"book.{'html' if fmt == 'sup' else fmt}")
            read = time.perf_counter() - started
            started = time.perf_counter()
            chunks = chunk(doc, WordTokenizer(), ChunkSettings(200, 32))
            cut = time.perf_counter() - started
            index = Index.memory(HashEncoder(384), WordTokenizer())
            started = time.perf_counter()
            index.add([doc])
            added = time.perf_counter() - started
            cited = {n.label for c in chunks for n in c.footnotes}
            rows.append(
                [
                    fmt,
                    notes,
                    f"{len(data) / 1e6:.1f}",
                    len(doc.footnotes),
                    len(cited),
                    len(chunks),
                    read,
                    cut,
                    added,
                    f"{1e3 * added / notes:.2f}",
                ]
            )
    table(
        rows,
        [
            "format",
            "notes written",
            "MB",
            "notes read",
            "notes cited by a passage",
            "passages",
            "read s",
            "cut s",
            "Index.add s",
            "add ms per note",
        ],
    )


if __name__ == "__main__":
    main()
