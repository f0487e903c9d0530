"""The errors footnoted raises; each message says what to do next."""

from __future__ import annotations

import unicodedata


class FootnotedError(Exception):
    """Base of every error footnoted raises on purpose."""


class IngestError(FootnotedError):
    """A document could not be read: empty, binary, undecodable or malformed."""


class UnsupportedFormat(IngestError):
    """The file type is not one footnoted reads (.txt, .md, .rst, .tex, .html, .pdf, .docx, .odt, .epub, .rtf)."""


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


def check_not_blank(question: str | None) -> None:
    """Raise ``InvalidQuery`` when ``question`` shows nothing: empty, spaces, or only characters that
    are never seen (controls, zero-width spaces and joiners, a byte-order mark, a soft hyphen,
    direction marks), which would otherwise be searched as a question with no words."""
    if not question or not question.strip():
        raise InvalidQuery("the question is empty")
    if not shows_anything(question):
        shown = ", ".join(f"U+{ord(c):04X}" for c in dict.fromkeys(c for c in question if not c.isspace()))
        raise InvalidQuery(f"the question is empty: it holds only characters that are not seen ({shown})")


def shows_anything(text: str) -> bool:
    """Whether ``text`` holds a character that is seen: not white space, a control or format
    character (a zero-width space, a byte-order mark, a soft hyphen, a direction mark) or a separator."""
    return any(not c.isspace() and unicodedata.category(c) not in _UNSEEN for c in text)


_UNSEEN = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
"""Control and format characters, and separators."""


class EvalSetError(FootnotedError):
    """An eval set could not be loaded: bad JSON, or a quote not found in its document."""


class InvalidSettings(FootnotedError):
    """A setting (a ``FOOTNOTED_*`` variable, an option) is out of bounds."""
