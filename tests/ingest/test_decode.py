"""Bytes to text: byte-order marks, a page's declared charset, UTF-16 without a mark, binary data."""

from __future__ import annotations

import codecs

import pytest

from footnoted.errors import IngestError
from footnoted.ingest import parse
from footnoted.ingest.decode import decode
from tests.conftest import DATA

TEXT = "Report\r\n\r\nThe orchard near Herat produced 900 tonnes of walnuts, Отчёт, 地雷 😀.\r\n"
READ = TEXT.replace("\r\n", "\n")


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
    ],
)
def test_a_byte_order_mark_says_how_to_decode(bom: bytes, codec: str) -> None:
    decoded = decode(bom + TEXT.encode(codec), "notes.txt")
    assert (decoded.text, decoded.encoding, decoded.warnings) == (READ, codec, ())


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_mark_is_told_by_its_nul_bytes(codec: str) -> None:
    decoded = decode(TEXT.encode(codec), "notes.txt")
    assert (decoded.text, decoded.encoding) == (READ, codec)
    assert decoded.warnings == (f"no byte-order mark; read as {codec.upper()} by the NUL bytes between its characters",)


def test_notepad_unicode_file_is_read() -> None:
    path = DATA / "encodings" / "notepad-utf16.txt"
    doc = parse(path.read_bytes(), name=path.name)
    assert doc.metadata["encoding"] == "utf-16-le"
    assert doc.title == "UTF16 Report"
    assert doc.warnings == ()
    paragraph = next(b for b in doc.blocks if b.kind == "paragraph")
    assert doc.source[paragraph.start : paragraph.end].startswith("The orchard near Herat produced 900 tonnes")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" * 20, "looks like binary data"),
        (bytes(range(256)) * 8, "looks like binary data"),
        # NULs on one side, but what they decode to is control characters: 16-bit numbers, not text.
        (b"".join(i.to_bytes(2, "little") for i in range(1, 40)) * 10, "looks like binary data"),
        (b"R\x00e\x00p\x00o\x00r\x00t\x00\n\x00x", "looks like binary data"),  # odd length
        (codecs.BOM_UTF16_LE + b"R\x00e\x00\x00\xdc", "starts as UTF-16-LE but is not valid UTF-16-LE"),
        (codecs.BOM_UTF16_LE + " \n ".encode("utf-16-le"), "the file has no text"),
        (codecs.BOM_UTF16_LE + "Report\x00 text".encode("utf-16-le"), "contains NUL characters"),
    ],
)
def test_what_is_not_text_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(IngestError, match=message):
        decode(data, "notes.txt")


def _page(head: str, body: str = "Отчёт о минах") -> str:
    return f"<html><head>{head}<title>t</title></head><body><p>{body}</p></body></html>"


@pytest.mark.parametrize(
    ("head", "codec"),
    [
        ('<meta charset="windows-1251">', "cp1251"),
        ("<meta charset=windows-1251>", "cp1251"),
        ("<META CHARSET='Windows-1251'/>", "cp1251"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">', "cp1251"),
        ('<meta content="text/html;charset=koi8-r" http-equiv="content-type">', "koi8-r"),
    ],
)
def test_a_page_is_decoded_as_its_meta_declares(head: str, codec: str) -> None:
    data = _page(head).encode(codec)
    decoded = decode(data, "page.html", html=True)
    assert (decoded.encoding, decoded.warnings) == (codec, ())
    assert "Отчёт о минах" in decoded.text


def test_an_xhtml_page_is_decoded_as_its_xml_declaration_says() -> None:
    data = ('<?xml version="1.0" encoding="windows-1251"?>\n<html><body><p>Отчёт</p></body></html>').encode("cp1251")
    assert decode(data, "page.xhtml", html=True).text.endswith("<p>Отчёт</p></body></html>")


@pytest.mark.parametrize(
    ("data", "text", "codec", "warnings"),
    [
        # Browsers read Shift_JIS as Windows-31J (cp932), Latin-1 as Windows-1252.
        (_page('<meta charset="shift_jis">', "地雷①").encode("cp932"), "地雷①", "cp932", ()),
        (_page('<meta charset="iso-8859-1">', "“naïve”").encode("cp1252"), "“naïve”", "cp1252", ()),
        # A byte-order mark comes first.
        (codecs.BOM_UTF8 + _page('<meta charset="windows-1251">').encode(), "Отчёт", "utf-8", ()),
        # A page converted to UTF-8 that still declares its old charset is UTF-8.
        (
            _page('<meta charset="windows-1251">').encode(),
            "Отчёт",
            "utf-8",
            ("declares cp1251 but is valid UTF-8; read as UTF-8",),
        ),
        # A declaration the bytes break: UTF-8, then Windows-1252, as for a page declaring nothing.
        (
            _page('<meta charset="shift_jis">', "café €").encode("cp1252"),
            "café €",
            "cp1252",
            ("declares cp932 but is not valid cp932 (byte 73)", "not valid UTF-8; decoded as cp1252"),
        ),
        # Not a charset of the web, an unknown one, one inside a comment or past the first 1024
        # bytes: not followed.
        (_page('<meta charset="utf-7">', "a+-b").encode(), "a+-b", "utf-8", ()),
        (_page('<meta charset="no-such-charset">', "naïve").encode("cp1252"), "naïve", "cp1252", None),
        (_page('<!-- <meta charset="windows-1251"> -->', "naïve").encode("cp1252"), "naïve", "cp1252", None),
        (_page(" " * 1024 + '<meta charset="windows-1251">', "Отчёт").encode("cp1251"), "Îò÷¸ò", "cp1252", None),
    ],
)
def test_declared_charsets(data: bytes, text: str, codec: str, warnings: tuple[str, ...] | None) -> None:
    decoded = decode(data, "page.html", html=True)
    assert text in decoded.text
    assert decoded.encoding == codec
    assert decoded.warnings == (warnings if warnings is not None else ("not valid UTF-8; decoded as cp1252",))


def test_a_text_file_is_not_decoded_by_a_meta_tag_it_quotes() -> None:
    data = _page('<meta charset="windows-1251">', "naïve").encode("cp1252")
    assert decode(data, "notes.txt").encoding == "cp1252"


@pytest.mark.parametrize(
    ("name", "title", "text"),
    [
        ("cyr1251.html", "Отчёт", "В 2004 году на складе в Кандагаре хранилось 4512 противопехотных мин"),
        ("sjis.html", "地雷報告書", "二〇〇四年、カブール州の倉庫には四千五百十二個の対人地雷が保管されていたが"),
    ],
)
def test_pages_in_legacy_charsets(name: str, title: str, text: str) -> None:
    path = DATA / "encodings" / name
    doc = parse(path.read_bytes(), name=name)
    assert doc.title == title
    assert doc.warnings == ()
    assert any(doc.source[b.start : b.end].startswith(text) for b in doc.blocks if b.kind == "paragraph")
