"""Sentence breaks: the fast form of the pattern finds exactly the breaks of the plain one."""

from __future__ import annotations

import random
import re

import pytest

from footnoted.corpus import load_briefing
from footnoted.errors import IngestError
from footnoted.ingest import load
from footnoted.ingest.sentences import _BREAK, PLAIN_BREAK, PLAIN_SENTENCE_BREAK, SENTENCE_BREAK, sentences
from tests.conftest import DATA


def _texts() -> list[str]:
    texts = [load_briefing().source]
    for path in sorted(DATA.rglob("*")):
        if path.suffix in (".txt", ".md", ".html", ".pdf", ".docx", ".odt", ".epub"):
            try:
                texts.append(load(path).source)
            except IngestError:
                continue  # the fixtures of refusals
    rng = random.Random(11)
    alphabet = [*"aZbQ .!?.!?\n\n  \t9 7,", '"', "“", "‘", "(", "”", "’", ")", "[", "]", "•", "-", "*", "\u00a0"]
    alphabet += [*"ÉéИи中¹²…ix:;»«", "3.", "\n2. "]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 120))) for _ in range(20_000)]
    return texts


@pytest.mark.parametrize(("fast", "plain"), [(_BREAK.pattern, PLAIN_BREAK), (SENTENCE_BREAK, PLAIN_SENTENCE_BREAK)])
def test_the_fast_pattern_finds_the_same_breaks(fast: str, plain: str) -> None:
    fast_re, plain_re = re.compile(fast), re.compile(plain)
    texts = _texts()
    breaks = 0
    for text in texts:
        found = [m.span() for m in fast_re.finditer(text)]
        assert found == [m.span() for m in plain_re.finditer(text)], text[:200]
        breaks += len(found)
    assert breaks > 5_000  # the texts do break, often


def test_a_flattened_marker_stays_with_its_sentence() -> None:
    text = "They were used in 1991.1 It ended. It joined operations. 7 Moreover, mines.[3] The end."
    assert [text[s.start : s.end] for s in sentences(text)] == [
        "They were used in 1991.1",
        "It ended.",
        "It joined operations. 7",
        "Moreover, mines.[3]",
        "The end.",
    ]


def _cut(text: str) -> list[str]:
    return [text[s.start : s.end] for s in sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A marker after a closing quote, raised, roman or a symbol, after a full stop
        (
            "It is reduced by entitlement.”1 The authority granted 23.2",
            ["It is reduced by entitlement.”1", "The authority granted 23.2"],
        ),
        (
            "Junior holders were cut.³ Senior holders were not.⁴",
            ["Junior holders were cut.³", "Senior holders were not.⁴"],
        ),
        ("It destroyed mines.ii Congress agreed.iii", ["It destroyed mines.ii", "Congress agreed.iii"]),
        ("It destroyed mines.* Congress agreed.†", ["It destroyed mines.*", "Congress agreed.†"]),
        ("It destroyed mines.123 Congress agreed.", ["It destroyed mines.123", "Congress agreed."]),
        ("It ends.”ii Then more.", ["It ends.”ii", "Then more."]),
        # ...but a version or a standard's number is no marker
        (
            "It is for the 14.x LTS line. Use libxml2-2.6.x APIs.",
            ["It is for the 14.x LTS line.", "Use libxml2-2.6.x APIs."],
        ),
        ("An X.509 Email Address and G.711 A-law.", ["An X.509 Email Address and G.711 A-law."]),
        ("The value was 1.250 Million dollars.", ["The value was 1.250 Million dollars."]),
        # A marker after a Chinese or Japanese stop stays with its sentence, before a space too
        ("保管されていた。[1] 報告した。[2]", ["保管されていた。[1]", "報告した。[2]"]),
        # Capitals of other scripts, and letters of scripts without case
        (
            "Signed by Curtin. Émile Dubois signed. Österreich was first.",
            ["Signed by Curtin.", "Émile Dubois signed.", "Österreich was first."],
        ),
        ("Он сказал в мае. Инженеры пришли.", ["Он сказал в мае.", "Инженеры пришли."]),
        ("He wrote. الجملة الثانية.", ["He wrote.", "الجملة الثانية."]),
        # Chinese and Japanese: no space after the stop; a raised marker stays with its sentence
        ("崩落した。技術者が来た。¹次の文です！本当？", ["崩落した。", "技術者が来た。¹", "次の文です！", "本当？"]),
        # An ellipsis ends a sentence before a capital, not before a lower-case word
        ("He said so… Then he left … and came back.", ["He said so…", "Then he left … and came back."]),
        # Abbreviations
        (
            "It is in Vol. 2 of the annex. After the Sept. 11 attacks it was put off.",
            ["It is in Vol. 2 of the annex.", "After the Sept. 11 attacks it was put off."],
        ),
        (
            "Prof. Williams chaired it. Approx. 5 million mines remain.",
            ["Prof. Williams chaired it.", "Approx. 5 million mines remain."],
        ),
        ("J. R. R. Tolkien wrote it. É. Dubois signed it.", ["J. R. R. Tolkien wrote it.", "É. Dubois signed it."]),
        # "etc." before a capital ends its sentence
        ("It had casings, etc. The depot was built in 1990.", ["It had casings, etc.", "The depot was built in 1990."]),
        # A numbered item on a line of its own, after a sentence or a colon, opens a sentence with its number
        (
            "It goes to the Secretary-General.\n3. The government reports.",
            ["It goes to the Secretary-General.", "3. The government reports."],
        ),
        ("The steps:\n1. First we go.\n2) Then we stop.", ["The steps:", "1. First we go.", "2) Then we stop."]),
        # A word processor's Symbol-font bullet, exported as a private-use character, opens an item (the bullet left out, as •'s is)
        (
            "The depot holds\n\uf0b7 anti-personnel mines\n\uf0a7 anti-vehicle mines",
            ["The depot holds", "anti-personnel mines", "anti-vehicle mines"],
        ),
        # LaTeX's \\item is a bullet as written: each item is a sentence of its own
        (
            "three problems:\n  \\item unmarked fields near schools.\n  \\item no detectors\n\\bibitem{x} A. Berg, 2012.",
            [
                "three problems:",
                "\\item unmarked fields near schools.",
                "\\item no detectors",
                "\\bibitem{x} A. Berg, 2012.",
            ],
        ),
        # ...but a line that happens to start with a number mid-sentence does not
        ("The total was\n12. In 2004 it rose.", ["The total was\n12.", "In 2004 it rose."]),
    ],
)
def test_sentences_end_where_a_reader_sees_them_end(text: str, expected: list[str]) -> None:
    assert _cut(text) == expected


def test_the_letter_classes_are_what_python_computes() -> None:
    from footnoted.ingest import letters

    assert letters.classes() == {
        "CAPITAL": letters.CAPITAL,
        "CASELESS": letters.CASELESS,
        "LOWER": letters.LOWER,
        "MARKS": letters.MARKS,
    }
