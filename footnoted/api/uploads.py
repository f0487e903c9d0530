"""Documents sent to the API: a JSON body or a multipart file upload, read and indexed."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from footnoted import errors, render
from footnoted.api import schemas
from footnoted.index import Index
from footnoted.index.index import AddReport
from footnoted.ingest import parse
from footnoted.ingest.read import (
    DOCUMENT_ID,
    check_length,
    content_hash,
    document_id,
    document_id_with_extension,
    format_of,
    given_title,
    stored_unchanged,
)
from footnoted.settings import Settings
from footnoted.types import Document

_EXTENSIONS = {"text": ".txt", "markdown": ".md", "rst": ".rst", "latex": ".tex", "html": ".html"}
_TITLE_CHARS = schemas.TITLE_CHARS


async def read_upload(request: Request, settings: Settings) -> tuple[bytes, str, str | None, str | None, str | None]:
    """(bytes, file name, format, id, title) from a JSON body or a multipart upload."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        try:
            doc = schemas.DocumentIn.model_validate_json(await request.body())
        except ValidationError as exc:
            raise RequestValidationError(exc.errors(include_input=False)) from None
        data = doc.text.encode("utf-8")
        if len(data) > settings.max_upload_bytes:
            raise errors.DocumentTooLarge(f"the text is larger than the limit of {settings.max_upload_bytes} bytes")
        # With neither id nor title there is no name to go by: the text names itself, so the same
        # text sent again is the same document, and another one is not taken for it.
        title = given_title(doc.title)
        base = doc.id or (document_id(title) if title else f"document-{content_hash(data)[:12]}")
        return data, base + _EXTENSIONS[doc.format], doc.format, doc.id, title
    if kind == "multipart/form-data":
        form = await request.form(max_files=1, max_fields=8)
        try:
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise errors.IngestError("the upload has no file part named 'file'")
            data = await upload.read()
            if len(data) > settings.max_upload_bytes:
                raise errors.DocumentTooLarge(f"the file is larger than {settings.max_upload_bytes} bytes")
            name = Path(upload.filename or "upload").name
            doc_id = form.get("id")
            field = form.get("title")
            doc_id = doc_id if isinstance(doc_id, str) and doc_id else None
            title = given_title(field) if isinstance(field, str) else None
            # The same rules as the JSON body's fields, and the same answer (422) when broken.
            if doc_id is not None and not re.fullmatch(DOCUMENT_ID, doc_id):
                raise _invalid("id", f"String should match pattern '{DOCUMENT_ID}'", "string_pattern_mismatch")
            if title is not None and len(title) > _TITLE_CHARS:
                raise _invalid("title", f"String should have at most {_TITLE_CHARS} characters", "string_too_long")
            return data, name, None, doc_id, title
        finally:
            await form.close()  # the upload's SpooledTemporaryFile
    raise errors.UnsupportedFormat(
        "send the document as application/json {title, text} or as a multipart/form-data file upload"
    )


def upload_id(name: str, documents: Mapping[str, Document]) -> str:
    """The id of an upload sent without one: its file name's (``document_id``), unless the index
    holds a file of that name in another format (``report.pdf`` for ``report.docx``), a namesake
    and not an earlier version of it; then the name with its extension (``report.docx``), as
    ``footnoted ingest`` tells such files apart. The same name sent again is the same document."""
    plain = document_id(name)
    held = documents.get(plain)
    stored_name = held.metadata.get("name") if held is not None else None
    if not stored_name or Path(stored_name).suffix.lower() == Path(name).suffix.lower():
        return plain
    return document_id_with_extension(name)


def _invalid(field: str, message: str, kind: str) -> RequestValidationError:
    return RequestValidationError([{"loc": ("body", field), "msg": message, "type": kind}])


def ingest(
    index: Index,
    data: bytes,
    name: str,
    fmt: str | None,
    doc_id: str | None,
    title: str | None,
    read: Callable[..., Document] | None = None,
    max_chars: int | None = None,
) -> dict[str, Any]:
    """Read and index one upload; ``read`` (default ``parse``) takes ``parse``'s arguments: a
    ``Reader``'s, in the server. A document whose text is longer than ``max_chars`` is refused
    (``DocumentTooLarge``) before it is indexed."""
    fmt = fmt or format_of(name)  # a type footnoted does not read is refused, stored or not
    report: AddReport
    # What the index holds now, not when this server last looked: another process (a second server,
    # `footnoted remove`) may have removed or replaced the document since, and an upload answered
    # "unchanged" from the older generation would be stored nowhere.
    index.refresh()
    snap = index.snapshot
    doc_id = doc_id or upload_id(name, snap.documents)
    stored = snap.documents.get(doc_id)
    if stored is not None and stored_unchanged(stored, data, fmt, title):
        report, doc = AddReport(unchanged=(doc_id,)), stored  # the very bytes it was read from
    else:
        doc = (read or parse)(data, name=name, fmt=fmt, doc_id=doc_id, title=title)
        if max_chars is not None:
            check_length(doc, max_chars)  # a package's text may be far longer than its bytes
        report = index.add([doc])  # compares again with the newest generation, under the write lock
        snap = index.snapshot
    status = "added" if doc_id in report.added else "replaced" if doc_id in report.replaced else "unchanged"
    # One generation, so the document and its chunk count agree; the one this upload stored or
    # found, even if another process has removed it since.
    held = snap.documents.get(doc_id)
    chunks = snap.chunk_counts().get(doc_id, 0) if held is not None else report.chunks
    return {
        "document": render.document_summary(held or doc, chunks),
        "status": status,
        "chunks": chunks,
        "encoded": report.encoded,
        "reused": report.reused,
    }
