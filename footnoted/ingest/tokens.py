"""Counting text in the embedding model's own tokens, so chunk budgets are exact."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol


class Tokenizer(Protocol):
    """Counts the tokens the encoder will see for a text (special tokens excluded)."""

    def count(self, text: str) -> int: ...


class ModelTokenizer:
    """The model's own tokenizer, read from its ``tokenizer.json`` (no torch needed)."""

    def __init__(self, tokenizer_json: str | Path) -> None:
        from tokenizers import Tokenizer as HFTokenizer

        self._tok = HFTokenizer.from_file(str(tokenizer_json))
        self._tok.no_truncation()
        self._tok.no_padding()
        # A word-piece tokenizer splits on whitespace before anything else, so the tokens of two
        # texts joined by whitespace are exactly the tokens of each: counts add up.
        self.additive = type(self._tok.pre_tokenizer).__name__ in ("BertPreTokenizer", "Whitespace", "WhitespaceSplit")

    def count(self, text: str) -> int:
        return len(self._tok.encode(text, add_special_tokens=False).ids)

    def count_batch(self, texts: Sequence[str]) -> list[int]:
        # The fast variant skips character offsets, which a count does not need.
        return [len(e.ids) for e in self._tok.encode_batch_fast(list(texts), add_special_tokens=False)]


class WordTokenizer:
    """A deterministic stand-in for tests: words and punctuation marks each count one token."""

    _TOKEN = re.compile(r"\w+|[^\w\s]")
    additive = True

    def count(self, text: str) -> int:
        return len(self._TOKEN.findall(text))
