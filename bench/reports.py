"""Field reports written by a seeded generator, and the check that what footnoted read holds their notes.

A report is chapters of paragraphs; a paragraph is sentences, most closed by a note of the kinds a
field report has (interviews, "Ibid." and "Ibid., p. N" runs, long letters, cited reports, web
addresses), then a stretch of filler words. Figures such as "$1.59 million" and years ("in
2003.57") sit beside the markers. The same report can be written out by any typesetter
(``bench/typeset_reports.py``: Typst; ``bench/office_reports.py``: LibreOffice), and ``check``
looks for every note of it in a document footnoted read.
"""

from __future__ import annotations

import argparse
import random
import re
from dataclasses import dataclass
from pathlib import Path

TITLE = "Fields of Stone"
SUBTITLE = "Landmines in the Northern Provinces"
AUTHOR = "Human Rights Watch"
_WHO = ("a deminer", "a farmer", "a district official", "a nurse", "a schoolteacher", "a former soldier")
_PLACES = ("Kabul", "Herat", "Kandahar", "Mazar-i-Sharif", "Jalalabad", "Bamiyan", "Ghazni")
_MONTHS = ("March", "April", "May", "June", "July")
_CLAIMS = (
    "Clearance teams in the province worked through the winter of {y}, although frozen ground slowed them",
    "Families returning to the valley found their fields still marked with red-painted stones",
    "The district hospital treated {n} injuries from mines in {y}",
    "Traders avoided the old road and took a longer route through the hills, adding {n} kilometres",
    "The schools along the border taught {n} children to recognise the most common mines",
    "Local officials asked for survey teams to return before the planting season of {y}",
    "Former soldiers pointed out the places where they had laid mines years before",
    "Village elders kept their own maps of the {n} fields they believed to be dangerous",
    "The national authority reported spending $1.{n} million on clearance in {y}",
    "At least {n} people were killed or injured by mines and unexploded ordnance in the province",
    "According to the survey, {n} percent of the contaminated land lay within a day's walk of a school",
)
_CHAPTERS = ("Summary", "Background", "Clearance", "Victims", "Returnees", "Recommendations", "Methods", "Donors")
_LOREM = (
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et "
    "dolore magnam aliquam quaerat voluptatem. Ut enim aeque doleamus animo, cum corpore dolemus, fieri tamen "
    "permagna accessio potest, si aliquod aeternum et infinitum impendere malum nobis opinemur. Quod idem licet "
    "transferre in voluptatem, ut postea variari voluptas distinguique possit, augeri amplificarique non possit. "
    "At etiam Athenis, ut e patre audiebam facete et urbane Stoicos irridente, statua est in Ceramico Chrysippi "
    "sedentis porrecta manu, quae manus significet illum in hae esse rogatiuncula delectatum."
).split()


@dataclass(frozen=True, slots=True)
class Layout:
    """How a report is set. Typst sets the first five; the word processor all of them."""

    columns: int = 1
    paper: str = "us-letter"
    size: int = 11
    """Points, of the running text."""
    restart: bool = False
    """Notes numbered afresh in each chapter."""
    urls: bool = False
    """Notes that hold web addresses."""
    font: str = "Liberation Serif"
    endnotes: bool = False
    """Endnotes on pages of their own at the end, not notes at the feet of pages."""
    numerals: str = "1"
    """How endnotes are numbered: "1" or "i" (the word processors' default)."""
    hanging: bool = True
    """Notes indented past their labels."""


COUNTS = ("written", "read", "text", "marker", "heads")
COLUMNS = ["notes written", "read", "text right", "marker right", "heads left", "read s"]
"""The table's columns for ``COUNTS`` and the seconds a file took to read."""


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chapters", type=int, default=6)
    parser.add_argument("--seed", type=int, default=30)
    parser.add_argument("--out", type=Path)
    return parser.parse_args()


def file_stem(layout: str) -> str:
    return re.sub(r"\W+", "-", layout.lower()).strip("-")


def summary(what: str, counts: list[int]) -> str:
    """One line for the totals of ``COUNTS``."""
    written, read, text, marker, heads = counts
    return (
        f"{what}: {written} notes written, {read} read, {text} with the right text, {marker} with the right "
        f"marker; {heads} running heads or page numbers left in the text"
    )


@dataclass(frozen=True, slots=True)
class Paragraph:
    sentences: tuple[tuple[str, str | None], ...]
    """Each sentence (without its full stop) and the note that closes it, if any."""
    filler: int
    """How many filler words follow."""


@dataclass(frozen=True, slots=True)
class Report:
    chapters: tuple[tuple[str, tuple[Paragraph, ...]], ...]

    def notes(self) -> list[tuple[str, str]]:
        """(the sentence a note closes, the note's text) for every note, in order."""
        return [(s, n) for _, paragraphs in self.chapters for p in paragraphs for s, n in p.sentences if n is not None]


def report(seed: int, chapters: int, *, urls: bool = False) -> Report:
    """The report of a seed (deterministic)."""
    rng = random.Random(seed)

    def note(first: bool) -> str:
        r = rng.random()
        if r < 0.25 and not first:
            return f"Ibid., p. {rng.randint(2, 300)}."
        if r < 0.32 and not first:
            return "Ibid."
        if r < 0.6:
            when = f"{rng.choice(_MONTHS)} {rng.randint(1, 28)}, 2005"
            return f"Human Rights Watch interview with {rng.choice(_WHO)}, {rng.choice(_PLACES)}, {when}."
        if r < 0.72:
            year, month = rng.choice((2003, 2004, 2005)), rng.choice(_MONTHS)
            pages = f"{rng.randint(100, 900)}-{rng.randint(901, 999)}"
            return f"Landmine Monitor Report {year}: Toward a Mine-Free World (New York: Human Rights Watch, {month} {year}), pp. {pages}."
        if urls and r < 0.82:
            q, year = rng.randint(1, 4), rng.choice((2004, 2005))
            return (
                f'Mine Action Centre, "Quarterly Report {q}/{year}," http://www.example.org/reports/q{q}-{year}.pdf '
                f"(accessed {rng.choice(_MONTHS)} {rng.randint(1, 28)}, 2005)."
            )
        return (
            f"Letter from the Mine Action Centre to Human Rights Watch, {rng.choice(_MONTHS)} {rng.randint(1, 28)}, 2005. "
            f"The letter also describes the survey methods used in {rng.choice(_PLACES)} and the reasons given for "
            f"delays in {rng.randint(2, 9)} districts, including weather, security and the lack of trained staff."
        )

    out = []
    for title in _CHAPTERS[:chapters]:
        first = True
        paragraphs = []
        for _ in range(rng.randint(6, 10)):
            sentences: list[tuple[str, str | None]] = []
            for _ in range(rng.randint(2, 4)):
                claim = rng.choice(_CLAIMS).format(n=rng.randint(2, 90), y=rng.choice((2003, 2004, 2005)))
                if rng.random() < 0.7:
                    sentences.append((claim, note(first)))
                    first = False
                else:
                    sentences.append((claim, None))
            paragraphs.append(Paragraph(tuple(sentences), rng.randint(20, 60)))
        out.append((title, tuple(paragraphs)))
    return Report(tuple(out))


def lorem(words: int) -> str:
    """``words`` words of filler, from the start of the usual passage, ending with a full stop."""
    text = " ".join(_LOREM[i % len(_LOREM)] for i in range(words))
    return text.rstrip(",.") + "."


def _letters(text: str) -> str:
    return re.sub(r"\W+", "", text).lower()


def check(doc: object, notes: list[tuple[str, str]]) -> dict[str, int]:
    """How many of ``notes`` (``Report.notes()``) were read, with the right text, and with their one
    marker closing the right sentence; and how many running heads and page numbers were left in
    the text as blocks of their own (``heads``)."""
    read = sorted(doc.footnotes, key=lambda n: n.start)  # type: ignore[attr-defined]
    source = doc.source  # type: ignore[attr-defined]
    text_right = marker_right = 0
    j = 0  # the notes are matched in order, a note read wrong or not at all skipped
    for claim, text in notes:
        match = next((k for k in range(j, min(j + 8, len(read))) if _letters(read[k].text) == _letters(text)), None)
        if match is None:
            continue
        note, j = read[match], match + 1
        text_right += 1
        if len(note.markers) == 1:
            before = source[max(0, note.markers[0].start - 60) : note.markers[0].start]
            marker_right += int(_letters(claim)[-15:] in _letters(before))
    # A running head or page number left among the passages (it belongs to no sentence).
    furniture = {_letters(TITLE), _letters(AUTHOR), _letters(AUTHOR + TITLE)}
    left = len(
        [
            b
            for b in doc.blocks  # type: ignore[attr-defined]
            if b.kind != "furniture"
            and (_letters(source[b.start : b.end]) in furniture or source[b.start : b.end].strip().isdigit())
        ]
    )
    return {"written": len(notes), "read": len(read), "text": text_right, "marker": marker_right, "heads": left}
