"""Sentence spans that keep a flattened footnote marker with the sentence that cites it."""

from __future__ import annotations

import re

from footnoted.ingest.letters import CAPITAL, LOWER, OPENING
from footnoted.types import Span

# A sentence ends at . ! ? or an ellipsis, optionally followed by a closing quote or bracket and a
# marker ("1991.1 It", "mines.¹ The", "entitlement.”1 The", "mines.ii It", "mines.* The",
# "operations. 7 Moreover", "mines.[3] The"), before the opening letter of the next one (a capital
# of any script, or a letter of a script without case: "mai. Élisabeth", "мае. Инженеры"). A sentence
# may open with a figure ("145 countries joined."), but a lone number before a capital is a
# flattened marker ("operations. 7 Moreover") and stays with the sentence before it.
# Each break is (what ends a sentence, what opens the next), the white space between them the match;
# what ends one is of fixed width, as a look-behind must be.
_END = "[.!?…]"
_CLOSE = '["”’)\\]»]'
_MARK = "[\\d⁰¹²³⁴-⁹*†‡]"  # a marker's last character: a digit, a raised digit, a symbol
# A roman marker follows a word's last letter ("mines.ii It"), never a figure ("for the 14.x LTS
# line", "libxml2-2.6.x APIs"); three digits only a lower-case word ("mines.123 The"), since after a
# figure or a capital they are a decimal or a standard ("1.250 Million", "X.509 Email", "G.711 A-law").
_AFTER_WORD = "[^\\W\\d_]"
_AFTER_LOWER = "[^\\W\\dA-Z_]"
_OPEN = rf"[\"“‘„«¿¡(\[]?{OPENING}"
_FIGURE = rf"\d[\d,.]*\s+{LOWER}"
_BREAKS = [
    (_END, rf"{_OPEN}|{_FIGURE}"),
    (rf"{_END}{_CLOSE}", rf"{_OPEN}|{_FIGURE}"),
    (rf"{_END}{_MARK}", _OPEN),
    (rf"{_END}(?:\d\d|[⁰¹²³⁴-⁹]{{2}}|{_CLOSE}{_MARK}|{_CLOSE}[ivx])", _OPEN),
    (rf"{_END}{_CLOSE}(?:\d\d|[ivx]{{2}})", _OPEN),
    (rf"{_AFTER_WORD}{_END}[ivx]", _OPEN),
    (rf"{_AFTER_WORD}{_END}[ivx]{{2}}", _OPEN),
    (rf"{_AFTER_WORD}{_END}[ivx]{{3}}", _OPEN),
    (rf"{_AFTER_LOWER}{_END}\d{{3}}", _OPEN),
    (r"[.!?] \d", _OPEN),
    (r"\]", rf"[\"“‘(]?{OPENING}"),
]
PLAIN_SENTENCE_BREAK = "|".join(rf"(?<={end})\s+(?={start})" for end, start in _BREAKS)
"""The breaks as first written, each a look-behind, white space, a look-ahead."""
# The same, written to open with the white space every break starts with (the look-behind then
# takes that white space in), so the regular expression engine skips ahead to white space instead
# of trying each look-behind at every character: the same matches (tested), four times as fast.
# Non-capturing groups only: langchain's splitter wraps separators in a group of its own.
# Every break's end finishes with one of these characters: a look at the one before the white space
# rules out most places before any of the breaks is tried.
_LAST = '[.!?…"”’)\\]»\\d⁰¹²³⁴-⁹*†‡ivx]'
_FAST = rf"(?<={_LAST}\s)(?:" + "|".join(rf"(?<={end}\s)\s*(?={start})" for end, start in _BREAKS) + ")"
SENTENCE_BREAK = rf"\s(?:{_FAST})"
# Paragraph breaks end sentences too, and so do line breaks before a bullet (or LaTeX's ``\\item``,
# the bullet as written), and before a numbered item after a line that ends a sentence or announces
# a list ("as follows:\n2. The").
_BULLETED = r"(?:[•◦▪‣·∙○●■□–—\uf0b7\uf0a7\uf0a8\uf0d8\uf076\uf0fc*+-]\s|\\(?:bib)?item\b)"
_NUMBERED = r"\d{1,3}[.)]\s"
PLAIN_BREAK = rf"{PLAIN_SENTENCE_BREAK}|\n\s*\n\s*|\n(?=\s*{_BULLETED})|(?<=[.!?:;])\n\s*(?={_NUMBERED})"
_BREAK = re.compile(rf"\s(?:{_FAST}|(?<=\n)\s*\n\s*|(?<=\n)(?=\s*{_BULLETED})|(?<=[.!?:;]\n)\s*(?={_NUMBERED}))")
_ABBREVIATION = re.compile(
    rf"(?:\b(?:{CAPITAL}\.){{1,3}}|\b(?:Mr|Mrs|Ms|Dr|Prof|St|Mt|Jr|Sr|No|Nos|Nr|pp|p|vol|Vol|art|Art|ch|Ch|para"
    r"|Inc|Ltd|Gen|Col|Lt|Capt|Sen|Rep|Gov|Hon|Dept|cf|vs|e\.g|i\.e|Fig|Sec|Approx|approx|ca"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.)$"
)
# Chinese and Japanese end a sentence at 。！？ with no space after it (a raised or bracketed marker
# stays with it). Looked for only in text that has one.
_ITEM_NUMBER = re.compile(r"\s*\d{1,3}[.)]")
_CJK_STOP = re.compile(r"[。！？]")
# (The markers are taken whole, then any white space: a marker followed by white space or the end
# stays with its sentence rather than being cut off as one of its own.)
_CJK_BREAK = re.compile(r"[。！？][」』”’）)]*(?:[⁰¹²³⁴-⁹]+|\[\^?[^\]\s]{1,10}\])*+\s*(?=\S)")


def sentences(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Split ``text[start:end]`` into trimmed sentence spans (offsets into ``text``)."""
    end = len(text) if end is None else end
    out: list[Span] = []
    begin = start
    for m in _BREAK.finditer(text, start, end):
        before = text[max(begin, m.start() - 12) : m.start()]
        if "\n" not in m.group() and _ABBREVIATION.search(before):
            continue
        if _ITEM_NUMBER.fullmatch(text, begin, m.start()):
            continue  # "3." opening a numbered item opens its sentence
        _append(text, begin, m.start(), out)
        begin = m.end()
    _append(text, begin, end, out)
    if _CJK_STOP.search(text, start, end):
        out = [piece for span in out for piece in _cjk_sentences(text, span)]
    return out


def _cjk_sentences(text: str, span: Span) -> list[Span]:
    out: list[Span] = []
    begin = span.start
    for m in _CJK_BREAK.finditer(text, span.start, span.end):
        _append(text, begin, m.end(), out)
        begin = m.end()
    _append(text, begin, span.end, out)
    return out


_BULLET = re.compile(r"[•◦▪‣·∙○●■□–—\uf0b7\uf0a7\uf0a8\uf0d8\uf076\uf0fc*+-][ \t\u00a0]+")
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
