"""Reading PDF files: pages per second, where the time goes, and the notes found.

    .venv/bin/python bench/pdf.py [--copies 1 10 50]

The fixture ``tests/data/pdf/report.typ`` (13 footnotes that Typst sets at the feet of its three
pages) has its body repeated ``copies`` times and is typeset by Typst (``pip install typst``,
in the bench extra), so the notes number on (1 to 13 x copies) as in one long report. Each PDF
is read with ``parse()`` (best of 3), beside pdfminer.six's ``extract_text`` alone on the same
file: how footnoted read PDFs before PDFium read their characters (footnoted still runs
pdfminer's layout analysis over them, then its own reading; a long PDF,
``footnoted.ingest.pdf.SPLIT_AT`` and ``SPLIT_FROM_SECONDS``, is laid out by two processes).
Also reads the PDFs Debian ships in /usr/share/doc when present (notes there should be none).
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import header, table

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "data" / "pdf" / "report.typ"
DEBIAN = [
    Path("/usr/share/doc/libtasn1-doc/libtasn1.pdf"),
    Path("/usr/share/doc/shared-mime-info/shared-mime-info-spec.pdf"),
]


def typeset(copies: int) -> bytes:
    import typst

    source = FIXTURE.read_text()
    head, body = source.split("= Summary", 1)
    return bytes(typst.compile((head + ("= Summary" + body + "\n#pagebreak()\n") * copies).encode()))


def best_of(runs: int, work):  # type: ignore[no-untyped-def]
    best, out = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        out = work()
        best = min(best, time.perf_counter() - started)
    return best, out


def main() -> None:
    from pdfminer.high_level import extract_text

    from footnoted.ingest import parse

    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 10, 50])
    args = parser.parse_args()
    header("Reading PDF files", "parse() and pdfminer's extract_text alone, best of 3")
    rows = []
    files = [(f"{FIXTURE.stem} x{c}", typeset(c), 13 * c) for c in args.copies]
    files += [(p.name, p.read_bytes(), 0) for p in DEBIAN if p.is_file()]
    for name, data, expected in files:
        extracting, _ = best_of(3, lambda data=data: extract_text(io.BytesIO(data)))
        reading, doc = best_of(3, lambda data=data: parse(data, name="report.pdf"))
        pages = int(doc.metadata["pages"])
        linked = sum(1 for n in doc.footnotes if n.markers)
        rows.append(
            [
                name,
                pages,
                f"{reading:.2f}",
                f"{pages / reading:,.1f}",
                f"{extracting:.2f}",
                f"{extracting / reading:.2f}x",
                f"{linked} of {expected}" if expected else f"{len(doc.footnotes)} (none expected)",
            ]
        )
    table(rows, ["PDF", "pages", "seconds", "pages/s", "extract_text s", "footnoted's speed", "notes found and linked"])


if __name__ == "__main__":
    main()
