"""reStructuredText's footnotes and citations: their labels as docutils numbers them, and the
references that cite them.

A manual note ``.. [3]`` is labelled "3". Auto-numbered notes (``.. [#]``, ``.. [#name]``) take,
in the order they are defined, the lowest number that no name in the document holds (a manual
note's "3" among them); a ``[#name]_`` cites the note of that name, and the n-th ``[#]_`` the n-th
``.. [#]``. Auto-symbol notes (``.. [*]``) are labelled * † ‡ § ¶ # ♠ ♥ ♦ ♣ in order, each
doubled after the tenth, and the n-th ``[*]_`` cites the n-th. A citation (``.. [CIT2002]``) is
labelled by its name, which its references match whatever their case.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from footnoted.types import Footnote, Span

SIMPLE_NAME = r"(?:(?!_)\w)+(?:[-._+:](?:(?!_)\w)+)*"
"""A reference name as docutils writes it without backquotes: "CIT2002", "DWR-2020", "py:func"."""
LABEL = rf"[0-9]+|\#(?:{SIMPLE_NAME})?|\*|{SIMPLE_NAME}"
_REFERENCE = re.compile(rf"\[(?P<label>{LABEL})\]_")
SYMBOLS = "*†‡§¶#♠♥♦♣"
# What may stand before a reference's "[" and after its "_" (docutils' rules for inline markup):
# white space, the text's edge, or punctuation that opens, closes or separates.
_BEFORE = frozenset({"Ps", "Pi", "Pf", "Pd", "Po"})
_AFTER = frozenset({"Pe", "Pi", "Pf", "Pd", "Po"})


@dataclass(frozen=True, slots=True)
class NoteDefinition:
    """A ``.. [label]`` block: the label as written, and its text's span."""

    written: str
    start: int
    end: int


@dataclass(slots=True)
class _Links:
    labels: list[str]
    markers: list[list[Span]]
    warnings: list[str] = field(default_factory=list)


def name_of(text: str) -> str:
    """A name as docutils compares names: lower case, runs of white space one space."""
    return " ".join(text.lower().split())


def references(source: str, spans: Iterable[Span], code: Sequence[Span]) -> list[tuple[str, Span]]:
    """The note references (``[1]_``, ``[#]_``, ``[#name]_``, ``[*]_``, ``[CIT2002]_``) in
    ``spans`` of ``source``, in order, none inside ``code``: each with its label as written."""
    out: list[tuple[str, Span]] = []
    for span in spans:
        if source.find("]_", span.start, span.end) == -1:
            continue
        for m in _REFERENCE.finditer(source, span.start, span.end):
            if _delimited(source, m.start(), m.end(), span) and not any(c.start <= m.start() < c.end for c in code):
                out.append((m.group("label"), Span(m.start(), m.end())))
    return out


def _delimited(source: str, start: int, end: int, span: Span) -> bool:
    """Whether inline markup may start at ``start`` and end at ``end`` (not inside a word, not escaped)."""
    if start > span.start:
        before = source[start - 1]
        if before == "\\":
            return False
        if not before.isspace() and unicodedata.category(before) not in _BEFORE:
            return False
    if end < span.end:
        after = source[end]
        if not after.isspace() and after != "\\" and unicodedata.category(after) not in _AFTER:
            return False
    return True


def link_notes(
    source: str, definitions: Sequence[NoteDefinition], refs: Sequence[tuple[str, Span]], names: set[str]
) -> tuple[list[Footnote], list[str]]:
    """The notes ``definitions`` define, labelled and linked to the ``refs`` that cite them, and
    what is odd (a note nothing cites, a reference to no note). ``names`` are the document's other
    names (section titles, targets), which auto-numbering passes over as docutils does."""
    links = _label(definitions, names)
    by_number: dict[str, int] = {}
    by_name: dict[str, int] = {}
    anonymous: list[int] = []
    symbols: list[int] = []
    for i, d in enumerate(definitions):
        if d.written.isdigit():
            by_number.setdefault(d.written, i)
        elif d.written == "#":
            anonymous.append(i)
            by_number.setdefault(links.labels[i], i)
        elif d.written.startswith("#"):
            by_name.setdefault(name_of(d.written[1:]), i)
        elif d.written == "*":
            symbols.append(i)
        else:
            by_name.setdefault("[" + name_of(d.written), i)  # (a citation's names apart from notes')
    next_anonymous = iter(anonymous)
    next_symbol = iter(symbols)
    for written, span in refs:
        if written.isdigit():
            at = by_number.get(written)
        elif written == "#":
            at = next(next_anonymous, None)
        elif written.startswith("#"):
            at = by_name.get(name_of(written[1:]))
        elif written == "*":
            at = next(next_symbol, None)
        else:
            at = by_name.get("[" + name_of(written))
        if at is None:
            links.warnings.append(f"marker [{written}]_ at {span.start} has no note")
        else:
            links.markers[at].append(span)
    notes = [
        Footnote(label, source[d.start : d.end], d.start, d.end, tuple(markers))
        for d, label, markers in zip(definitions, links.labels, links.markers, strict=True)
    ]
    links.warnings.extend(f"note {n.label!r} at {n.start} has no marker in the text" for n in notes if not n.markers)
    return notes, links.warnings


def _label(definitions: Sequence[NoteDefinition], names: set[str]) -> _Links:
    """Each note's label as the rendered document shows it."""
    taken = set(names)
    taken.update(d.written for d in definitions if d.written.isdigit())
    taken.update(name_of(d.written[1:]) for d in definitions if d.written.startswith("#") and d.written != "#")
    number, symbol = 1, 0
    labels: list[str] = []
    for d in definitions:
        if d.written.startswith("#"):
            while str(number) in taken:
                number += 1
            labels.append(str(number))
            number += 1
        elif d.written == "*":
            reps, index = divmod(symbol, len(SYMBOLS))
            labels.append(SYMBOLS[index] * (reps + 1))
            symbol += 1
        else:
            labels.append(d.written)
    return _Links(labels, [[] for _ in definitions])
