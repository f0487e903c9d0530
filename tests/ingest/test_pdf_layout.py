"""pdfminer's layout made faster (``pdf_layout``): the lines pdfminer's own grouping makes, and a
page of a great many boxes read row by row."""

from __future__ import annotations

from pathlib import Path

import pytest

from footnoted.ingest import pdf_chars, pdf_layout
from tests.ingest.test_pdf_chars import FILES, _pdf, _pdfminer_pages


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_characters_are_grouped_into_the_lines_pdfminer_groups_them_into(path: Path) -> None:
    from pdfminer.layout import LAParams, LTLayoutContainer

    laparams = LAParams()
    data = path.read_bytes()
    with pdf_chars._document(data, path.name) as document:
        with pdf_chars._LOCK:
            count = len(document)
        for number in range(count):
            with pdf_chars._LOCK:
                page = pdf_chars._page(document, number)
            chars = list(page)
            ours = [(line.get_text(), line.bbox, line._x1) for line in page.group_objects(laparams, chars)]
            theirs = LTLayoutContainer.group_objects(page, laparams, chars)
            assert ours == [(line.get_text(), line.bbox, line._x1) for line in theirs], number
            assert ours  # every page of these sets text


def test_a_page_of_more_boxes_than_pdfminer_groups_reads_row_by_row(monkeypatch: pytest.MonkeyPatch) -> None:
    # pdfminer's grouping of boxes costs the square of their number and more: a table's page of
    # hundreds of cells is read top down and left to right instead, every cell once.
    cells = [[f"{row}.{column}" for column in range(6)] for row in range(12)]
    content = b"BT /F1 7 Tf\n" + b"\n".join(
        b"1 0 0 1 %d %d Tm (%s) Tj" % (40 + 80 * column, 700 - 14 * row, cell.encode())
        for row, line in enumerate(cells)
        for column, cell in enumerate(line)
    )
    data = _pdf(content + b"\nET")
    monkeypatch.setattr(pdf_layout, "GROUPED_BOXES", 50)  # 72 cells, each a box of its own
    [lines] = pdf_chars.pages(data, None)
    assert [line.text for line in lines] == [f"{cell}\n" for row in cells for cell in row]
    monkeypatch.setattr(pdf_layout, "GROUPED_BOXES", 100)  # pdfminer's grouping, as ever
    [grouped] = pdf_chars.pages(data, None)
    assert sorted(line.text for line in grouped) == sorted(line.text for line in lines)
    assert [[line.text for line in page] for page in _pdfminer_pages(data, None)] == [[line.text for line in grouped]]


def _text_of(group: object) -> str:
    from pdfminer.layout import LTTextBox

    if isinstance(group, LTTextBox):
        return str(group.index)
    return "(" + " ".join(_text_of(g) for g in group) + ")"  # type: ignore[attr-defined]


def test_boxes_equally_close_are_grouped_the_same_whatever_their_addresses(monkeypatch: pytest.MonkeyPatch) -> None:
    # A grid of equally spaced boxes (a font table, a table of figures): every pair of neighbours
    # ties. pdfminer breaks ties by id(), the objects' addresses, so such pages read in another
    # order from one run to the next (15 of the 250 PDFs on this machine did); here they are
    # grouped in the order the boxes came, whatever the addresses.
    import pdfminer.layout
    from pdfminer.layout import LAParams, LTTextBoxHorizontal

    def grid() -> list[LTTextBoxHorizontal]:
        boxes = []
        for n, (x, y) in enumerate((x, y) for y in (300, 200, 100) for x in (0, 100, 200)):
            box = LTTextBoxHorizontal()
            box.set_bbox((x, y, x + 50, y + 20))
            box.index = n
            boxes.append(box)
        return boxes

    page = pdf_layout.page_type()(1, (0, 0, 400, 400))
    as_is = _text_of(page.group_textboxes(LAParams(), grid())[0])
    monkeypatch.setattr(pdfminer.layout, "id", lambda obj: -object.__hash__(obj), raising=False)  # addresses reversed
    assert _text_of(page.group_textboxes(LAParams(), grid())[0]) == as_is
