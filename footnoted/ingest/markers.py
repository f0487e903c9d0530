"""Where a text may cite a note: marker candidates, each weighed by how little else it could be.

``[3]``, ``³``, runs of them (``[2,3]``, ``¹¹⁻¹³``) and the spans a reader marked (an HTML
``<sup>``) weigh most; digits, roman numerals and symbols glued to a word or to punctuation weigh
less, and must run in order: among a region's candidates the chain of increasing labels with the
best evidence wins (``best_chain``, a dynamic programme over labels).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from dataclasses import dataclass

from footnoted.ingest.labels import ANY_ROMAN, LABEL, label_number
from footnoted.ingest.layout import EMPHASIS_OPEN, WESTLAW_LABEL, exponent, normalise_label
from footnoted.types import Block, Span

# A flattened roman superscript, glued to the end of a sentence or a clause: "mines.ii It".
# After a word's punctuation, or its punctuation and a closing quote ("ends.”ii").
_GLUED_ROMAN = re.compile(
    rf"(?:(?<=[a-z0-9%][.,;:!?\"”’)])|(?<=[a-z0-9%][.,;:!?][\"”’)]))(?P<label>{ANY_ROMAN})(?=\s|$)"
)
# A word whose last letters may be a flattened roman superscript glued to it ("officei",
# "auditorsiii", "declinesxi"): its first two letters or more, then a run of numeral letters.
_WORD_ROMAN = re.compile(r"(?<![^\W\d_])(?P<stem>[^\W\d_]{2,}?)(?P<letters>[ivxlc]+)(?=[\s.,;:!?)\]\"”’]|$)")
# Chinese and Japanese punctuation a flattened marker may follow ("地雷。1", "两遍，2"), and then the
# next sentence with no space ("地雷。1技術者").
_CJK_PUNCTUATION = "。！？，、；：」』）】"
# What follows a Chinese or Japanese number: years, months, days, people, things, times...
_CJK_COUNTERS = frozenset("年月日時时分秒歳岁人名個个枚本冊册件回次倍割万千百十億亿号號位台部頁页章節节条條種种つ")
BRACKET_MARKER = re.compile(rf"(?<!^)\[(?P<label>{LABEL})\](?![(:])")
# Westlaw's marker, "FN1" glued to a word or to punctuation or after a space, or "[FN1]": never "FN"
# alone, "FNMA", or "FN1" inside a word or a code ("SFN12", "FN1a"); an author's note, "[FNa1]".
WL_MARKER = re.compile(
    rf"\[FN(?P<bracketed>{WESTLAW_LABEL})\]|(?<![A-Z0-9\[])FN(?P<label>{WESTLAW_LABEL})(?![A-Za-z0-9])"
)
WL_AFTER_CAPITAL = re.compile(rf"(?<=[A-Z])FN(?P<label>{WESTLAW_LABEL})(?![A-Za-z0-9])")
"""Westlaw's marker glued to a capital ("under CERCLAFN3"): read only in a text that cites its notes
otherwise too, where a code such as "SFN12" is unlikely, and never as evidence that it does."""
# Notes marked with a symbol after a rule ("---", "___", "***") or a "Notes" heading, a line each:
# "* Norway's fund ...", "** See ...", "† ...", cited "2005.*", "decade.**".
SYMBOL = r"\*{1,3}|†{1,3}|‡{1,3}|§{1,3}"
SYMBOL_MARKER = re.compile(rf"(?:(?<=[^\W_])|(?<=[.,;:!?)\]\"”’%]))(?P<label>{SYMBOL})(?![*†‡§\w])")
# (Where the text has an asterisk opening emphasis, "*word*", "word*" closes it, citing nothing.)
_CAPITAL_MARKER = re.compile(r"(?<!^)\[(?P<label>[A-Z])\](?![(:])")
"""A capital letter's marker, "[A]": only Project Gutenberg's notes are so labelled."""
_SUPERSCRIPT_MARKER = re.compile(r"(?<=\S)(?P<label>[¹²³⁴⁵⁶⁷⁸⁹⁰]{1,4})")
# Runs of markers: "[2,3]", "[2, 5]", "[4-6]", "[4–6]"; raised "¹¹⁻¹³" (a raised comma is a comma).
LABEL_RUN = re.compile(r"\d{1,4}(?:\s?[,–—-]\s?\d{1,4})+")
_BRACKET_RUN = re.compile(r"(?<!^)\[(?P<labels>\d{1,4}(?:\s?[,–-]\s?\d{1,4})+)\](?![(:])")
_SUPERSCRIPT_RUN = re.compile(r"(?<=\S)[¹²³⁴⁵⁶⁷⁸⁹⁰]{1,4}(?:⁻[¹²³⁴⁵⁶⁷⁸⁹⁰]{1,4})+")
_DIGITS = re.compile(r"\d{1,4}(?!\d)")
_ABBREVIATIONS = re.compile(
    r"\b(?:p|pp|no|nos|vol|vols|art|arts|ch|chap|para|paras|fig|figs|sec|secs|n|nn|col|cols|cf|op|table|note)\.$",
    re.IGNORECASE,
)
GAP_PENALTY = 0.75


@dataclass(frozen=True, slots=True)
class Candidate:
    label: str
    start: int
    end: int
    weight: float


def strong_candidates(source: str, block: Block, hints: list[Span], hint_starts: list[int]) -> list[Candidate]:
    """Markers no prose number looks like: ``[3]``, ``³`` and spans a reader marked (``hints``, by
    start; ``hint_starts`` are their starts); and runs of them, ``[2,3]``, ``[4-6]``, ``¹¹⁻¹³``, a
    ``<sup>5,6</sup>``: a marker for each note they name."""
    out = []
    for m in BRACKET_MARKER.finditer(source, block.start, block.end):
        if m.start() > block.start:
            out.append(Candidate(m.group("label"), m.start(), m.end(), 3.0))
    for m in _BRACKET_RUN.finditer(source, block.start, block.end):
        if m.start() > block.start:
            out.extend(_run(source, m.start("labels"), m.end("labels")))
    for m in _SUPERSCRIPT_RUN.finditer(source, block.start, block.end):
        out.extend(_run(source, m.start(), m.end()))
    taken = [(c.start, c.end) for c in out]
    for m in _SUPERSCRIPT_MARKER.finditer(source, block.start, block.end):
        label = normalise_label(m.group("label"))
        if not exponent(source, m.start(), label) and not any(s <= m.start() < e for s, e in taken):
            out.append(Candidate(label, m.start(), m.end(), 3.0))
    for span in hints[bisect.bisect_left(hint_starts, block.start) : bisect.bisect_right(hint_starts, block.end)]:
        if any(c.start <= span.start and span.end <= c.end for c in out):
            continue  # the figure inside a "[3]" already taken
        if block.start <= span.start and span.end <= block.end:
            text = source[span.start : span.end]
            label = normalise_label(text.strip("[]()^ \u00a0"))
            if LABEL_RUN.fullmatch(label):
                inner = span.start + len(text) - len(text.lstrip("[]()^ \u00a0"))
                out.extend(_run(source, inner, inner + len(label)))
            elif label and not exponent(source, span.start, label):
                out.append(Candidate(label, span.start, span.end, 3.0))
    return out


def capital_candidates(source: str, block: Block) -> list[Candidate]:
    """Markers of notes lettered in capitals ("[A]"), as Project Gutenberg's may be."""
    return [
        Candidate(m["label"], m.start(), m.end(), 3.0)
        for m in _CAPITAL_MARKER.finditer(source, block.start, block.end)
        if m.start() > block.start
    ]


def westlaw_candidates(source: str, block: Block) -> list[Candidate]:
    """Westlaw's markers, "FN1" and "[FN1]": the whole token is the marker, its number the label.
    One glued to a capital ("CERCLAFN3") weighs less: a label with no note raises no warning."""
    return [
        Candidate(m["bracketed"] or m["label"], m.start(), m.end(), 3.0)
        for m in WL_MARKER.finditer(source, block.start, block.end)
    ] + [
        Candidate(m["label"], m.start(), m.end(), 2.0)
        for m in WL_AFTER_CAPITAL.finditer(source, block.start, block.end)
    ]


def symbol_candidates(source: str, block: Block, labels: set[str]) -> list[Candidate]:
    """Symbols glued to a word or to punctuation ("2005.*", "decade.**") that label a note; an
    asterisk only where the block opens no emphasis ("*word*")."""
    emphasis = EMPHASIS_OPEN.search(source, block.start, block.end) is not None
    return [
        Candidate(m["label"], m.start(), m.end(), 3.0)
        for m in SYMBOL_MARKER.finditer(source, block.start, block.end)
        if m["label"] in labels and not (emphasis and "*" in m["label"])
    ]


def _run(source: str, start: int, end: int) -> list[Candidate]:
    """The markers of a run of labels at ``source[start:end]`` ("2,3", "4-6", "¹¹⁻¹³"): each number
    its own digits; a number a range passes over, its dash. A range of more than 20 is no run of
    notes (a span of pages, say) and gives nothing."""
    text = normalise_label(source[start:end]).replace("⁻", "-")
    numbers = [(int(m.group()), start + m.start(), start + m.end()) for m in re.finditer(r"\d+", text)]
    out = []
    for (n, a, b), after in itertools.zip_longest(numbers, numbers[1:]):
        out.append(Candidate(str(n), a, b, 3.0))
        between = text[b - start : after[1] - start] if after is not None else ""
        if after is not None and between.strip() in ("-", "–", "—"):
            if not 0 < after[0] - n <= 20:
                return []
            dash = b + between.index(between.strip())
            out.extend(Candidate(str(k), dash, dash + 1, 3.0) for k in range(n + 1, after[0]))
    return out


def marker_run(source: str, start: int, end: int) -> list[tuple[str, Span]]:
    """The labels a run of markers at ``source[start:end]`` names ("5,6", "4-6"), each with its span
    (see ``_run``)."""
    return [(c.label, Span(c.start, c.end)) for c in _run(source, start, end)]


def side_by_side(candidates: list[Candidate], noted: set[str], source: str) -> list[Candidate]:
    """Two markers set side by side, read as one number (``it.⁵⁶``, a PDF's raised ``56``): a
    candidate whose digits name no note but split into two consecutive numbers that do is those
    two markers."""
    out = []
    for c in candidates:
        digits = c.label
        split = None
        if digits not in noted and digits.isdigit() and len(normalise_label(source[c.start : c.end])) == len(digits):
            split = next(
                (
                    cut
                    for cut in range(1, len(digits))
                    if digits[cut] != "0"
                    and digits[:cut] in noted
                    and digits[cut:] in noted
                    and int(digits[cut:]) == int(digits[:cut]) + 1
                ),
                None,
            )
        if split is None:
            out.append(c)
        else:
            out.append(Candidate(digits[:split], c.start, c.start + split, c.weight))
            out.append(Candidate(digits[split:], c.start + split, c.end, c.weight))
    return out


def glued_candidates(source: str, block: Block) -> list[Candidate]:
    """Flattened superscripts: ``mines.2``, ``in 1991.1``, ``operations. 7``; never ``$1.3 billion``."""
    out = []
    for m in _DIGITS.finditer(source, block.start, block.end):
        start, end = m.start(), m.end()
        if start == block.start:
            continue
        before = source[start - 1]
        if before.isdigit():
            continue
        after = source[end] if end < block.end else ""
        # After a marker: white space or punctuation, or, past Chinese or Japanese punctuation, the
        # next sentence's first character (a letter of a script without case).
        cjk = (
            before in _CJK_PUNCTUATION
            and after.isalpha()
            and not after.islower()
            and not after.isupper()
            and after not in _CJK_COUNTERS  # "。3年後": a number opening a sentence
        )
        if after and not (after.isspace() or after in ')]"”’.,;:!?' or cjk):
            continue
        if exponent(source, start, m.group()):
            continue  # "340 km2": a power
        if after in ".,:" and end + 1 < block.end and source[end + 1].isdigit():
            continue  # the start of a decimal or a list of numbers
        rest = source[end : min(block.end, end + 6)].lstrip(' \t\n\u00a0.,;:"”’)]')  # a line may break after a marker
        sentence_follows = not rest or rest[0].isupper() or rest[0] in '“"([' or end >= block.end
        weight = _glued_weight(source, block.start, start, before, sentence_follows, after)
        if weight > 0:
            out.append(Candidate(m.group(), start, end, weight))
    return out


def glued_romans(source: str, block: Block, word_counts: Counter[str] | None) -> list[Candidate]:
    """Flattened roman superscripts (Word's and LibreOffice's endnotes, printed): ``mines.ii It``,
    after a sentence's or clause's punctuation but never after an abbreviation (``e.g.``); and,
    given ``word_counts`` (the document's words, lower-cased), glued to a word: ``officei reported``.

    A word's last letters are a numeral only as a weak reading, one for each numeral they end with
    ("auditorsiii": iii, ii or i), and only for a word the document holds once: "taxi" or "will"
    written twice is a word. A reading whose rest is a word the document uses elsewhere ("office"
    in "officei", not "tax" in "taxi") weighs more. The chain of increasing labels then keeps the
    readings that run i, ii, iii in order (``best_chain`` takes at most one of a word's readings).
    """
    out = []
    for m in _GLUED_ROMAN.finditer(source, block.start, block.end):
        if source[m.start() - 1] == "." and _ABBREVIATIONS.search(source[max(block.start, m.start() - 12) : m.start()]):
            continue
        out.append(Candidate(m.group("label"), m.start(), m.end(), 2.0))
    if word_counts is None:
        return out
    for m in _WORD_ROMAN.finditer(source, block.start, block.end):
        if m.group("stem")[-1] in "ivxlc" or word_counts[m.group().lower()] > 1:
            continue  # all numeral letters ("xii", "civil"), or a word the text uses again
        letters = m.group("letters")
        for cut in range(len(letters)):
            if re.fullmatch(ANY_ROMAN, letters[cut:]):
                stem = source[m.start() : m.start("letters") + cut].lower()
                known = word_counts[stem] > 0 or (stem.endswith("s") and word_counts[stem[:-1]] > 0)
                out.append(Candidate(letters[cut:], m.start("letters") + cut, m.end(), 1.5 if known else 1.0))
    return out


def roman_list(labels: set[str]) -> bool:
    """Whether notes so labelled are endnotes numbered i, ii, iii (every label a roman numeral, i and
    ii among them), which may prove a word's last letters a marker."""
    return {"i", "ii"} <= labels and all(not label.isdigit() and label_number(label) is not None for label in labels)


def _glued_weight(
    source: str, block_start: int, start: int, before: str, sentence_follows: bool, after: str = ""
) -> float:
    prefix = source[max(block_start, start - 12) : start]
    if before.islower() or before in ')]"”’%;!?':
        return 2.0
    if before in _CJK_PUNCTUATION:
        return 1.5
    if before in ".":
        if start >= 2 and source[start - 2].isdigit():
            # "in 1991.1 It": a figure, the sentence's full stop, then a marker; but "10.4 million"
            # is a decimal, and "since version 3.2. The" ends its sentence after the figure.
            return 1.0 if sentence_follows and (not after or after not in ".!?") else 0.0
        return 0.0 if _ABBREVIATIONS.search(prefix) else 2.0
    if before == "," and not (start >= 2 and source[start - 2].isdigit()):
        return 1.5
    if before in " \u00a0" and sentence_follows:
        # "operations. 7 Moreover": one space after sentence punctuation.
        head = prefix[:-1]
        if head and head[-1] in '.!?;:"”’)' and not _ABBREVIATIONS.search(head):
            return 1.0
    return 0.0


def best_chain(candidates: list[Candidate]) -> list[Candidate]:
    """The increasing-label subsequence of numeric candidates with the most evidence.

    best[L] is the best score of a chain that ends in a candidate labelled L seen so far;
    a chain's score is the sum of its weights less a penalty for each label it skips.
    Overlapping candidates are readings of one word ("utilitiesiv": iv, or v): a chain takes
    one of them, never one after another.
    """
    numeric = sorted((c for c in candidates if label_number(c.label) is not None), key=lambda c: c.start)
    if not numeric:
        return []
    words: list[list[int]] = []  # the candidates' indexes, overlapping ones together
    for j, c in enumerate(numeric):
        if words and c.start < max(numeric[k].end for k in words[-1]):
            words[-1].append(j)
        else:
            words.append([j])
    first = min(label_number(c.label) or 0 for c in numeric)
    best: dict[int, tuple[float, int]] = {}
    back: list[int] = []
    for word in words:
        readings = []
        for j in word:
            c = numeric[j]
            label = label_number(c.label) or 0
            score, prev = c.weight - GAP_PENALTY * (label - first), -1
            for lower in range(max(0, label - 12), label):
                if lower in best:
                    s, i = best[lower]
                    s += c.weight - GAP_PENALTY * (label - lower - 1)
                    if s > score:
                        score, prev = s, i
            back.append(prev)
            readings.append((label, score, j))
        for label, score, j in readings:
            if label not in best or score > best[label][0]:
                best[label] = (score, j)
    score, j = max(best.values())
    if score <= 0:
        return []
    chain = []
    while j != -1:
        chain.append(numeric[j])
        j = back[j]
    return chain[::-1]
