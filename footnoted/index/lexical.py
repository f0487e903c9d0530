"""BM25 over chunks (body text and the text of the footnotes each chunk carries), with bm25s."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
from bm25s.stopwords import STOPWORDS_EN

# Figures stay whole ("10.4", "1,141", "1997/1998"); everything else splits into words.
_TOKEN = re.compile(r"\d+(?:[.,/]\d+)*|[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
_STOPWORDS = frozenset(STOPWORDS_EN) | {"s", "does", "did", "do", "what", "which", "who", "whom", "how", "when", "why"}


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


def analyze(text: str) -> list[str]:
    """Lower-cased, stop words removed, Snowball-stemmed terms; figures are kept as written."""
    words = [w for w in _TOKEN.findall(text.lower().replace("’", "'")) if w not in _STOPWORDS]
    stems: list[str] = _stemmer().stemWords([w for w in words if not w[0].isdigit()])
    it = iter(stems)
    return [w if w[0].isdigit() else next(it) for w in words]


class Lexical:
    """A BM25 index over a fixed list of texts; rebuilt whenever the chunk list changes."""

    def __init__(self, retriever: bm25s.BM25 | None, size: int) -> None:
        self._retriever = retriever
        self.size = size

    @classmethod
    def build(cls, texts: Sequence[str]) -> Lexical:
        terms = [analyze(t) for t in texts]
        if not any(terms):
            # bm25s fails on a corpus without a single term (stop words, punctuation, symbols only);
            # every score would be zero anyway.
            return cls(None, len(texts))
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        retriever.index(terms, show_progress=False)
        return cls(retriever, len(texts))

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every text for ``query`` (zeros where no term matches)."""
        terms = analyze(query)
        if self._retriever is None or not terms:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._retriever.get_scores(terms), dtype=np.float32)

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        if self._retriever is not None:
            self._retriever.save(str(directory), show_progress=False)
        (directory / "size.txt").write_text(str(self.size))

    @classmethod
    def load(cls, directory: Path) -> Lexical:
        size = int((directory / "size.txt").read_text())
        if size == 0 or not (directory / "params.index.json").is_file():
            return cls(None, size)  # saved without a retriever: no text had a term
        retriever = bm25s.BM25.load(str(directory), show_progress=False, verbosity=0)
        return cls(retriever, size)
