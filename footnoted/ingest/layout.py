"""Cutting a text into paragraphs and list items, with exact spans, and telling prose from labels.

Shared by the plain-text and Markdown readers; the HTML reader builds its blocks from the DOM.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

BULLET = re.compile(
    r"[ \t\u00a0]*(?:[•◦▪‣·∙○●■□–—\uf0b7\uf0a7\uf0a8\uf0d8\uf076\uf0fc*+-]|\(?(?:\d{1,3}|[a-zA-Z]|[ivxIVX]{1,5})[.)])[ \t\u00a0]+\S"
)
# A note's back-link ("↩") after the full stop, as exports and printed pages keep it.
_BACKLINKS = "[↩↑\ufe0e\ufe0f]*\\s*"
# Chinese and Japanese end a sentence at 。！？ (full-width stops, with no space after them).
_SENTENCE_END = re.compile(r"[.!?;:。！？；：．][\"'”’)\]」』）】]*\s*\d{0,3}\s*" + _BACKLINKS + "$")
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
DATE_LINE = re.compile(
    rf"^\s*(?:(?:{_MONTHS})\.?\s+(?:\d{{1,2}},?\s+)?\d{{4}}|\d{{1,2}}\s+(?:{_MONTHS})\.?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})\s*$",
    re.IGNORECASE,
)


# Westlaw's notes in plain text (opinions and law-review articles as exported): a paragraph opening
# "FN1." ("[FN1].", "FN1 ") is note 1, cited "FN1" or "[FN1]" in the text. A law review's notes on
# its author and title, starred or daggered in print, are "[FNa1]", "[FNd1]", "[FNaa1]": note "a1".
WESTLAW_LABEL = r"[a-z]{0,2}\d{1,4}"
WESTLAW_NOTE = re.compile(rf"(?P<open>\[)?FN(?P<label>{WESTLAW_LABEL})(?(open)\])(?:\.[ \t\u00a0]*|[ \t\u00a0]+)(?=\S)")


_TRAILING_MARKER = re.compile(
    r"(?:(?:\[\^?\w{1,12}\]|[¹²³⁴⁵⁶⁷⁸⁹⁰]+|(?<=[.,;:。，；：．])\s?\d{1,3})\s*)?" + _BACKLINKS + "$"
)
# A note's symbol after a sentence's end ("for a decade.**"), where no asterisk opens emphasis
# ("*This method can not delete keys.*" is emphasis).
_TRAILING_SYMBOL = re.compile(r"(?<=[^\W_][.!?])(?:\*{1,3}|†{1,3}|‡{1,3}|§{1,3})\s*$")
EMPHASIS_OPEN = re.compile(r"(?<![\w*])\*+(?=[^\s*])")
# What ends a clause, so that a line ending in it is not a label: ". , ; :" and their Chinese and
# Japanese forms (、 is a comma).
_CLAUSE_END = re.compile(r"[.,;:。，、；：．]\s*$")


@dataclass(frozen=True, slots=True)
class Para:
    """A run of non-blank lines, trimmed of surrounding whitespace; ``lines`` are trimmed spans too."""

    start: int
    end: int
    lines: tuple[tuple[int, int], ...]


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` past leading and trailing whitespace (non-breaking spaces included)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def paragraphs(text: str, start: int = 0, end: int | None = None) -> list[Para]:
    """Split ``text[start:end]`` at blank lines (lines of whitespace only)."""
    end = len(text) if end is None else end
    out: list[Para] = []
    current: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        line_end = end if nl == -1 else nl
        s, e = trim(text, pos, line_end)
        if s == e:
            if current:
                out.append(Para(current[0][0], current[-1][1], tuple(current)))
                current = []
        else:
            current.append((s, e))
        pos = line_end + 1
    if current:
        out.append(Para(current[0][0], current[-1][1], tuple(current)))
    return out


def split_items(text: str, para: Para) -> list[tuple[int, int, bool]]:
    """Split a paragraph at lines that start a list item: ``(start, end, is_item)`` pieces."""
    pieces: list[tuple[int, int, bool]] = []
    for s, e in para.lines:
        if BULLET.match(text, s, e) and not DATE_LINE.match(text[s:e]):
            pieces.append((s, e, True))
        elif pieces:
            ps, _, item = pieces[-1]
            pieces[-1] = (ps, e, item)
        else:
            pieces.append((s, e, False))
    return pieces


# Han, kana (full and half width) and the ideographic iteration and zero marks: scripts written
# without spaces between words.
_CJK = "\u3005-\u3007\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f"
# A Chinese or Japanese word is one to three characters: every two count as a word.
_WORD = re.compile(rf"[{_CJK}]{{1,2}}|(?:(?![{_CJK}])[\w’'-])+")


def words(text: str) -> list[str]:
    """The words of ``text``; in Chinese and Japanese, which have no spaces, each two characters."""
    return _WORD.findall(text)


def is_prose(text: str) -> bool:
    """Running text rather than a label: long, or ending like a sentence."""
    w = words(text)
    return len(w) >= 16 or (len(w) >= 5 and bool(_SENTENCE_END.search(text)))


def is_label(text: str, max_chars: int = 100) -> bool:
    """A short single line that reads as a heading, title or link, not a sentence."""
    if "\n" in text or len(text) > max_chars or not text[:1].strip():
        return False
    w = words(text)
    if not w or len(w) > 14:
        return False
    text = _TRAILING_MARKER.sub("", text)
    if not EMPHASIS_OPEN.search(text):
        text = _TRAILING_SYMBOL.sub("", text)
    if _CLAUSE_END.search(text) and not re.search(r"\b(?:[A-Z]\.){1,3}\s*$", text) and not _STOPPED_HEADING.match(text):
        return False
    return True


# Headings older books and legal texts end with a full stop: a numbered division ("CHAPTER XII.",
# "Article 4.") and a line in capitals ("THE FIRST MINES."), as Project Gutenberg's texts keep them.
_STOPPED_HEADING = re.compile(
    r"\s*(?:(?i:chapter|part|book|section|article|canto|lecture|letter|appendix)\s+(?:[IVXLCDM]+|[ivxlcdm]+|\d{1,3}|[A-Z])"
    r"|(?=[^a-z]*[A-Z][^a-z]*\.\s*$)(?:\S+\s+){0,7}\S+)\.\s*$"
)


_SUPERSCRIPT_DIGITS = str.maketrans("¹²³⁴⁵⁶⁷⁸⁹⁰", "1234567890")


def normalise_label(label: str) -> str:
    """A note label as plain characters: superscript digits become digits ("¹²" is "12")."""
    return label.translate(_SUPERSCRIPT_DIGITS)


# What a raised 2 or 3 squares or cubes: a unit of length after a number ("340 km²", "4.2 million
# m³", "20 ft2"), or a bare 10 ("10³ litres").
_POWER_OF = re.compile(
    r"(?:\d[\d.,]*[ \u00a0]?(?:(?:thousand|million|billion)[ \u00a0])?(?:[kcmdµ]?m|ft|yd|mi|in)|(?<![\d.,])10)\Z"
)


def exponent(source: str, start: int, label: str) -> bool:
    """Whether a raised or glued "2" or "3" at ``start`` is a power ("km²", "m³", "10³"), not a note marker."""
    return label in ("2", "3") and _POWER_OF.search(source, max(0, start - 40), start) is not None


FOUR_DIGITS = re.compile(r"\d{4}")
"""A label of four digits (``fullmatch``): a note's only past note 999 (``beyond_999``)."""


def beyond_999(labels: Iterable[str], gap: int = 12) -> set[str]:
    """The four-digit labels among ``labels`` that carry on a count of notes past 999.

    A four-digit number is far more often a year than a note, so it is read as a label only in a
    document whose notes run that far: reached from 999 in steps of at most ``gap``.
    """
    given = set(labels)
    if "999" not in given:
        return set()
    numbers = sorted(int(x) for x in given if FOUR_DIGITS.fullmatch(x) and x[0] != "0")
    out: set[str] = set()
    last = 999
    for n in numbers:
        if n - last > gap:
            break
        out.add(str(n))
        last = n
    return out
