"""Sentence spans that keep a flattened footnote marker with the sentence that cites it."""

from __future__ import annotations

import re

from footnoted.types import Span

# A sentence ends at . ! or ?, optionally followed by a closing quote or bracket and a marker
# ("1991.1 It", "operations. 7 Moreover", "mines.[3] The"), before the capital of the next one.
# A sentence may open with a figure ("145 countries joined."), but a lone number before a capital
# is a flattened marker ("operations. 7 Moreover") and stays with the sentence before it.
# Each break is (what ends a sentence, what opens the next), the white space between them the match.
_OPEN = r"[\"“‘(\[]?[A-Z]"
_BREAKS = [
    (r"[.!?]", rf"{_OPEN}|\d[\d,.]*\s+[a-z]"),
    (r"[.!?][\"”’)\]]", rf"{_OPEN}|\d[\d,.]*\s+[a-z]"),
    (r"[.!?]\d", _OPEN),
    (r"[.!?]\d\d", _OPEN),
    (r"[.!?] \d", _OPEN),
    (r"\]", r"[\"“‘(]?[A-Z]"),
]
PLAIN_SENTENCE_BREAK = "|".join(rf"(?<={end})\s+(?={start})" for end, start in _BREAKS)
"""The breaks as first written, each a look-behind, white space, a look-ahead."""
# The same, written to open with the white space every break starts with (the look-behind then
# takes that white space in), so the regular expression engine skips ahead to white space instead
# of trying each look-behind at every character: the same matches (tested), four times as fast.
# Non-capturing groups only: langchain's splitter wraps separators in a group of its own.
_FAST = "|".join(rf"(?<={end}\s)\s*(?={start})" for end, start in _BREAKS)
SENTENCE_BREAK = rf"\s(?:{_FAST})"
# Paragraph breaks and line breaks before a bullet end sentences too.
_BULLETED = r"[•◦▪‣·∙○●■□–—*+-]"
PLAIN_BREAK = rf"{PLAIN_SENTENCE_BREAK}|\n\s*\n\s*|\n(?=\s*{_BULLETED}\s)"
_BREAK = re.compile(rf"\s(?:{_FAST}|(?<=\n)\s*\n\s*|(?<=\n)(?=\s*{_BULLETED}\s))")
_ABBREVIATION = re.compile(
    r"(?:\b(?:[A-Z]\.){1,3}|\b(?:Mr|Mrs|Ms|Dr|St|No|Nos|pp|p|vol|art|Art|Inc|Ltd|Gen|Col|Lt|Sen|Rep|etc|cf|vs|e\.g|i\.e|Fig|Sec)\.)$"
)


def sentences(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Split ``text[start:end]`` into trimmed sentence spans (offsets into ``text``)."""
    end = len(text) if end is None else end
    out: list[Span] = []
    begin = start
    for m in _BREAK.finditer(text, start, end):
        before = text[max(begin, m.start() - 12) : m.start()]
        if "\n" not in m.group() and _ABBREVIATION.search(before):
            continue
        _append(text, begin, m.start(), out)
        begin = m.end()
    _append(text, begin, end, out)
    return out


_BULLET = re.compile(r"[•◦▪‣·∙○●■□–—*+-][ \t\u00a0]+")
_SPACE_RUN = re.compile(r"\s*")


def _append(text: str, start: int, end: int, out: list[Span]) -> None:
    lead = _SPACE_RUN.match(text, start, end)  # \s* matches wherever start <= end
    if lead is None:
        return
    start = lead.end()
    # A list item's sentence starts after its bullet.
    bullet = _BULLET.match(text, start, end)
    if bullet:
        start = bullet.end()
    end = start + len(text[start:end].rstrip())
    if end > start:
        out.append(Span(start, end))
