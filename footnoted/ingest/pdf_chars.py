"""A PDF's pages read by PDFium, each laid out into lines and boxes by pdfminer.six.

pdfminer.six interprets a page's content streams in pure Python, and that was most of a PDF's
reading time here. PDFium (through pypdfium2) reads the same characters in C. Each is handed to
pdfminer's layout analysis with the box pdfminer would have given it: from its origin to its
advance across, and from the font's descent below the baseline to one type size above it. So the
characters are grouped into the lines and boxes pdfminer always made (``pdf_layout``), and
``pdf_notes`` reads them as before.

PDFium makes up a space where it sees a gap between words, at the next word's origin: it is left
out, as pdfminer had no character there (its layout puts a space in by the gap). A space the PDF
sets after a gap PDFium gives as a made-up one too, but at its own origin and with no width: it is
given the width a space usually has (a quarter of the type size), as the line it bridges would
otherwise break in two. A hyphen that PDFium takes for one ending a line reads as a hyphen. A soft
hyphen comes out as a hyphen, and a no-break space as a space.

PDFium must not be called from two threads at once, even on two documents: every call here is
made holding one lock, and pdfminer's layout runs outside it.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from ctypes import c_double, c_float, c_int, c_uint, c_void_p
from dataclasses import dataclass
from functools import cache
from typing import Any

from footnoted.errors import IngestError
from footnoted.ingest.pdf_layout import char_type, page_type
from footnoted.ingest.pdf_notes import Line, page_lines

_LOCK = threading.Lock()
_SKIPPED = frozenset((0x0D, 0x0A, 0xFFFE, 0))
"""Characters PDFium makes up (line ends) or cannot name."""
_CHECKED = frozenset((0x20, 0x02)) | _SKIPPED
"""Characters that may be generated rather than set."""
_HYPHEN = 0x02
"""What PDFium gives for a hyphen it takes to end a line."""
_SPACE_WIDTH = 0.25
"""A space's advance, in type sizes, where PDFium gives a set space none."""


@dataclass(frozen=True, slots=True)
class _Calls:
    """PDFium's text functions, typed for plain addresses: called once per character or more."""

    count: Callable[[int], int]
    text: Callable[[int, int, int, int], int]
    unicode: Callable[[int, int], int]
    generated: Callable[[int, int], int]
    loose_box: Callable[[int, int, int], int]
    text_object: Callable[[int, int], int | None]
    font_size: Callable[[int, int], float]
    matrix: Callable[[int, int, int], int]
    origin: Callable[[int, int, int, int], int]
    font: Callable[[int], int | None]
    descent: Callable[[int, float, int], int]


@cache
def _calls() -> _Calls:
    from pypdfium2_raw.bindings import _libs

    lib = ctypes.CDLL(_libs["pdfium"]._name)

    def typed(name: str, result: Any, *args: Any) -> Any:
        function = getattr(lib, name)
        function.restype, function.argtypes = result, args
        return function

    pointer = c_void_p
    return _Calls(
        count=typed("FPDFText_CountChars", c_int, pointer),
        text=typed("FPDFText_GetText", c_int, pointer, c_int, c_int, pointer),
        unicode=typed("FPDFText_GetUnicode", c_uint, pointer, c_int),
        generated=typed("FPDFText_IsGenerated", c_int, pointer, c_int),
        loose_box=typed("FPDFText_GetLooseCharBox", c_int, pointer, c_int, pointer),
        text_object=typed("FPDFText_GetTextObject", pointer, pointer, c_int),
        font_size=typed("FPDFText_GetFontSize", c_double, pointer, c_int),
        matrix=typed("FPDFText_GetMatrix", c_int, pointer, c_int, pointer),
        origin=typed("FPDFText_GetCharOrigin", c_int, pointer, c_int, pointer, pointer),
        font=typed("FPDFTextObj_GetFont", pointer, pointer),
        descent=typed("FPDFFont_GetDescent", c_int, pointer, c_float, pointer),
    )


def _open(data: bytes, name: str) -> Any:
    import pypdfium2 as pdfium

    with _LOCK:
        try:
            return pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            if exc.err_code in (4, 6):  # FPDF_ERR_PASSWORD, FPDF_ERR_SECURITY
                raise IngestError(f"{name}: the PDF is encrypted and cannot be read without its password") from None
            raise IngestError(f"{name}: cannot read the PDF, it may be damaged ({exc})") from None


@contextmanager
def _document(data: bytes, name: str) -> Iterator[Any]:
    """The PDF opened by PDFium, closed after; every call into it is made holding ``_LOCK``."""
    document = _open(data, name)
    try:
        yield document
    finally:
        with _LOCK:
            document.close()


def information(data: bytes, name: str) -> tuple[dict[str, str], int]:
    """The PDF's information dictionary (name to text, empty ones left out) and its page count.

    Raises:
        IngestError: the file is damaged or encrypted.
    """
    with _document(data, name) as document, _LOCK:
        return document.get_metadata_dict(skip_empty=True), len(document)


def pages(data: bytes, numbers: Sequence[int] | None, name: str = "PDF") -> list[list[Line] | None]:
    """The lines of the pages ``numbers`` (from 0; all when None), in order; None for a page that
    cannot be loaded (its object damaged), the others read all the same.

    Raises:
        IngestError: the file is damaged or encrypted.
    """
    import pypdfium2 as pdfium
    from pdfminer.layout import LAParams

    laparams = LAParams()
    out: list[list[Line] | None] = []
    with _document(data, name) as document:
        with _LOCK:
            wanted = range(len(document)) if numbers is None else numbers
        for number in wanted:
            try:
                with _LOCK:
                    page = _page(document, number)
            except pdfium.PdfiumError:
                out.append(None)
                continue
            page.analyze(laparams)
            out.append(page_lines(page))
    return out


def _page(document: Any, number: int) -> Any:
    """A pdfminer ``LTPage`` holding the page's characters, as pdfminer would have placed them."""
    page = document[number]
    try:
        x0, y0, x1, y1 = page.get_mediabox()
        rotation = page.get_rotation()
        # pdfminer's own turn of the page into the space it lays out in (PDFPageInterpreter).
        if rotation == 90:
            ctm = (0.0, -1.0, 1.0, 0.0, -y0, x1)
        elif rotation == 180:
            ctm = (-1.0, 0.0, 0.0, -1.0, x1, y1)
        elif rotation == 270:
            ctm = (0.0, 1.0, -1.0, 0.0, y1, -x0)
        else:
            ctm = (1.0, 0.0, 0.0, 1.0, -x0, -y0)
        width, height = abs(x1 - x0), abs(y1 - y0)
        if rotation in (90, 270):
            width, height = height, width
        laid = page_type()(number + 1, (0.0, 0.0, width, height))
        text = page.get_textpage()
        try:
            _characters(ctypes.cast(text.raw, c_void_p).value or 0, ctm, laid.add)
        finally:
            text.close()
    finally:
        page.close()
    return laid


def _characters(text: int, ctm: tuple[float, ...], add: Callable[[Any], None]) -> None:
    """Each character set on the page, as pdfminer's ``LTChar``: what it reads, its box, its type
    size; the box turned by ``ctm`` into the space pdfminer lays the page out in.

    The box is pdfminer's: across from the origin by the advance, and up from the font's descent
    below the baseline by one type size, in the text's own direction (turned text too)."""
    calls = _calls()
    char = char_type()
    count = calls.count(text)
    codes = _codes(calls, text, count)
    straight = ctm == (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    ta, tb, tc, td, te, tf = ctm
    box = (c_float * 4)()  # left, top, right, bottom
    matrix = (c_float * 6)()
    x, y, found = c_double(), c_double(), c_float()
    at_box, at_matrix, at_x, at_y, at_found = map(ctypes.addressof, (box, matrix, x, y, found))
    descents: dict[int, float | None] = {}
    last: int | None = -1
    a = b = c = d = 1.0
    em = size = 0.0
    descent: float | None = None
    baseline: float | None = None
    for i in range(count):
        code = codes[i]
        space = False
        if code in _CHECKED and calls.generated(text, i):
            if code != 0x20 or not calls.text_object(text, i) or _at_next(calls, text, i, count, at_x, at_y):
                continue  # made up by PDFium: a line's end, or a space where it saw a gap
            space = True  # a space set in the PDF
        elif code in _SKIPPED or 0xFE00 <= code <= 0xFE0F:
            continue  # nothing to read (a variation selector asks for a glyph's style)
        if not calls.loose_box(text, i, at_box):
            continue
        obj = calls.text_object(text, i)
        if obj != last:  # a text object's characters share a font, a matrix and a baseline
            last = obj
            calls.matrix(text, i, at_matrix)
            a, b, c, d = matrix[0], matrix[1], matrix[2], matrix[3]
            em = calls.font_size(text, i)  # in the text's space; the matrix takes it to the page
            # The type size is the height the matrix gives an em, as pdfminer measures it: text
            # stretched across (Tz, as OCR layers set each word to its width) is no larger.
            size = em * (c * c + d * d) ** 0.5
            font = calls.font(obj) if obj else None
            if font and font not in descents:
                descents[font] = found.value / 1000 if calls.descent(font, 1000.0, at_found) else None
            descent = descents[font] if font else None
            baseline = None
            if descent is not None and a > 0 and d > 0 and b == 0 and c == 0:
                calls.origin(text, i, at_x, at_y)
                baseline = y.value
        if descent is None:  # no font to ask: PDFium's own box
            left, bottom, right, top = box[0], box[3], box[2], box[1]
            if space:
                right = left + _SPACE_WIDTH * size
        elif baseline is not None:  # upright (nearly all text)
            left, right = box[0], (box[0] + _SPACE_WIDTH * size) if space else box[2]
            bottom = baseline + descent * size
            top = bottom + size
        else:  # turned or flipped: the box's corners from the origin, along the text's matrix
            calls.origin(text, i, at_x, at_y)
            if space:
                advance = _SPACE_WIDTH * em
            elif abs(a) >= abs(b):
                advance = (box[2] - box[0]) / abs(a)
            else:
                advance = (box[1] - box[3]) / abs(b)
            low, high = descent * em, (descent + 1) * em
            xs = [x.value + a * across + c * up for across in (0.0, advance) for up in (low, high)]
            ys = [y.value + b * across + d * up for across in (0.0, advance) for up in (low, high)]
            left, bottom, right, top = min(xs), min(ys), max(xs), max(ys)
        glyph = chr(code) if 0x20 <= code < 0xD800 else _glyph(code)
        if not straight:
            x0, y0 = ta * left + tc * bottom + te, tb * left + td * bottom + tf
            x1, y1 = ta * right + tc * top + te, tb * right + td * top + tf
            left, bottom, right, top = min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)
        add(char(glyph, left, bottom, right, top, size))


def _codes(calls: _Calls, text: int, count: int) -> list[int]:
    """What each character reads (its code point), the page's text taken in one call."""
    buffer = (ctypes.c_ushort * (count + 1))()
    written = calls.text(text, 0, count, ctypes.addressof(buffer))
    units = bytes(buffer)[: max(written - 1, 0) * 2].decode("utf-16-le", "surrogatepass")
    if len(units) != count:  # a character beyond 16 bits takes two: ask one by one
        return [calls.unicode(text, i) for i in range(count)]
    # Where the text has U+FFFE, PDFium's character says what it is (a hyphen ending a line).
    return [calls.unicode(text, i) if unit == "\ufffe" else ord(unit) for i, unit in enumerate(units)]


def _at_next(calls: _Calls, text: int, i: int, count: int, at_x: int, at_y: int) -> bool:
    """Whether PDFium put the space at ``i`` where the next character starts: one it made up for
    a gap (as between the words of a TeX document, which sets no spaces), not one set there."""
    if i + 1 >= count:
        return True
    x, y = ctypes.c_double.from_address(at_x), ctypes.c_double.from_address(at_y)
    calls.origin(text, i, at_x, at_y)
    here = x.value, y.value
    calls.origin(text, i + 1, at_x, at_y)
    return abs(here[0] - x.value) + abs(here[1] - y.value) < 0.01


def _glyph(code: int) -> str:
    if code == _HYPHEN:
        return "-"
    if code < 0x20 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        return " " if code == 0x09 else "\ufffd"
    return chr(code)
