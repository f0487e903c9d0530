"""The note a note cites its source through: the note an "Ibid." repeats, and those a short form
names ("Kessler, supra note 4", "Kessler (n 4)", "Kessler, op. cit.", "Hardin, 12 P.3d at 48")."""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Sequence

from footnoted.ingest.labels import ANY_ROMAN, NUMERAL
from footnoted.types import Footnote

# "Ibid." / "Ibidem" / "Id." / "Idem", alone or with a new page ("Ibid., p. 6."), at the start of a note,
# perhaps after a signal ("See id. at 12.", "Cf. ibid.").
_SIGNAL = r"(?:see(?:\s+also)?|but\s+see|cf\.|accord|compare)\s+"
"""A signal opening a citation ("See", "See also", "But see", "Cf.", "Accord", "Compare"), in lower case."""
_REPEAT = re.compile(rf"\s*(?:{_SIGNAL})?(?:ibid(?:em)?\b|id(?:em)?\s*(?:[.,;:]|$))", re.IGNORECASE)


def link_repeats(notes: Sequence[Footnote]) -> tuple[Footnote, ...]:
    """Notes in document order, each "Ibid."-style note given the label of the note it repeats.

    "Ibid." means the source of the note just before in its series; a run of them all point at
    the note that named the source. Where footnotes numbered 1, 2, 3 and endnotes numbered i, ii,
    iii are read in the order they are cited, the endnotes are one series and the footnotes the
    other (see ``_series``). A repeat with nothing before it in its series is left unlinked.
    """
    series = _series([n.label for n in notes])
    linked: list[Footnote] = []
    last: dict[bool, Footnote] = {}  # the last note of each series so far
    for note, kind in zip(notes, series, strict=True):
        previous = last.get(kind)
        if _REPEAT.match(note.text) and previous is not None:
            note = dataclasses.replace(note, same_as=previous.same_as or previous.label)
        linked.append(note)
        last[kind] = note
    return tuple(linked)


def _series(labels: Sequence[str]) -> list[bool]:
    """Each label's series: whether it is a roman numeral among decimal ones (an endnote of Word or
    LibreOffice among footnotes). Only where every label is one or the other and both are there:
    otherwise all are one series (an "i" among letters a, b, c is a letter)."""
    roman = [_ROMAN_LABEL.fullmatch(label) is not None for label in labels]
    mixed = any(roman) and not all(roman) and all(r or label.isdigit() for r, label in zip(roman, labels, strict=True))
    return roman if mixed else [False] * len(labels)


_ROMAN_LABEL = re.compile(rf"{ANY_ROMAN}|(?=[IVXLC]){NUMERAL.upper()}(?![A-Z])")
"""A roman numeral label, lower or upper case ("iv", "XIV")."""
# A note pointing to other notes by number, for a source it cites short: "supra note 12", "above
# n 12", "infra notes 14-16", "supra fn. 12", "see note 12", "footnote 12", "note 12 above", "n. 12
# supra", or OSCOLA's "(n 12)". A list ("notes 12 and 14", "nn 12, 14", "notes 12-14") only after
# a plural, since after a singular a comma starts the page ("above n 7, 45"). A bare "note 12" may
# name another document's note ("460 n.12"), and is not read as one.
_NOTES = (
    r"(?:(?:foot)?notes|nn\.?|fns\.?)\s*(\d{1,4}(?:\s*(?:[-\u2013\u2014]|,|&|and|to)\s*\d{1,4})*)"
    r"|(?:(?:foot)?note|n\.?|fn\.?)\s*(\d{1,4})"
)
_REFERENCE = re.compile(
    rf"\b(?P<where>supra|infra|above|below),?\s+(?:{_NOTES})"
    rf"|\b(?:{_NOTES})\s*,?\s+(?P<after>supra|infra|above|below)\b"
    rf"|\((?:{_NOTES})\)"
    rf"|\bsee\s+(?:also\s+)?(?:{_NOTES})(?=\s*(?:[.;,:)]|$|and\s+accompanying))"
    rf"|\bfoot(?:{_NOTES})(?=\s*(?:[.;,:)]|$|and\s+accompanying))",
    re.IGNORECASE,
)
# A short form naming its author but no note: "Kessler, supra, at 251", "Kessler, op. cit., p. 5",
# "Kessler, loc. cit.", opening the note or a citation in it (after ";"), perhaps after a signal
# ("See", "Cf."). "Kessler, supra note 1" is read by number instead.
_BY_AUTHOR = re.compile(
    rf"(?:^|;)\s*(?i:{_SIGNAL})?"
    r"(?P<who>[A-Z][^,;()]{0,60}?),?\s+(?i:supra\b|op\.\s*cit\.?|loc\.\s*cit\.?)"
    r"(?!,?\s*(?i:(?:foot)?notes?|nn?\.?|fns?\.?)\s*\d)"
)
# Chicago's short form: author, short title, page, as a whole note or one citation in it ("Kessler,
# Vanishing Aquifer, 45.", "See Kessler, “Wells,” 12-14."). With no "supra" it reads like any
# citation, so it is a short form only where a note before names that author and that title. A
# year is not a page ("World Bank, Development Report, 2004." cites an edition of its own).
_YEAR_DIGITS = r"(?:1[5-9]|20)\d\d\b"
"""A year from 1500 to 2099, as citations give it."""
_SEE = r"(?:see(?:\s+also)?|cf\.)\s+"
"""The signals a short form by title may open with ("See", "See also", "Cf."), in lower case."""
_AUTHOR_TITLE = re.compile(
    rf"\s*(?i:{_SEE})?"
    r"(?P<who>[A-Z][^,;()\d]{0,60}?),\s+"
    r"(?:[“\"](?P<quoted>[^”\"]{3,80}?),?[”\"],?|(?P<title>[A-Z][^,;()“”\"]{2,80}?),)"
    rf"\s+(?:pp?\.\s*\d+|(?!{_YEAR_DIGITS})\d+)(?:\s*[-\u2013]\s*\d+)?\.?\s*"
)
# The Bluebook's short form of a case: name, volume and reporter, "at" the page ("Hardin, 12 P.3d at
# 48."), which points to the note naming the case with that volume and reporter.
_CASE_SHORT = re.compile(
    rf"\s*(?i:{_SEE})?"
    r"(?P<who>[A-Z][^,;()\d]{0,60}?),\s+"
    r"(?P<reporter>\d{1,4}\s+[A-Z][\w.]*(?:\s+[A-Z\d][\w.]*){0,3})\s+at\s+\d+(?:\s*[-\u2013]\s*\d+)?\.?\s*"
)
_NOT_WORD = re.compile(r"[^\w]+")
_LOOK_BACK = 50
_YEAR = re.compile(rf"\b{_YEAR_DIGITS}")
# The author of any short form, by number or not ("Kessler, supra", "Kessler (n 1)"), which does not
# make a note one that names Kessler for a later "Kessler, op. cit." to point to.
_SHORT_FORM_AUTHOR = re.compile(r"[A-Z][^,;()]{0,60}?(?:,?\s+(?i:supra\b|op\.\s*cit|loc\.\s*cit)|\s+\(nn?\s+\d)")
# What every reference holds, by number or by author, in lower case (searched in the lower-cased
# text: the case-blind search of alternatives costs ten times as much): a note without it refers
# to none.
_MAY_REFER = re.compile(
    r"supra|infra|above|below|footnote|\((?:notes?|nn?|fns?)\.?\s*\d|see\s+(?:also\s+)?(?:notes?|nn?|fns?)\b"
)
_SHORT_FORM = re.compile(r"supra\b|op\.\s*cit|loc\.\s*cit|\(nn?\s+\d")
_CAPITALISED = re.compile(r"\b[A-Z][\w'\u2019-]+")
_ET_AL = re.compile(r"\bet\s+al\.?|\band\s+others\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d+")
_RANGE = re.compile(r"[-\u2013\u2014]|\bto\b")
_LONGEST_RANGE = 20


def link_references(notes: Sequence[Footnote]) -> tuple[Footnote, ...]:
    """Notes in document order, each that cites a source short given the labels of the notes
    naming it in full (``Footnote.refers_to``).

    "Smith, supra note 12, at 4" cites the source note 12 names in full: the last note labelled 12
    before it ("supra", "above", "(n 12)"), the first after it ("infra", "below"), or either ("see
    note 12": the one before when there is one). "Smith, supra, at 4" and "Smith, op. cit., p. 4"
    name no number: they cite the last note before that names Smith other than in a short form.
    Chicago's "Smith, Short Title, 4." and a case's "Hardin, 12 P.3d at 50." cite the last note
    before that names Smith and that title (Hardin and that volume and reporter). A label is kept
    only where that is the note ``Document.referenced`` finds for it (the last so labelled before,
    else the first after), so a reference to no such note, or across a numbering that restarts, is
    left out.
    """
    starts: dict[str, list[int]] = {}
    read: dict[str, list[int]] = {}
    for n in notes:
        starts.setdefault(n.label, []).append(n.start)
        read.setdefault(n.label, []).append(read_at(n))
    # Most notes cite no other: cheap searches for the words a reference needs rule them out first,
    # and only a document with short forms by author or title needs to know who each note names.
    lowered = [n.text.lower() for n in notes]
    shorts = [_SHORT_FORM.search(text) is not None for text in lowered]
    titles = [[m for part in n.text.split(";") if (m := _short_title(part))] for n in notes]
    by_author, by_title = any(shorts), any(titles)
    naming: dict[str, list[Footnote]] = {}  # a capitalised word -> the notes so far naming it, not in a short form
    out: list[Footnote] = []
    for note, text, short, cites in zip(notes, lowered, shorts, titles, strict=True):
        labels = _numbered(note, read) if _MAY_REFER.search(text) else []
        for found in _BY_AUTHOR.finditer(note.text) if short else ():
            named = naming.get(_surname(found["who"]))
            _point(note, _cited_in_full(named) if named else None, labels, starts)
        titled = []
        for cited in cites if note.same_as is None and not labels else ():
            named_as = cited.groupdict()
            title = _words(named_as.get("quoted") or named_as.get("title") or named_as["reporter"])
            named = naming.get(_surname(cited["who"]), [])[-_LOOK_BACK:]
            target = next((n for n in reversed(named) if f" {title} " in f" {_words(n.text)} "), None)
            if target is not None:
                titled.append(target)
        for target in titled:
            _point(note, target, labels, starts)
        out.append(dataclasses.replace(note, refers_to=tuple(labels)) if labels else note)
        if (by_author or by_title) and note.same_as is None and not titled:
            for word in set(_CAPITALISED.findall(_SHORT_FORM_AUTHOR.sub(" ", note.text) if short else note.text)):
                naming.setdefault(word, []).append(note)
    return tuple(out)


def _cited_in_full(named: list[Footnote]) -> Footnote:
    """Of the notes naming an author, the one "Kessler, supra" means: the last that cites a work in
    full, by its year ("Jane Kessler, The Vanishing Aquifer (1994)"), rather than one naming her in
    passing ("Kessler's critics disagree") after it; the last of them all when none gives a year."""
    return next((n for n in reversed(named[-_LOOK_BACK:]) if _YEAR.search(n.text)), named[-1])


def _numbered(note: Footnote, read: dict[str, list[int]]) -> list[str]:
    """The labels ``note`` names by number ("supra note 12", "see notes 3-5", "(n 4)"), where a
    note so labelled is read the way the words point (``read``: where each label's notes are read,
    see ``read_at``): before for "supra", "above" and "(n 12)", after (and none before) for "infra"
    and "below", either for "see note 12"."""
    here = read_at(note)
    labels: list[str] = []
    for found in _REFERENCE.finditer(note.text):
        where = (found["where"] or found["after"] or "").lower()
        direction = "forward" if where in ("infra", "below") else "back" if where or found[0][0] == "(" else "either"
        numbers = next(g for g in found.groups() if g and g[0].isdigit())
        for label in _labels(numbers):
            others = read.get(label, [])
            before = any(s < here for s in others)
            after = any(s > here for s in others)
            meant = {"back": before, "forward": after and not before, "either": before or after}[direction]
            if meant and label != note.label and label not in labels:
                labels.append(label)
    return labels


def read_at(note: Footnote) -> int:
    """Where a note is read: where it is first cited, or its text where that comes first. Markdown's
    notes defined at the end are read among its inline notes, where their markers are."""
    return min([note.start, *(m.start for m in note.markers)])


def _short_title(citation: str) -> re.Match[str] | None:
    """A citation by author and short title, or a case's by name and reporter, else None."""
    return _AUTHOR_TITLE.fullmatch(citation) or _CASE_SHORT.fullmatch(citation)


def _point(note: Footnote, target: Footnote | None, labels: list[str], starts: dict[str, list[int]]) -> None:
    """Add ``target``'s label to the ``labels`` of ``note`` when the look-up by label, which takes
    the last note so labelled before ``note``, would find ``target``."""
    if (
        target is not None
        and target.label not in labels
        and not any(target.start < s < note.start for s in starts[target.label])
    ):
        labels.append(target.label)


def _words(text: str) -> str:
    """Lower-cased words, one space apart: "The Vanishing Aquifer:" -> "the vanishing aquifer"."""
    return _NOT_WORD.sub(" ", text.lower()).strip()


def _surname(who: str) -> str:
    """The word a short form's author is looked up by: its last, when capitalised as a name's is
    ("J. Kessler", "Kessler et al.", "Human Rights Watch": "Kessler", "Kessler", "Watch"; "As
    discussed": none)."""
    words = _ET_AL.sub("", who).split()
    last = words[-1].strip(".") if words else ""
    return last if _CAPITALISED.fullmatch(last) else ""


def _labels(numbers: str) -> list[str]:
    """The labels a list of note numbers names: "12 and 14", "12, 14", "12-14" (a range up to 20 long)."""
    values = [int(v) for v in _NUMBER.findall(numbers)]
    between = _NUMBER.split(numbers)[1:-1]  # what stands between each number and the next
    out = [values[0]]
    for (low, high), joint in zip(itertools.pairwise(values), between, strict=True):
        if _RANGE.search(joint) and 0 < high - low <= _LONGEST_RANGE:
            out.extend(range(low + 1, high + 1))
        else:
            out.append(high)
    return list(dict.fromkeys(str(v) for v in out))
