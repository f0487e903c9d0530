"""Finding a quote in a source text, forgiving the differences that copying text introduces.

A quote and its source are compared after folding both:

- every run of whitespace (spaces, tabs, line breaks, no-break and other Unicode spaces) is one
  space, and whitespace at either end of the quote is ignored;
- curly, low and prime quote marks are straight ones (‘ ’ ‚ ‛ ′ are ', “ ” „ ‟ ″ are ");
- dashes and hyphens of every width are "-", and an ellipsis character "…" is "...";
- zero-width characters and soft hyphens are ignored.

Nothing else is forgiven: case, punctuation and footnote markers ("1991.1") must match.
A match is mapped back to the exact span of the source it covers.
"""

from __future__ import annotations

from dataclasses import dataclass

from footnoted.types import Span

_EQUIVALENT = {
    **dict.fromkeys("‘’‚‛′", "'"),
    **dict.fromkeys("“”„‟″", '"'),
    **dict.fromkeys("‐‑‒–—―−", "-"),
    "…": "...",
}
_IGNORED = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")


@dataclass(frozen=True, slots=True)
class Folded:
    """A folded text and, for each of its characters, the offset of the source character it came from."""

    text: str
    origin: tuple[int, ...]

    def span(self, start: int, end: int) -> Span:
        """The source span that folded characters ``[start, end)`` come from (``end > start``)."""
        return Span(self.origin[start], self.origin[end - 1] + 1)


def fold(text: str) -> Folded:
    """``text`` with whitespace runs, quote marks, dashes and ellipses made uniform (see the module doc)."""
    chars: list[str] = []
    origin: list[int] = []
    space_at = -1
    for i, ch in enumerate(text):
        if ch.isspace():
            if space_at < 0:
                space_at = i
            continue
        if ch in _IGNORED:
            continue
        if space_at >= 0 and chars:
            chars.append(" ")
            origin.append(space_at)
        space_at = -1
        for c in _EQUIVALENT.get(ch, ch):
            chars.append(c)
            origin.append(i)
    return Folded("".join(chars), tuple(origin))


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
