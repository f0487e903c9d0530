"""How notes are labelled and counted: numbers, roman numerals (Word's endnotes i, ii, iii), letters
(a .. z, then aa) and symbols."""

from __future__ import annotations

import re

# A lower-case roman numeral up to 399 (the letters, in order; it may match nothing).
NUMERAL = r"c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})"
# Word numbers endnotes i, ii, iii by default, and its text and web exports keep them: "[iv]".
ROMAN = rf"(?=[ivxlc]{{2}}){NUMERAL}"
"""A lower-case roman numeral of two letters or more, up to 399 (one letter is read as a letter)."""
# Up to four digits: a four-digit label is kept only past note 999 (``layout.beyond_999``).
LABEL = rf"\d{{1,4}}|{ROMAN}|[a-z]|[*†‡§]{{1,3}}"
# Any lower-case roman numeral, one letter or more, as a whole word ("iv", not "ivory").
ANY_ROMAN = rf"(?=[ivxlc]){NUMERAL}(?![a-z])"
_ROMAN_VALUES = (
    ("m", 1000),
    ("cm", 900),
    ("d", 500),
    ("cd", 400),
    ("c", 100),
    ("xc", 90),
    ("l", 50),
    ("xl", 40),
    ("x", 10),
    ("ix", 9),
    ("v", 5),
    ("iv", 4),
    ("i", 1),
)


def roman(n: int) -> str:
    """``n`` (from 1) as a lower-case roman numeral (labels are read as notes to 399, cccxcix)."""
    out = ""
    for letters, value in _ROMAN_VALUES:
        while n >= value:
            out, n = out + letters, n - value
    return out


def lettered(n: int) -> str:
    """``n`` (from 1) as word processors letter notes: a .. z, then aa .. zz, then aaa."""
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def label_number(label: str) -> int | None:
    """A label's place in its sequence: "12" is 12, "xii" is 12; None for a letter or a symbol."""
    if label.isdigit():
        return int(label)
    if re.fullmatch(ANY_ROMAN, label) and len(label) <= 9:
        value = 0
        rest = label
        for letters, amount in _ROMAN_VALUES:
            while rest.startswith(letters):
                value, rest = value + amount, rest[len(letters) :]
        return value if not rest else None
    return None
