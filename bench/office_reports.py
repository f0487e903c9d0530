"""Reports written in a word processor: is every note read whole, and linked to its marker?

    .venv/bin/python bench/office_reports.py [--chapters 6] [--seed 30] [--out DIR]

The reports of ``bench/reports.py`` are written as OpenDocument text with real notes and handed
to LibreOffice (``soffice --headless``, Debian's ``libreoffice-writer-nogui``, installed with apt
when missing), which saves each as a PDF, a Word file and an OpenDocument file, as a user who
writes a report in a word processor would. Layouts: one column (US letter, serif), two columns,
A5 in small type, notes numbered afresh in each chapter, notes with web addresses in a sans-serif
face, A4 in large type, notes not indented past their labels, and endnotes (numbered 1, 2, 3 and
i, ii, iii). Every note the report holds is looked for in what footnoted
read from each file: its text and its one marker, which must close the sentence the note was
written on. ``--out`` keeps the sources and the files LibreOffice wrote.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import header, table
from bench.reports import (
    AUTHOR,
    COLUMNS,
    COUNTS,
    SUBTITLE,
    TITLE,
    Layout,
    Report,
    arguments,
    check,
    file_stem,
    lorem,
    report,
    summary,
)

PAPER = {"us-letter": ("21.59cm", "27.94cm"), "a4": ("21cm", "29.7cm"), "a5": ("14.8cm", "21cm")}
LAYOUTS = {
    "one column": Layout(),
    "two columns": Layout(columns=2, size=10),
    "A5, small type": Layout(paper="a5", size=9),
    "numbered per chapter": Layout(restart=True),
    "web addresses, sans": Layout(urls=True, font="Liberation Sans"),
    "A4, large type": Layout(paper="a4", size=12),
    "endnotes": Layout(endnotes=True),
    "endnotes numbered i, ii, iii": Layout(endnotes=True, numerals="i"),
    "notes not indented": Layout(hanging=False),
    "two columns, endnotes": Layout(columns=2, size=10, endnotes=True),
}
FORMATS = ("pdf", "docx", "odt", "rtf")
_NS = " ".join(
    f'xmlns:{k}="urn:oasis:names:tc:opendocument:xmlns:{v}"'
    for k, v in {
        "office": "office:1.0",
        "style": "style:1.0",
        "text": "text:1.0",
        "fo": "xsl-fo-compatible:1.0",
        "svg": "svg-compatible:1.0",
    }.items()
)


def source(doc: Report, layout: Layout) -> str:
    """The report as a flat OpenDocument text (``.fodt``): chapters are outline-level-1 headings, a
    running head and page numbers on every page after the first."""
    columns, size, font, numerals = layout.columns, layout.size, layout.font, layout.numerals
    width, height = PAPER[layout.paper]
    kind = "endnote" if layout.endnotes else "footnote"
    number = 0
    body = [f'<text:p text:style-name="Title">{escape(TITLE)}: {escape(SUBTITLE)}</text:p>']
    for title, paragraphs in doc.chapters:
        body.append(f'<text:h text:style-name="Heading_20_1" text:outline-level="1">{escape(title)}</text:h>')
        for paragraph in paragraphs:
            parts = []
            for claim, note in paragraph.sentences:
                parts.append(f"{escape(claim)}.")
                if note is not None:
                    number += 1
                    parts[-1] += (
                        f'<text:note text:id="n{number}" text:note-class="{kind}">'
                        f"<text:note-citation>{number}</text:note-citation>"
                        f'<text:note-body><text:p text:style-name="{kind.title()}">{escape(note)}</text:p></text:note-body>'
                        "</text:note>"
                    )
            parts.append(lorem(paragraph.filler))
            body.append(f'<text:p text:style-name="Text_20_body">{" ".join(parts)}</text:p>')
    numbering = "chapter" if layout.restart else "document"
    indent = '<style:paragraph-properties fo:margin-left="0.4cm" fo:text-indent="-0.4cm"/>' if layout.hanging else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document {_NS} office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:meta><meta:title xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0">{escape(TITLE)}</meta:title></office:meta>
<office:font-face-decls><style:font-face style:name="{font}" svg:font-family="'{font}'"/></office:font-face-decls>
<office:styles>
<style:default-style style:family="paragraph"><style:text-properties style:font-name="{font}" fo:font-size="{size}pt"/></style:default-style>
<style:style style:name="Standard" style:family="paragraph"/>
<style:style style:name="Text_20_body" style:display-name="Text body" style:family="paragraph" style:parent-style-name="Standard">
<style:paragraph-properties fo:text-align="justify" fo:margin-bottom="0.2cm"/></style:style>
<style:style style:name="Title" style:family="paragraph" style:parent-style-name="Standard">
<style:paragraph-properties fo:text-align="center" fo:margin-bottom="0.4cm"/><style:text-properties fo:font-size="{size + 7}pt" fo:font-weight="bold"/></style:style>
<style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph" style:parent-style-name="Standard" style:default-outline-level="1">
<style:paragraph-properties fo:margin-top="0.4cm" fo:margin-bottom="0.2cm"/><style:text-properties fo:font-size="{size + 3}pt" fo:font-weight="bold"/></style:style>
<style:style style:name="Footnote" style:family="paragraph" style:parent-style-name="Standard">
{indent}<style:text-properties fo:font-size="{size - 2}pt"/></style:style>
<style:style style:name="Endnote" style:family="paragraph" style:parent-style-name="Standard">
{indent}<style:text-properties fo:font-size="{size - 2}pt"/></style:style>
<style:style style:name="Header" style:family="paragraph" style:parent-style-name="Standard">
<style:paragraph-properties><style:tab-stops><style:tab-stop style:position="17cm" style:type="right"/></style:tab-stops></style:paragraph-properties>
<style:text-properties fo:font-size="8pt"/></style:style>
<style:style style:name="Footer" style:family="paragraph" style:parent-style-name="Standard">
<style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-size="8pt"/></style:style>
<text:notes-configuration text:note-class="footnote" style:num-format="1" text:start-value="0" text:footnotes-position="page" text:start-numbering-at="{numbering}"/>
<text:notes-configuration text:note-class="endnote" style:num-format="{numerals}" text:start-value="0"/>
</office:styles>
<office:automatic-styles>
<style:page-layout style:name="page"><style:page-layout-properties fo:page-width="{width}" fo:page-height="{height}" fo:margin-top="2cm" fo:margin-bottom="2cm" fo:margin-left="2.2cm" fo:margin-right="2.2cm">
<style:columns fo:column-count="{columns}" fo:column-gap="0.6cm"/>
<style:footnote-sep style:width="0.018cm" style:distance-before-sep="0.1cm" style:distance-after-sep="0.1cm" style:rel-width="25%" style:adjustment="left"/>
</style:page-layout-properties>
<style:header-style><style:header-footer-properties fo:margin-bottom="0.3cm"/></style:header-style>
<style:footer-style><style:header-footer-properties fo:margin-top="0.3cm"/></style:footer-style></style:page-layout>
</office:automatic-styles>
<office:master-styles>
<style:master-page style:name="Standard" style:page-layout-name="page">
<style:header><text:p text:style-name="Header">{escape(AUTHOR)}<text:tab/>{escape(TITLE)}</text:p></style:header>
<style:header-first><text:p text:style-name="Header"/></style:header-first>
<style:footer><text:p text:style-name="Footer"><text:page-number text:select-page="current"/></text:p></style:footer>
</style:master-page>
</office:master-styles>
<office:body><office:text>
{chr(10).join(body)}
</office:text></office:body></office:document>
"""


def soffice() -> str:
    found = shutil.which("soffice")
    if found is None:
        print("# installing libreoffice-writer-nogui with apt ...", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "libreoffice-writer-nogui"], check=True, capture_output=True)
        found = shutil.which("soffice")
    assert found is not None
    return found


def convert(sources: list[Path], fmt: str, out: Path) -> None:
    """Every source saved by LibreOffice as ``fmt``, in one run, with a profile of its own."""
    profile = (out / ".profile").resolve()  # named by a file:// URL, which must be absolute
    subprocess.run(
        [soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt, "--outdir", str(out)]
        + [str(s) for s in sources],
        check=True,
        capture_output=True,
        timeout=600,
    )


def main() -> None:
    args = arguments()
    from footnoted.ingest import load

    header(
        "word-processor reports",
        "LibreOffice saves each report as PDF, Word, OpenDocument and RTF; each note's text and marker checked against the report",
    )
    out = args.out or Path(tempfile.mkdtemp())
    out.mkdir(parents=True, exist_ok=True)
    reports = {}
    for k, (name, layout) in enumerate(LAYOUTS.items()):
        doc = report(args.seed + k, args.chapters, urls=layout.urls)
        (out / f"{file_stem(name)}.fodt").write_text(source(doc, layout))
        reports[name] = doc
    for fmt in FORMATS:
        convert([out / f"{file_stem(name)}.fodt" for name in reports], fmt, out)
    rows, totals = [], {f: [0] * len(COUNTS) for f in FORMATS}
    for name, doc in reports.items():
        for fmt in FORMATS:
            started = time.perf_counter()
            read = load(out / f"{file_stem(name)}.{fmt}")
            seconds = time.perf_counter() - started
            found = check(read, doc.notes())
            rows.append([name, fmt, read.metadata.get("pages", ""), *(found[c] for c in COUNTS), seconds])
            totals[fmt] = [t + found[c] for t, c in zip(totals[fmt], COUNTS, strict=True)]
    table(rows, ["layout", "file", "pages", *COLUMNS])
    for fmt, counts in totals.items():
        print(summary(fmt, counts))
    if args.out:
        print(f"sources and files in {out}")
    else:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
