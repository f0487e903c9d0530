"""Typeset reports with page-foot notes: is every note read whole, and linked to its marker?

    .venv/bin/python bench/typeset_reports.py [--chapters 6] [--seed 30] [--out DIR]

Each layout is a report written for the purpose and typeset by Typst (``pip install typst``, in
the bench extra): chapters of paragraphs whose sentences carry notes of the kinds a field report
has (interviews, "Ibid." and "Ibid., p. N", long letters, cited reports, web addresses), figures
such as "$1.59 million" and years ("in 2003.57") beside the markers, a running head and page
numbers. The layouts: one column (US letter), two columns, A5 in small type, notes numbered
afresh in each chapter, notes holding web addresses, and A4 in large type. Every note the source
holds is looked for in what footnoted read: its text (letters and digits compared) and its one
marker, which must close the sentence the note was written on. ``--out`` keeps the sources and
PDFs.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import header, table

LAYOUTS: dict[str, dict[str, object]] = {
    "one column": {},
    "two columns": {"columns": 2, "size": 10},
    "A5, small type": {"paper": "a5", "size": 9},
    "numbered per chapter": {"restart": True},
    "web addresses": {"urls": True},
    "A4, large type": {"paper": "a4", "size": 12},
}
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
    "The national authority reported spending \\$1.{n} million on clearance in {y}",
    "At least {n} people were killed or injured by mines and unexploded ordnance in the province",
    "According to the survey, {n} percent of the contaminated land lay within a day's walk of a school",
)
_CHAPTERS = ("Summary", "Background", "Clearance", "Victims", "Returnees", "Recommendations", "Methods", "Donors")


def source(
    seed: int,
    chapters: int,
    *,
    columns: int = 1,
    paper: str = "us-letter",
    size: int = 11,
    restart: bool = False,
    urls: bool = False,
) -> str:
    """The Typst source of one report (deterministic for a seed)."""
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

    head = (
        f'#set document(title: "Fields of Stone: Landmines in the Northern Provinces", author: "Human Rights Watch")\n'
        f'#set page(paper: "{paper}", columns: {columns}, margin: (x: 2.2cm, y: 2.5cm), '
        "header: context { if counter(page).get().first() > 1 [#set text(8pt); Human Rights Watch #h(1fr) Fields of Stone] }, "
        'footer: context [#set text(8pt); #h(1fr) #counter(page).display("1") #h(1fr)])\n'
        f"#set text(size: {size}pt)\n#set par(justify: true)\n\n= Fields of Stone\n\n"
    )
    body = []
    for title in _CHAPTERS[:chapters]:
        if restart:
            body.append("#counter(footnote).update(0)\n")
        body.append(f"== {title}\n\n")
        first = True
        for _ in range(rng.randint(6, 10)):
            parts = []
            for _ in range(rng.randint(2, 4)):
                claim = rng.choice(_CLAIMS).format(n=rng.randint(2, 90), y=rng.choice((2003, 2004, 2005)))
                if rng.random() < 0.7:
                    parts.append(f"{claim}.#footnote[{note(first)}]")
                    first = False
                else:
                    parts.append(f"{claim}.")
            parts.append(f"#lorem({rng.randint(20, 60)})")
            body.append(" ".join(parts) + "\n\n")
    return head + "".join(body)


def written(typ: str) -> list[tuple[str, str]]:
    """(the sentence a note closes, the note's text) for every note of a source, in order."""
    return re.findall(r"([^.\]]*?)\.#footnote\[(.*?)\](?=[ .])", typ)


def _letters(text: str) -> str:
    return re.sub(r"\W+", "", text.replace("\\$", "$")).lower()


def check(doc: object, typ: str) -> dict[str, int]:
    """How many of the source's notes were read, with the right text, and with their one marker
    closing the right sentence."""
    notes = sorted(doc.footnotes, key=lambda n: n.start)  # type: ignore[attr-defined]
    source = doc.source  # type: ignore[attr-defined]
    pairs = written(typ)
    text_right = marker_right = 0
    j = 0  # the notes are matched in order, a note read wrong or not at all skipped
    for claim, text in pairs:
        match = next((k for k in range(j, min(j + 8, len(notes))) if _letters(notes[k].text) == _letters(text)), None)
        if match is None:
            continue
        note, j = notes[match], match + 1
        text_right += 1
        if len(note.markers) == 1:
            before = source[max(0, note.markers[0].start - 60) : note.markers[0].start]
            marker_right += _letters(claim)[-15:] in _letters(before)
    return {"written": len(pairs), "read": len(notes), "text": text_right, "marker": marker_right}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chapters", type=int, default=6)
    parser.add_argument("--seed", type=int, default=30)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    import typst

    from footnoted.ingest import parse

    header("typeset reports", "Typst PDFs with page-foot notes; each note's text and marker checked against the source")
    out = args.out or Path(tempfile.mkdtemp())
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for k, (name, options) in enumerate(LAYOUTS.items()):
        typ = source(args.seed + k, args.chapters, **options)  # type: ignore[arg-type]
        stem = re.sub(r"\W+", "-", name.lower()).strip("-")
        (out / f"{stem}.typ").write_text(typ)
        data = typst.compile(str(out / f"{stem}.typ"))
        (out / f"{stem}.pdf").write_bytes(data)
        started = time.perf_counter()
        doc = parse(data, name=f"{stem}.pdf")
        seconds = time.perf_counter() - started
        found = check(doc, typ)
        rows.append(
            [name, doc.metadata["pages"], found["written"], found["read"], found["text"], found["marker"], seconds]
        )
    table(rows, ["layout", "pages", "notes written", "read", "text right", "marker right", "read s"])
    total = [sum(r[i] for r in rows) for i in (2, 3, 4, 5)]
    print(
        f"all layouts: {total[0]} notes written, {total[1]} read, {total[2]} with the right text, {total[3]} with the right marker"
    )
    if args.out:
        print(f"sources and PDFs in {out}")


if __name__ == "__main__":
    main()
