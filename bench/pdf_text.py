"""Reading text extracted from a PDF, at length: pages per second and the notes found.

    .venv/bin/python bench/pdf_text.py [--copies 100 1000]

The three-page fixture ``tests/data/pdf_text/report-pdftotext.txt`` (5 notes at page feet, a
running head, "Page N of 3") is repeated to make long documents; each copy's notes start again
at 1. Prints the time to read each (best of 3) and whether every note was found.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import header, table

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "data" / "pdf_text" / "report-pdftotext.txt"


def main() -> None:
    from footnoted.ingest import parse

    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, nargs="+", default=[100, 1000])
    args = parser.parse_args()
    header("Reading PDF text at length", f"{FIXTURE.name} repeated; parse() best of 3")
    page = FIXTURE.read_text()
    rows = []
    for copies in args.copies:
        text = page * copies
        best, doc = float("inf"), None
        for _ in range(3):
            started = time.perf_counter()
            doc = parse(text, name="long.txt")
            best = min(best, time.perf_counter() - started)
        assert doc is not None
        pages = text.count("\f")
        linked = sum(1 for n in doc.footnotes if n.markers)
        rows.append([pages, f"{len(text):,}", best, f"{pages / best:,.0f}", f"{linked} of {5 * copies}"])
    table(rows, ["pages", "characters", "seconds", "pages/s", "notes found and linked"])


if __name__ == "__main__":
    main()
