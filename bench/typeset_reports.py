"""Typeset reports with page-foot notes: is every note read whole, and linked to its marker?

    .venv/bin/python bench/typeset_reports.py [--chapters 6] [--seed 30] [--out DIR]

Each layout is a report written for the purpose and typeset by Typst (``pip install typst``, in
the bench extra): chapters of paragraphs whose sentences carry notes of the kinds a field report
has (interviews, "Ibid." and "Ibid., p. N", long letters, cited reports, web addresses), figures
such as "$1.59 million" and years ("in 2003.57") beside the markers, a running head and page
numbers. The layouts: one column (US letter), two columns, A5 in small type, notes numbered
afresh in each chapter, notes holding web addresses, and A4 in large type. Every note the source
holds is looked for in what footnoted read: its text (letters and digits compared) and its one
marker, which must close the sentence the note was written on. ``--out`` keeps the sources and
PDFs.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import header, table
from bench.reports import AUTHOR, COLUMNS, COUNTS, SUBTITLE, TITLE, Layout, arguments, check, file_stem, report, summary

LAYOUTS = {
    "one column": Layout(),
    "two columns": Layout(columns=2, size=10),
    "A5, small type": Layout(paper="a5", size=9),
    "numbered per chapter": Layout(restart=True),
    "web addresses": Layout(urls=True),
    "A4, large type": Layout(paper="a4", size=12),
}


def source(seed: int, chapters: int, layout: Layout) -> str:
    """The Typst source of one report (deterministic for a seed)."""
    columns, paper, size = layout.columns, layout.paper, layout.size
    head = (
        f'#set document(title: "{TITLE}: {SUBTITLE}", author: "{AUTHOR}")\n'
        f'#set page(paper: "{paper}", columns: {columns}, margin: (x: 2.2cm, y: 2.5cm), '
        f"header: context {{ if counter(page).get().first() > 1 [#set text(8pt); {AUTHOR} #h(1fr) {TITLE}] }}, "
        'footer: context [#set text(8pt); #h(1fr) #counter(page).display("1") #h(1fr)])\n'
        f"#set text(size: {size}pt)\n#set par(justify: true)\n\n= {TITLE}\n\n"
    )
    body = []
    for title, paragraphs in report(seed, chapters, urls=layout.urls).chapters:
        if layout.restart:
            body.append("#counter(footnote).update(0)\n")
        body.append(f"== {title}\n\n")
        for paragraph in paragraphs:
            parts = [
                f"{_escape(claim)}." + (f"#footnote[{_escape(note)}]" if note is not None else "")
                for claim, note in paragraph.sentences
            ]
            parts.append(f"#lorem({paragraph.filler})")
            body.append(" ".join(parts) + "\n\n")
    return head + "".join(body)


def _escape(text: str) -> str:
    return text.replace("$", "\\$")


def main() -> None:
    args = arguments()
    import typst

    from footnoted.ingest import parse

    header("typeset reports", "Typst PDFs with page-foot notes; each note's text and marker checked against the source")
    out = args.out or Path(tempfile.mkdtemp())
    out.mkdir(parents=True, exist_ok=True)
    rows: list[list[object]] = []
    totals = [0] * len(COUNTS)
    for k, (name, layout) in enumerate(LAYOUTS.items()):
        stem = file_stem(name)
        (out / f"{stem}.typ").write_text(source(args.seed + k, args.chapters, layout))
        data = typst.compile(str(out / f"{stem}.typ"))
        (out / f"{stem}.pdf").write_bytes(data)
        started = time.perf_counter()
        doc = parse(data, name=f"{stem}.pdf")
        seconds = time.perf_counter() - started
        found = check(doc, report(args.seed + k, args.chapters, urls=layout.urls).notes())
        rows.append([name, doc.metadata["pages"], *(found[c] for c in COUNTS), seconds])
        totals = [t + found[c] for t, c in zip(totals, COUNTS, strict=True)]
    table(rows, ["layout", "pages", *COLUMNS])
    print(summary("all layouts", totals))
    if args.out:
        print(f"sources and PDFs in {out}")


if __name__ == "__main__":
    main()
