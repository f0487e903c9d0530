"""Bytes to text: refuse what is not text, say which decoding was used.

The order is a browser's: a byte-order mark (UTF-8, UTF-16, UTF-32); for a page, the charset its
``<meta>`` declares in its first 1024 bytes (or its XML declaration); then UTF-8; then
Windows-1252. UTF-16 saved without a byte-order mark is told apart from binary data by the NUL
bytes that fill every other byte of its Latin text.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

from footnoted.errors import IngestError

# Control characters that never appear in real text files (tab, newline, CR and form feed do).
_BINARY_BYTES = frozenset(range(0, 9)) | {11, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31}
_SNIFF = 8192
_BINARY_DELETE = bytes(sorted(_BINARY_BYTES))
_WHITESPACE = frozenset("\t\n\r\f")
# UTF-32 LE before UTF-16 LE: its mark begins with UTF-16 LE's.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_PRESCAN = 1024
"""How far into a page a browser looks for its ``<meta>`` charset."""
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_META = re.compile(r"<meta[\s/]([^>]*)", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*)))?""")
_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([^\s"';]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"""<\?xml[^>]*?\sencoding\s*=\s*["']([^"']+)["']""")
# What browsers read a declared label as (the WHATWG Encoding Standard), where Python's codec of
# that name differs: Latin-1 and ASCII are Windows-1252, Shift_JIS is Microsoft's, and so on.
_AS_BROWSERS_READ = {
    "ascii": "cp1252",
    "latin-1": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "shift_jis": "cp932",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc_kr": "cp949",
    "big5": "big5hkscs",
    # A page that could be read as ASCII to find its <meta> is not UTF-16 or UTF-32.
    "utf-16": "utf-8",
    "utf-16-le": "utf-8",
    "utf-16-be": "utf-8",
    "utf-32": "utf-8",
    "utf-32-le": "utf-8",
    "utf-32-be": "utf-8",
}
_LABELS = {"x-sjis": "cp932", "windows-31j": "cp932", "ms_kanji": "cp932", "x-gbk": "gb18030", "tis-620": "cp874"}
# The codecs a declared charset may name: text encodings of the web, not UTF-7, EBCDIC or base64.
_DECLARABLE = frozenset(
    {"utf-8", "cp866", "cp874", "koi8-r", "koi8-u", "mac-roman", "mac-cyrillic", "euc_jp", "iso2022_jp", "gb18030"}
    | {f"cp{n}" for n in range(1250, 1259)}
    | {f"iso8859-{n}" for n in (2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16)}
    | {"cp932", "cp949", "big5hkscs"}
)


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    """Python's name of the codec used: ``utf-8``, ``cp1252``, ``utf-16-le``, ``cp1251``, ..."""
    warnings: tuple[str, ...] = ()


def decode(data: bytes, name: str, *, html: bool = False) -> Decoded:
    """Decode a file's bytes: by its byte-order mark, by its declared charset (``html``), as UTF-8,
    falling back to Windows-1252; UTF-16 without a mark is recognised; binary data is refused.

    Newlines are normalised to ``\\n``; offsets point into the normalised text.

    Raises:
        IngestError: the data is empty, binary, or decodes to no text.
    """
    if not data.strip():
        raise IngestError(f"{name}: the file is empty")
    for mark, codec in _BOMS:
        if data.startswith(mark):
            return _checked(_strict(data[len(mark) :], codec, name), codec, name)
    head = data[:_SNIFF]
    if b"\x00" in head:
        wide = _utf16_without_bom(data)
        if wide is None:
            raise _binary(name)
        codec, wide_text = wide
        note = f"no byte-order mark; read as {codec.upper()} by the NUL bytes between its characters"
        return _checked(wide_text, codec, name, (note,))
    declared = _declared(data[:_PRESCAN]) if html else None
    # ISO-2022-JP switches its character sets with escapes.
    control = _BINARY_DELETE.replace(b"\x1b", b"") if declared == "iso2022_jp" else _BINARY_DELETE
    if len(head) - len(head.translate(None, control)) > len(head) * 0.01:
        raise _binary(name)
    warnings: list[str] = []
    if declared is not None and declared != "utf-8":
        text = _as_declared(data, declared, warnings)
        if text is not None:
            return _checked(text, declared, name, tuple(warnings))
    try:
        return _checked(data.decode("utf-8"), "utf-8", name, tuple(warnings))
    except UnicodeDecodeError as exc:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise IngestError(
                f"{name}: not valid UTF-8 (byte {exc.start}) and not Windows-1252 either; re-save the file as UTF-8"
            ) from None
    warnings.append("not valid UTF-8; decoded as cp1252")
    return _checked(text, "cp1252", name, tuple(warnings))


def _binary(name: str) -> IngestError:
    return IngestError(
        f"{name}: this looks like binary data, not text (expected .txt, .md, .rst, .tex, .html, .pdf, .docx, .odt, .epub or .rtf)"
    )


def _strict(data: bytes, codec: str, name: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"{name}: starts as {codec.upper()} but is not valid {codec.upper()} (byte {exc.start}); "
            "re-save the file as UTF-8"
        ) from None


def _checked(text: str, codec: str, name: str, warnings: tuple[str, ...] = ()) -> Decoded:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        raise IngestError(f"{name}: the text contains NUL characters; this looks like binary data")
    head = text[:_SNIFF]
    if sum(1 for c in head if c < " " and c not in _WHITESPACE) > len(head) * 0.01:
        raise _binary(name)
    if not text.strip():
        raise IngestError(f"{name}: the file has no text")
    return Decoded(text=text, encoding=codec, warnings=warnings)


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """``utf-16-le`` or ``utf-16-be``, with the text, when ``data`` reads as UTF-16 without a
    byte-order mark.

    Latin text in UTF-16 has a NUL in every other byte (the high byte of each character), and
    seldom one in the others; binary data has NULs anywhere. A quarter of one side NUL, a tenth as
    many on the other, and the text it decodes to all printable: UTF-16.
    """
    head = data[:_SNIFF]
    if len(data) % 2 or len(head) < 8:
        return None
    units = len(head) // 2
    low, high = head[0::2].count(0), head[1::2].count(0)
    for nuls, others, codec in ((high, low, "utf-16-le"), (low, high, "utf-16-be")):
        if nuls >= units / 4 and others <= nuls / 10:
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                return None
            return (codec, text) if all(_printable(c) for c in text[: _SNIFF // 2]) else None
    return None


def _printable(c: str) -> bool:
    """Not a control character (but for whitespace), an unassigned code point or one for private use."""
    return c in _WHITESPACE or unicodedata.category(c) not in ("Cc", "Cn", "Co", "Cs")


def _declared(head: bytes) -> str | None:
    """The codec a page declares in ``head``: a ``<meta charset>``, a ``<meta http-equiv>`` content
    type, or its XML declaration; None when it declares none that footnoted reads."""
    text = _COMMENT.sub("", head.decode("latin-1"))
    for meta in _META.finditer(text):
        attrs = {
            m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or "" for m in _ATTRIBUTE.finditer(meta.group(1))
        }
        if "charset" in attrs:
            label = attrs["charset"]
        elif attrs.get("http-equiv", "").strip().lower() == "content-type" and (
            m := _CHARSET.search(attrs.get("content", ""))
        ):
            label = m.group(1)
        else:
            continue
        return _codec(label)
    xml = _XML_DECLARATION.match(text.lstrip())
    return _codec(xml.group(1)) if xml else None


def _codec(label: str) -> str | None:
    label = label.strip().lower()
    try:
        codec = _LABELS.get(label) or codecs.lookup(label).name
    except LookupError:
        return None
    codec = _AS_BROWSERS_READ.get(codec, codec)
    return codec if codec in _DECLARABLE else None


def _as_declared(data: bytes, codec: str, warnings: list[str]) -> str | None:
    """``data`` in the charset it declares; None, with a warning, where UTF-8 must be read instead.

    A page whose bytes are valid UTF-8 beyond ASCII is UTF-8 whatever it declares (the
    declaration went stale when it was converted): text in a legacy charset almost never is.
    """
    try:
        data.decode("utf-8")
        if not data.isascii():
            warnings.append(f"declares {codec} but is valid UTF-8; read as UTF-8")
            return None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        warnings.append(f"declares {codec} but is not valid {codec} (byte {exc.start})")
        return None
