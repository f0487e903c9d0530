"""Finding every passage that cites a source, when most cite it by a short form ("supra note 12").

    .venv/bin/python bench/short_forms.py [--seed 7] [--sources 30]

Writes a survey article with a seeded generator: each source is cited once in full and twice more
by a short form, in passages about other things, in an order shuffled so a short form always
comes after the full citation. Each short form is one of "See Kessler, supra note 4, at 131.",
"Kessler (n 4) 131.", "Kessler, supra, at 131.", "Kessler, op. cit., p. 131." and "Kessler,
Rethinking Groundwater Depletion, 131.", at random. For each source, one question
names it by its author and topic ("Which statements rest on Kessler's study rethinking groundwater
depletion?"); the passages that cite it, in full or short, are the relevant ones. Prints, per
search mode, the share of them among the first R results (R-precision, R = how many there are),
with the real model. To compare with code that does not link short forms, put that code first on
``PYTHONPATH``.

    .venv/bin/python bench/short_forms.py --office DIR

writes instead a short article in a word processor's hands: its notes cite an article, a book
and a case in full, then short (Bluebook's "supra note", "Id." and a case's "12 P.3d at 50",
"op. cit.", Chicago's author and short title, "see notes 3-5"), as real footnotes of an
OpenDocument text that LibreOffice saves as PDF, Word and OpenDocument (``article.*`` in DIR; the
fixtures of ``tests/ingest/test_short_forms.py``).
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SURNAMES = (
    "Kessler Ortiz Nakamura Brandt Okafor Lindqvist Moreau Haddad Petrov Sato Ferreira Novak Quinn Adeyemi Varga "
    "Rossi Tanaka Walsh Dubois Kowalski Mendes Olsen Park Reyes Schultz Abebe Larsen Costa Ivanova Murphy"
).split()
TOPICS = (
    "groundwater depletion|river basin compacts|wetland mitigation banking|coastal erosion permits|drought "
    "emergency powers|interstate water transfers|pesticide runoff liability|hydropower relicensing|desalination "
    "subsidies|tribal water settlements|urban stormwater fees|aquifer recharge credits|fishery bycatch quotas|dam "
    "removal litigation|snowpack forecasting|irrigation district elections|water pricing reform|floodplain "
    "buyouts|mining tailings dams|lake eutrophication rules|beaver reintroduction|glacier retreat "
    "adaptation|salt marsh restoration|well drilling moratoria|water rights adjudication|canal lining "
    "programs|delta smelt protection|reservoir sedimentation|greywater reuse codes|transboundary aquifers"
).split("|")
SHORT_FORMS = (
    "See {author}, supra note {note}, at {page}.",  # Bluebook
    "{author} (n {note}) {page}.",  # OSCOLA
    "{author}, supra, at {page}.",  # no number: the last note naming the author
    "{author}, op. cit., p. {page}.",
    "{author}, Rethinking {title}, {page}.",  # Chicago: author, short title, page
)
JOURNALS = ("Nat. Resources J.", "Envtl. L. Rev.", "Water L. Q.", "Stan. Envtl. L.J.", "Ecology L.Q.")


def article(rng: random.Random, sources: int) -> tuple[str, dict[int, set[str]]]:
    """The article's text, and for each source the labels of the notes citing it."""
    events = [("full", k) for k in range(sources)] + [("short", k) for k in range(sources) for _ in range(2)]
    rng.shuffle(events)
    paragraphs: list[str] = []
    notes: list[str] = []
    citing: dict[int, set[str]] = {}
    full_label: dict[int, int] = {}
    for kind, k in events:
        if kind == "full" and k in full_label:
            continue  # already cited in full, ahead of one of its short forms
        for form in ["full"] if kind == "full" else ["full", "short"] if k not in full_label else ["short"]:
            label = len(notes) + 1
            author = SURNAMES[k % len(SURNAMES)]
            if form == "full":
                full_label[k] = label
                notes.append(
                    f"[{label}] {chr(65 + k % 26)}. {author}, Rethinking "
                    f"{TOPICS[k % len(TOPICS)].title()}, {20 + k} {JOURNALS[k % 5]} {100 + 7 * k} ({1980 + k})."
                )
            else:
                page = 110 + 7 * k + rng.randrange(40)
                form = rng.choice(SHORT_FORMS)
                title = TOPICS[k % len(TOPICS)].title()
                notes.append(f"[{label}] " + form.format(author=author, note=full_label[k], page=page, title=title))
            minutes = " ".join(
                f"The record of hearing {rng.randrange(1000)} was read into the minutes on {rng.randrange(1, 28)} May."
                for _ in range(rng.randrange(1, 3))
            )
            paragraphs.append(f"{minutes} A commission on {rng.choice(TOPICS)} then revised its guidance.[{label}]")
            citing.setdefault(k, set()).add(str(label))
    return "Water Law Survey\n\n" + "\n\n".join(paragraphs) + "\n\n" + "\n".join(notes) + "\n", citing


# The office article: (claim, note) in order; LibreOffice numbers the notes 1, 2, 3 ...
OFFICE_NOTES = (
    (
        "The High Plains aquifer lost a fifth of its stored water between 1950 and 1990",
        "Jane Kessler, The Vanishing Aquifer: Depletion of the Ogallala Formation, 41 Nat. Resources J. 233, 240 (1994).",
    ),
    (
        "Courts later read district metering rules as limits on the right to pump",
        "Hardin v. Platte Valley Irrigation Dist., 12 P.3d 45, 48 (Colo. 2000).",
    ),
    (
        "Irrigation districts answered the decline with metering rules of their own",
        "See Kessler, supra note 1, at 251.",
    ),
    ("Most of those rules capped each well at a fixed yearly volume", "Id. at 252."),
    ("The court held that a cap binds a senior right as much as a junior one", "Hardin, 12 P.3d at 50."),
    (
        "Markets in pumping rights grew where caps were tight",
        "Marta Ortiz, Water Markets and the Law (Denver: Westview, 1990), 17.",
    ),
    ("Prices in those markets tracked the depth to water", "Ortiz, Water Markets, 44."),
    (
        "A state engineer may now close a basin to new wells",
        "See Kessler, supra note 1, at 255; Ortiz, op. cit., p. 51.",
    ),
    ("Each of these steps rested on the same measurements", "See notes 3-5 and accompanying text."),
)


def office_article(out: Path) -> None:
    """``article.fodt`` with ``OFFICE_NOTES`` as real footnotes, and LibreOffice's PDF, Word,
    OpenDocument and RTF of it, in ``out``."""
    from bench.office_reports import convert, source
    from bench.reports import Layout, Paragraph, Report

    paragraphs = tuple(Paragraph(((claim, note),), 90) for claim, note in OFFICE_NOTES)
    out = out.resolve()  # LibreOffice's profile is named by a file:// URL, which must be absolute
    out.mkdir(parents=True, exist_ok=True)
    (out / "article.fodt").write_text(source(Report((("Groundwater", paragraphs),)), Layout()))
    for fmt in ("pdf", "docx", "odt", "rtf"):
        convert([out / "article.fodt"], fmt, out)
    shutil.rmtree(out / ".profile", ignore_errors=True)
    print(f"wrote article.fodt, .pdf, .docx, .odt and .rtf to {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sources", type=int, default=30)
    parser.add_argument("--office", type=Path, help="write the word-processor article to this folder instead")
    args = parser.parse_args()
    if args.office:
        office_article(args.office)
        return

    import footnoted
    from footnoted.index import Index, make_encoder
    from footnoted.ingest.read import parse
    from footnoted.settings import Settings

    text, citing = article(random.Random(args.seed), args.sources)
    doc = parse(text.encode(), name="survey.txt")
    linked = sum(1 for n in doc.footnotes if getattr(n, "refers_to", ()))
    print(f"# code: {Path(footnoted.__file__).parent}; seed {args.seed}; the real model (onnx)")
    print(
        f"# {len(doc.footnotes)} notes: {args.sources} full citations, {len(doc.footnotes) - args.sources} short forms, {linked} linked"
    )
    encoder, tokenizer = make_encoder(Settings(home=Path(tempfile.mkdtemp())))
    index = Index.memory(encoder, tokenizer)
    index.add([doc])
    print(f"{'mode':8} R-precision (mean over {args.sources} sources)")
    for mode in ("hybrid", "dense", "lexical"):
        shares = []
        for k, wanted in sorted(citing.items()):
            question = (
                f"Which statements rest on {SURNAMES[k % len(SURNAMES)]}'s study rethinking {TOPICS[k % len(TOPICS)]}?"
            )
            hits = index.search(question, len(wanted), mode=mode)
            found = {n.label for h in hits for n in h.chunk.footnotes} & wanted
            shares.append(len(found) / len(wanted))
        print(f"{mode:8} {statistics.mean(shares):.3f}")


if __name__ == "__main__":
    main()
