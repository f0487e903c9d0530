"""The errors footnoted raises; each message says what to do next."""

from __future__ import annotations


class FootnotedError(Exception):
    """Base of every error footnoted raises on purpose."""


class IngestError(FootnotedError):
    """A document could not be read: empty, binary, undecodable or malformed."""


class UnsupportedFormat(IngestError):
    """The file type is not one footnoted reads (.txt, .md, .html, .pdf, .docx, .odt, .epub, .rtf)."""


class DocumentTooLarge(IngestError):
    """The document is larger than the configured limit."""


class DocumentNotFound(FootnotedError):
    """No document with that id is in the index."""


class IndexNotFound(FootnotedError):
    """No index exists at the given location."""


class IndexMismatch(FootnotedError):
    """The index was built with another model, dimension or format version."""


class IndexCorrupt(FootnotedError):
    """An index file is missing, truncated or fails its checksum."""


class IndexLocked(FootnotedError):
    """Another process is writing to the index."""


class EncoderError(FootnotedError):
    """The embedding model could not be found or loaded."""


class InvalidQuery(FootnotedError):
    """A question or search parameter is out of bounds."""


def check_question(question: object) -> None:
    """Raise ``InvalidQuery`` unless ``question`` is a string of text (None is the empty question,
    said by the caller). A lone surrogate (U+D800 to U+DFFF: half of a character, as a bad byte
    decoded with ``surrogateescape`` leaves) is not text, and no tokenizer takes it."""
    if question is None:
        return
    if not isinstance(question, str):
        raise InvalidQuery(f"the question must be a string, not {type(question).__name__}")
    try:
        question.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidQuery(f"the question holds half of a character (a lone surrogate) at {exc.start}") from None


class EvalSetError(FootnotedError):
    """An eval set could not be loaded: bad JSON, or a quote not found in its document."""


class InvalidSettings(FootnotedError):
    """A setting (a ``FOOTNOTED_*`` variable, an option) is out of bounds."""
