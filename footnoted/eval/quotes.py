"""Finding a quote in a source text, forgiving the differences that copying text introduces.

A quote and its source are compared after folding both:

- both are in Unicode normal form C, so "Café" typed precomposed matches a source that stores
  "e" and a combining accent (NFD), and the other way round;
- every run of whitespace (spaces, tabs, line breaks, no-break and other Unicode spaces) is one
  space, and whitespace at either end of the quote is ignored;
- curly, low and prime quote marks are straight ones (‘ ’ ‚ ‛ ′ are ', “ ” „ ‟ ″ are ");
- dashes and hyphens of every width are "-", and an ellipsis character "…" is "...";
- zero-width characters and soft hyphens are ignored, and so is a backslash that escapes a
  punctuation mark (LaTeX's "\\$1.3 billion" and "11\\%", Markdown's "\\*"), so that a quote of
  the printed text matches the source as written.

Nothing else is forgiven: case, punctuation and footnote markers ("1991.1") must match.
A match is mapped back to the exact span of the source it covers.
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from footnoted.types import Span

_EQUIVALENT = {
    **dict.fromkeys("‘’‚‛′", "'"),
    **dict.fromkeys("“”„‟″", '"'),
    **dict.fromkeys("‐‑‒–—―−", "-"),
    "…": "...",
}
_IGNORED = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
_ESCAPED = frozenset(string.punctuation)
_STABLE_BELOW = 0x300
"""No character below U+0300 changes under NFC or composes with the one before it."""


@dataclass(frozen=True, slots=True)
class Folded:
    """A folded text and, for each of its characters, the span of source characters it came from.

    A character comes from one source character, or from several that normalization composed
    ("e" and a combining acute accent are one "é"): ``origin`` holds where they start, ``ends``
    where they end.
    """

    text: str
    origin: tuple[int, ...]
    ends: tuple[int, ...]

    def span(self, start: int, end: int) -> Span:
        """The source span that folded characters ``[start, end)`` come from (``end > start``)."""
        return Span(self.origin[start], self.ends[end - 1])


def fold(text: str) -> Folded:
    """``text`` normalized (NFC), with whitespace runs, quote marks, dashes and ellipses made uniform
    (see the module doc)."""
    chars: list[str] = []
    origin: list[int] = []
    ends: list[int] = []
    space_at = -1
    escaped = False  # the character before was a backslash that escapes this one
    for start, end, normal in _normalized(text):
        for ch in normal:
            if ch.isspace():
                if space_at < 0:
                    space_at = start
                escaped = False
                continue
            if ch in _IGNORED:
                continue
            if ch == "\\" and not escaped and end < len(text) and text[end] in _ESCAPED:
                escaped = True
                continue
            escaped = False
            if space_at >= 0 and chars:
                chars.append(" ")
                origin.append(space_at)
                ends.append(space_at + 1)
            space_at = -1
            for c in _EQUIVALENT.get(ch, ch):
                chars.append(c)
                origin.append(start)
                ends.append(end)
    return Folded("".join(chars), tuple(origin), tuple(ends))


def _normalized(text: str) -> Iterator[tuple[int, int, str]]:
    """``text`` in NFC, as pieces ``(start, end, normalized text[start:end])`` that normalize apart.

    A piece is one character, or a character and those that compose with it: a base letter and its
    combining marks, or Hangul jamo. A text already in NFC (most are) is one character a piece.
    """
    if unicodedata.is_normalized("NFC", text):
        for i, ch in enumerate(text):
            yield i, i + 1, ch
        return
    start = 0
    for i in range(1, len(text) + 1):
        if i < len(text) and not _starts_piece(text[start:i], text[i]):
            continue
        piece = text[start:i]
        yield start, i, piece if len(piece) == 1 and ord(piece) < _STABLE_BELOW else unicodedata.normalize("NFC", piece)
        start = i


def _starts_piece(before: str, ch: str) -> bool:
    """Whether ``ch`` normalizes apart from the piece ``before`` it (neither changes the other)."""
    if ord(ch) < _STABLE_BELOW:
        return True
    if unicodedata.combining(ch):
        return False
    return unicodedata.normalize("NFC", before + ch) == unicodedata.normalize("NFC", before) + unicodedata.normalize(
        "NFC", ch
    )


def find_all(source: Folded, quote: str) -> list[Span]:
    """Every span of the source (overlapping ones included) that matches ``quote`` once both are folded."""
    needle = fold(quote).text
    if not needle:
        return []
    spans = []
    origin = source.origin
    at = source.text.find(needle)
    while at >= 0:
        end = at + len(needle)
        # A match must begin and end where source characters do: "..." inside the "...." that
        # "…." folds to is the ellipsis once, not twice.
        inside = (at > 0 and origin[at - 1] == origin[at]) or (end < len(origin) and origin[end] == origin[end - 1])
        if not inside:
            spans.append(source.span(at, end))
        at = source.text.find(needle, at + 1)
    return spans
