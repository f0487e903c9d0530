"""Bytes to text: refuse what is not text, say which decoding was used."""

from __future__ import annotations

from dataclasses import dataclass

from footnoted.errors import IngestError

# Control characters that never appear in real text files (tab, newline, CR and form feed do).
_BINARY_BYTES = frozenset(range(0, 9)) | {11, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31}
_SNIFF = 8192
_BINARY_DELETE = bytes(sorted(_BINARY_BYTES))


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str


def decode(data: bytes, name: str) -> Decoded:
    """Decode a file's bytes as UTF-8, falling back to Windows-1252; refuse binary data.

    Newlines are normalised to ``\\n``; offsets point into the normalised text.

    Raises:
        IngestError: the data is empty, binary, or decodes to no text.
    """
    if not data.strip():
        raise IngestError(f"{name}: the file is empty")
    head = data[:_SNIFF]
    if b"\x00" in head or len(head) - len(head.translate(None, _BINARY_DELETE)) > len(head) * 0.01:
        raise IngestError(
            f"{name}: this looks like binary data, not text (expected .txt, .md, .html, .pdf, .docx, .odt, .epub or .rtf)"
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        try:
            text, encoding = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            raise IngestError(
                f"{name}: not valid UTF-8 (byte {exc.start}) and not Windows-1252 either; re-save the file as UTF-8"
            ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        raise IngestError(f"{name}: the text contains NUL characters; this looks like binary data")
    if not text.strip():
        raise IngestError(f"{name}: the file has no text")
    return Decoded(text=text, encoding=encoding)
