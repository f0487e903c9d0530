"""Notes a question names by label: "What does footnote 3 say?", "notes 2 and 4", "n. 12".

A question that names a note is about that note, whatever else its words match: the passages that
carry a note so labelled rank first (in the order the search gives them), and its answer comes
from the note or from the sentence citing it. Only figures and the usual symbols are read as
labels ("note a" or "note I" are as likely words as labels), and only labels that a searched
document has: "note 1997" in an index without a 1997th note is an ordinary question.
"""

from __future__ import annotations

import re

_LABEL = r"(?:\d{1,4}|[*†‡§¶])"
_MORE = rf"(?:\s*(?:,|;|&|\band\b|\bor\b|-|–|\bto\b|\bthrough\b)\s*{_LABEL})*"
# "footnote 3", "notes 3-5", "endnotes 2, 4 and 7", "fn. 3", "n. 12", "nn. 3-4", "note *".
_NAMED = re.compile(
    rf"\b(?:(?:foot|end)?notes?|fns?\.?|nn?\.)\s*({_LABEL}{_MORE})(?![\w.,]\d)",
    re.IGNORECASE,
)
_RANGE = re.compile(r"(\d{1,4})\s*(?:-|–|\bto\b|\bthrough\b)\s*(\d{1,4})", re.IGNORECASE)
_ONE = re.compile(_LABEL)
_MAX_RANGE = 50
"""A range names at most this many notes ("notes 1-1000" is no reference to each)."""


def without_names(question: str) -> str:
    """``question`` with the words that name notes taken out ("footnote 3", "notes 2 and 4"): once
    read as labels they say nothing of what is asked, and as words they would match any text that
    speaks of notes."""
    return _NAMED.sub(" ", question)


def named_notes(question: str) -> tuple[str, ...]:
    """The note labels ``question`` names, in the order named, each once."""
    labels: list[str] = []
    for match in _NAMED.finditer(question):
        names = match.group(1)
        for span in _RANGE.finditer(names):
            low, high = int(span.group(1)), int(span.group(2))
            if 0 < high - low < _MAX_RANGE:
                labels.extend(str(n) for n in range(low, high + 1))
        labels.extend(_ONE.findall(_RANGE.sub(" ", names)))
    return tuple(dict.fromkeys(labels))
