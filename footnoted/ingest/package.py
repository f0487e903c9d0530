"""Zip-packaged documents (.docx, .odt, .epub): opening one safely, and what a reader makes of it."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from footnoted.errors import IngestError

_UNSET_TITLE = re.compile(r"^(?:untitled|document\d*|\W*)$", re.IGNORECASE)

MAX_UNPACKED = 256 * 1024 * 1024
"""Bytes a package's text parts may unpack to (a zip bomb is refused before it is read)."""
MAX_RATIO = 100
"""How many times its compressed size a text part of more than ``RATIO_FROM`` bytes may unpack to.
The XML of a real document compresses about ten times (the fixtures: 2 to 12); a part that
repeats one element millions of times compresses hundreds of times and costs minutes and
gigabytes to read from a file of a few hundred kilobytes. A hundred is the limit Apache POI sets."""
RATIO_FROM = 1024 * 1024


@dataclass(frozen=True, slots=True)
class PackageHtml:
    """A packaged document as one HTML page, and what its package's metadata says."""

    html: str
    title: str = ""
    metadata: dict[str, str] = field(default_factory=dict)


def open_package(data: bytes, name: str, kind: str, required: str, text: tuple[str, ...]) -> zipfile.ZipFile:
    """The zip package of a ``kind`` document ("a .docx file"), which must hold ``required``.

    Raises:
        IngestError: it is not a zip, lacks the part, or its ``text`` parts (by suffix) unpack to
            more than ``MAX_UNPACKED`` bytes.
        zipfile.BadZipFile: the zip is damaged (the caller says so in its own terms).
    """
    if not data.startswith(b"PK\x03\x04"):
        raise IngestError(f"{name}: not {kind} (it is not a zip package)")
    package = zipfile.ZipFile(io.BytesIO(data))
    parts = {info.filename: info for info in package.infolist()}
    if required not in parts:
        raise IngestError(f"{name}: not {kind} (the package has no {required})")
    texts = [info for path, info in parts.items() if path.endswith(text)]
    unpacked = sum(info.file_size for info in texts)
    if unpacked > MAX_UNPACKED:
        raise IngestError(f"{name}: its text parts unpack to {unpacked:,} bytes, over {MAX_UNPACKED:,}")
    for info in texts:
        if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise IngestError(
                f"{name}: its part {info.filename} unpacks to {info.file_size:,} bytes from "
                f"{info.compress_size:,}, more than {MAX_RATIO} times its size (a zip bomb?)"
            )
    return package


def stated_title(title: str) -> str:
    """A package's title property, or '' where it is unset or the editor's placeholder ("Untitled",
    "Document1"), so that the reader falls back to the document's own title."""
    return "" if _UNSET_TITLE.match(title) else title
