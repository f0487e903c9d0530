"""A PDF's characters read by PDFium and laid out by pdfminer: the reading pdfminer alone gave.

Beside each reading here is the one pdfminer.six gives when it interprets the PDF itself
(``extract_pages``, as footnoted read PDFs before), through the same ``page_lines``.
``encrypted.pdf`` is ``libreoffice-endnotes.pdf`` encrypted with the user password "secret"
(pypdf 7.1, RC4-128).
"""

from __future__ import annotations

import ctypes
import dataclasses
import io
import threading
from collections.abc import Sequence
from pathlib import Path

import pytest

from footnoted.errors import IngestError
from footnoted.ingest import load, parse, pdf, pdf_chars
from footnoted.ingest.pdf_notes import Line, page_lines
from tests.conftest import DATA

# Typst (one and two columns, a note over a page), LibreOffice (its type scaled by the page's
# matrix, two columns, endnotes) and WeasyPrint.
FILES = [
    DATA / "pdf" / "report.pdf",
    DATA / "pdf" / "note-over-a-page.pdf",
    DATA / "pdf" / "typeset" / "two-columns.pdf",
    DATA / "pdf" / "office" / "two-columns.pdf",
    DATA / "pdf" / "office" / "endnotes-roman.pdf",
    DATA / "pdf" / "endnotes.pdf",
    DATA / "pdf" / "weasyprint.pdf",
]


def _pdfminer_pages(data: bytes, numbers: Sequence[int] | None) -> list[list[Line]]:
    from pdfminer.high_level import extract_pages

    return [page_lines(page) for page in extract_pages(io.BytesIO(data), page_numbers=numbers)]


def _reading(path: Path) -> tuple[object, ...]:
    doc = load(path)
    return doc.source, doc.blocks, doc.footnotes, doc.title, dict(doc.metadata), doc.warnings


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_pdf_reads_as_pdfminer_alone_read_it(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ours = _reading(path)
    monkeypatch.setattr(pdf, "_pages", _pdfminer_pages)
    assert ours == _reading(path)


def _turned(path: Path, rotation: int) -> bytes:
    """The PDF with every page's content turned against ``rotation``, which the page's /Rotate
    turns upright again: how a landscape page is often set in a portrait document."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(path.read_bytes())
    for page in document:
        left, bottom, right, top = page.get_mediabox()
        width, height = right - left, top - bottom
        turn = {90: (0, 1, -1, 0, height, 0), 180: (-1, 0, 0, -1, width, height), 270: (0, -1, 1, 0, 0, width)}
        for obj in list(page.get_objects(max_depth=1)):
            obj.transform(pdfium.PdfMatrix(*turn[rotation]))
        if rotation != 180:
            page.set_mediabox(0, 0, height, width)
        page.set_rotation(rotation)
        page.gen_content()
    buffer = io.BytesIO()
    document.save(buffer)
    document.close()
    return buffer.getvalue()


@pytest.mark.parametrize("rotation", [90, 180, 270])
@pytest.mark.parametrize("name", ["report.pdf", "endnotes.pdf"])
def test_a_turned_page_reads_as_pdfminer_alone_read_it(
    name: str, rotation: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _turned(DATA / "pdf" / name, rotation)
    ours = parse(data, name=name)
    assert "Lower Basin" in ours.source and len(ours.footnotes) == 13
    monkeypatch.setattr(pdf, "_pages", _pdfminer_pages)
    theirs = parse(data, name=name)
    assert (ours.source, ours.footnotes) == (theirs.source, theirs.footnotes)


def test_pdfs_read_in_several_threads_at_once_read_as_one_by_one() -> None:
    # PDFium must never be called from two threads at once: pdf_chars holds one lock for it.
    paths = FILES[:4] * 2
    alone = [load(p).source for p in paths]
    read: dict[int, str] = {}
    failed: list[BaseException] = []

    def reader(i: int) -> None:
        try:
            with pdf.in_one_process():
                read[i] = load(paths[i]).source
        except BaseException as exc:
            failed.append(exc)

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(len(paths))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failed
    assert [read[i] for i in range(len(paths))] == alone


def test_an_encrypted_pdf_is_refused_with_a_reason() -> None:
    with pytest.raises(
        IngestError, match=r"encrypted\.pdf: the PDF is encrypted and cannot be read without its password"
    ):
        load(DATA / "pdf" / "encrypted.pdf")


def test_the_information_dictionary_gives_title_and_page_count() -> None:
    info, pages = pdf_chars.information((DATA / "pdf" / "weasyprint.pdf").read_bytes(), "weasyprint.pdf")
    assert pages == len(pdf_chars.pages((DATA / "pdf" / "weasyprint.pdf").read_bytes(), None))
    assert all(isinstance(v, str) and v for v in info.values())


def test_characters_pdfium_cannot_name_or_makes_up_are_not_read() -> None:
    # Line ends PDFium makes up are left to pdfminer's layout; a hyphen PDFium takes for a line's
    # end reads as a hyphen; a variation selector after a glyph is nothing to read.
    assert pdf_chars._glyph(0x02) == "-"
    assert pdf_chars._glyph(0xD800) == "\ufffd"
    assert pdf_chars._glyph(0x41) == "A"
    text = load(DATA / "printed" / "pandoc.pdf").source
    assert "↩" in text and "\ufe0e" not in text


def _pdf(content: bytes, form: bytes = b"") -> bytes:
    """A one-page PDF setting ``content`` in Helvetica (/F1), with ``form`` as the Form XObject /X1."""
    resources = b"/Font << /F1 5 0 R >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << %s /XObject << /X1 6 0 R >> >> >>" % resources,
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << %s >> /Length %d >>"
        b"\nstream\n%s\nendstream" % (resources, len(form), form),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_a_space_pdfium_makes_up_for_a_gap_is_left_to_the_layout() -> None:
    # TeX sets no spaces: a word gap is a shift inside one string. PDFium reports a space there,
    # at the next word's origin; pdfminer had no character there, and neither has this reading.
    data = _pdf(b"BT /F1 12 Tf 72 720 Td [(Gauge) -600 (records) -600 (vary.)] TJ ET")
    with pdf_chars._document(data, "gap.pdf") as document, pdf_chars._LOCK:
        page = pdf_chars._page(document, 0)
    assert "".join(c.get_text() for c in page) == "Gaugerecordsvary."
    assert [[line.text for line in p] for p in pdf_chars.pages(data, None)] == [["Gauge records vary.\n"]]
    assert [[line.text for line in p] for p in _pdfminer_pages(data, None)] == [["Gauge records vary.\n"]]
    # A space the PDF sets is read as one.
    data = _pdf(b"BT /F1 12 Tf 72 720 Td (Gauge records vary.) Tj ET")
    with pdf_chars._document(data, "set.pdf") as document, pdf_chars._LOCK:
        page = pdf_chars._page(document, 0)
    assert "".join(c.get_text() for c in page) == "Gauge records vary."


@pytest.mark.parametrize(
    "content",
    [
        b"BT 3 Tr /F1 12 Tf 150 Tz 72 720 Td (Gauge records vary.) Tj ET",  # an OCR layer: unseen, stretched
        b"BT 3 Tr /F1 12 Tf 50 Tz 72 720 Td (Gauge) Tj 60 0 Td (records) Tj 60 0 Td (vary.) Tj ET",
        b"q 0.5 0 0 0.5 0 0 cm BT /F1 24 Tf 144 1440 Td (Gauge records vary.) Tj ET Q",  # scaled by the page
        b"BT /F1 12 Tf 72 720 Td (Gauge records vary.) Tj 7 Ts /F1 7 Tf (12) Tj 0 Ts /F1 12 Tf ( Next.) Tj ET",
        b"BT /F1 12 Tf 2 Tc 6 Tw 14 TL 72 720 Td (Gauge records vary.) Tj T* (A second line.) Tj ET",
    ],
    ids=["stretched", "narrowed", "scaled", "raised", "spaced"],
)
def test_text_state_gives_the_lines_and_sizes_pdfminer_gave(content: bytes) -> None:
    data = _pdf(content)
    ours = [[(line.text, line.size) for line in page] for page in pdf_chars.pages(data, None)]
    assert ours == [[(line.text, line.size) for line in page] for page in _pdfminer_pages(data, None)]


def test_the_text_of_a_form_is_laid_out_as_the_page_is() -> None:
    # pdfminer left a form's characters unlaid (its lines run together); PDFium reads them with
    # the page's, so they are laid out alike.
    data = _pdf(
        b"BT /F1 12 Tf 72 720 Td (Text on the page.) Tj ET q 1 0 0 1 0 -100 cm /X1 Do Q",
        form=b"BT /F1 12 Tf 14 TL 72 700 Td (Text of a form, first line.) Tj T* (And its second line.) Tj ET",
    )
    assert [[line.text for line in page] for page in _pdfminer_pages(data, None)] == [
        ["Text on the page.\n", "Text of a form, first line.And its second line."]
    ]
    assert [[line.text for line in page] for page in pdf_chars.pages(data, None)] == [
        ["Text on the page.\n", "Text of a form, first line.\n", "And its second line.\n"]
    ]


def test_a_page_that_cannot_be_loaded_is_left_out_with_a_warning_and_the_rest_read() -> None:
    data = (DATA / "pdf" / "report.pdf").read_bytes()
    whole = parse(data, name="report.pdf")
    second = data.index(b"/Type/Page", data.index(b"207 0 obj\n<<"))  # the second page's object
    damaged = data[:second] + b"/Type/Pagx" + data[second + len(b"/Type/Page") :]
    doc = parse(damaged, name="report.pdf")
    assert doc.warnings == ("page 2 could not be read (damaged); the rest was",)
    pages = doc.source.split("\f")
    assert pages[0] == whole.source.split("\f")[0] and pages[1] == "" and len(pages) == 4
    assert 0 < len(doc.footnotes) < len(whole.footnotes)
    assert all(doc.source[n.start : n.end] == n.text for n in doc.footnotes)
    # A PDF none of whose pages can be loaded is refused.
    alone = _pdf(b"BT /F1 12 Tf 72 720 Td (Gauge records vary.) Tj ET").replace(b"/Type /Page ", b"/Type /Pagx ")
    with pytest.raises(IngestError, match=r"none of its pages can be loaded"):
        parse(alone, name="gauges.pdf")


def test_the_page_text_in_one_call_gives_each_characters_code() -> None:
    # Taken in one call, the text has a code point a character. Where PDFium keeps a character
    # beyond 16 bits as two (its surrogates), the text reads one fewer: then each is asked for.
    # U+FFFE in the text is the line-ending hyphen PDFium names 0x02 when asked.
    def calls(text: str, codes: list[int]) -> pdf_chars._Calls:
        def write(_page: int, _start: int, _count: int, address: int) -> int:
            data = (text + "\0").encode("utf-16-le", "surrogatepass")
            ctypes.memmove(address, data, len(data))
            return len(data) // 2

        return dataclasses.replace(pdf_chars._calls(), text=write, unicode=lambda _page, i: codes[i])

    assert pdf_chars._codes(calls("ab\ufffec", [97, 98, 2, 99]), 0, 4) == [97, 98, 2, 99]
    assert pdf_chars._codes(calls("a\U0001d11eb", [97, 0x1D11E, 98]), 0, 3) == [97, 0x1D11E, 98]
    halves = [97, 0xD834, 0xDD1E, 98]  # a musical G clef as two characters
    assert pdf_chars._codes(calls("a\U0001d11eb", halves), 0, 4) == halves
