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
