"""Several texts to a row: the packing, the pooling of each text's tokens, and the exported graph
that gives each text the vector it gets alone."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import numpy as np
import pytest

from footnoted.index import onnx
from footnoted.index.encoder import Encoder, default_model_path, read_spec
from footnoted.index.onnx import ROW, OnnxEncoder, export, onnx_path, pack, rows_for
from footnoted.index.openvino import RoutedEncoder
from footnoted.ingest import Tokenizer
from footnoted.settings import Settings

QUESTIONS = [
    "How many antipersonnel mines does the United States keep in storage?",
    "Which companies made Claymore mines?",
    "Ibid.",
    "What did the 2004 policy say about persistent mines after 2010?",
    "When did the United States last export antipersonnel mines, and to whom?",
    "Spider",
    "Who asked investors to divest from the makers of landmines, and why did the treaty matter to them?",
    "What is the Intelligent Munitions System?",
]


def test_pack_places_every_text_once_within_the_width() -> None:
    rng = random.Random(7)
    for _ in range(300):
        lengths = [rng.randint(1, 90) for _ in range(rng.randint(1, 40))]
        width = rng.choice([16, 48, 64, 128])
        rows = pack(lengths, width)
        assert sorted(k for row in rows for k in row) == list(range(len(lengths)))
        for row in rows:
            assert sum(lengths[k] for k in row) <= width or len(row) == 1  # a longer text has a row to itself
        # first fit: no text could have gone in an earlier row
        room = [width - sum(lengths[k] for k in row) for row in rows]
        for r, row in enumerate(rows):
            for k in row:
                assert all(room[q] < lengths[k] for q in range(r)) or lengths[k] > width


def test_pack_puts_short_texts_together_longest_first() -> None:
    assert pack([20, 30, 10, 40], 64) == [[3, 0], [1, 2]]
    assert pack([70, 5], 64) == [[0], [1]]
    assert pack([], 64) == []


def test_rows_never_run_more_tokens_than_a_text_a_row() -> None:
    rng = random.Random(11)
    widened = 0
    for _ in range(300):
        lengths = [rng.randint(4, 60) for _ in range(rng.randint(1, 32))]
        rows = rows_for(lengths, ROW)
        assert sorted(k for row in rows for k in row) == list(range(len(lengths)))
        fullest = max(sum(lengths[k] for k in row) for row in rows)
        assert len(rows) * fullest <= len(lengths) * max(lengths)
        widened += fullest > max(lengths)
    assert widened  # rows wider than the longest text are chosen where they pay


def test_rows_are_widened_only_where_that_runs_fewer_tokens() -> None:
    # three questions: two rows of 51 tokens would run more than one a row (3 x 29)
    assert rows_for([29, 22, 18], 64) == [[0], [1], [2]]
    assert rows_for([29, 22, 18, 16], 64) == [[0, 1], [2, 3]]  # 2 x 51 against 4 x 29
    # one longer text and ten short: two rows of 62 tokens, against five of 30
    rows = rows_for([30] + [8] * 10, 64)
    assert [sorted(row) for row in rows] == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9, 10]]


def test_each_text_is_pooled_over_its_own_tokens_only() -> None:
    rng = np.random.default_rng(0)
    hidden = rng.normal(size=(2, 10, 4)).astype(np.float32)
    # row 0: a text of 3 tokens, then 5, then 2 of padding; row 1: one text of 10
    starts, lengths = np.array([0, 3, 10]), np.array([3, 5, 10])
    mean = onnx._pool(hidden, starts, lengths, "mean")
    expected = [hidden[0, 0:3].mean(0), hidden[0, 3:8].mean(0), hidden[1].mean(0)]
    assert np.allclose(mean, expected, atol=1e-6)
    assert np.allclose(onnx._pool(hidden, starts, lengths, "cls"), [hidden[0, 0], hidden[0, 3], hidden[1, 0]])


def _rows_run(encoder: OnnxEncoder, monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    shapes: list[tuple[int, int]] = []
    run = encoder._run

    def recording(feed: dict[str, np.ndarray]) -> np.ndarray:
        shapes.append(feed["input_ids"].shape)
        return run(feed)

    monkeypatch.setattr(encoder, "_run", recording)
    return shapes


@pytest.mark.model
def test_the_bundled_model_runs_several_questions_a_row_each_as_alone(
    real_encoder: tuple[Encoder, Tokenizer], real_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    routed, _ = real_encoder
    assert isinstance(routed, RoutedEncoder) and isinstance(routed.single, OnnxEncoder)
    exported = onnx_path(read_spec(default_model_path()), Settings(home=real_home).models_dir)
    assert json.loads((exported.parent / "export.json").read_text())["graph"] == "packed"
    alone = np.vstack([routed.single.encode([q], "query") for q in QUESTIONS])
    shapes = _rows_run(routed.single, monkeypatch)
    together = routed.single.encode(QUESTIONS, "query")
    assert len(shapes) == 1 and shapes[0][0] < len(QUESTIONS) and shapes[0][1] <= ROW
    assert (alone * together).sum(axis=1).min() > 0.99999
    batch = routed.batch_encoder().encode(QUESTIONS, "query")  # OpenVINO, bf16 where the CPU has it
    assert (alone * batch).sum(axis=1).min() > 0.9999


def _tiny_roberta(where: Path) -> Path:
    """A small random model of RoBERTa's kind, whose positions count from past the padding id."""
    import torch
    from transformers import RobertaConfig, RobertaModel

    torch.manual_seed(0)
    config = RobertaConfig(
        vocab_size=30522,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=130,
        pad_token_id=0,
        type_vocab_size=1,
    )
    RobertaModel(config, add_pooling_layer=False).eval().save_pretrained(where)
    shutil.copy(default_model_path() / "tokenizer.json", where / "tokenizer.json")
    (where / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": 64}))
    return where


def _reference(path: Path, texts: list[str]) -> np.ndarray:
    """Each text alone through the model's own forward pass (its own positions), mean-pooled."""
    import torch
    from tokenizers import Tokenizer as Tokens
    from transformers import AutoModel

    tokens = Tokens.from_file(str(path / "tokenizer.json"))
    tokens.no_padding()
    model = AutoModel.from_pretrained(str(path), local_files_only=True).eval()
    out = []
    with torch.no_grad():
        for text in texts:
            ids = torch.tensor([tokens.encode(text).ids])
            vector = model(input_ids=ids, attention_mask=torch.ones_like(ids)).last_hidden_state[0].mean(0).numpy()
            out.append(vector / np.linalg.norm(vector))
    return np.vstack(out)


@pytest.mark.model
def test_a_model_of_roberta_kind_is_packed_with_its_own_positions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = read_spec(_tiny_roberta(tmp_path / "model"))
    path = export(spec, tmp_path / "models")
    assert json.loads((path.parent / "export.json").read_text())["graph"] == "packed"
    encoder = OnnxEncoder(spec, path)
    shapes = _rows_run(encoder, monkeypatch)
    together = encoder.encode(QUESTIONS)
    assert shapes[0][0] < len(QUESTIONS)
    assert (together * _reference(spec.path, QUESTIONS)).sum(axis=1).min() > 0.9999


@pytest.mark.model
def test_a_model_that_packing_would_change_is_exported_one_text_a_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    spec = read_spec(_tiny_roberta(tmp_path / "model"))
    (tmp_path / "models" / f"{spec.name}-{spec.fingerprint}").mkdir(parents=True)
    stale = tmp_path / "models" / f"{spec.name}-{spec.fingerprint}" / "model.onnx"
    stale.write_bytes(b"an earlier release's graph")
    exporting = stale.with_name("tmp1234.onnx")
    exporting.write_bytes(b"another process's export, in progress")
    compiled = stale.parent / "openvino-cache"
    compiled.mkdir()
    (compiled / "123.blob").write_bytes(b"compiled from it")
    monkeypatch.setattr(onnx, "_AGREE", -1.0)  # no packed hidden state can be that close
    with caplog.at_level("INFO", logger="footnoted.index.onnx"):
        path = export(spec, tmp_path / "models")
    assert json.loads((path.parent / "export.json").read_text())["graph"] == "plain"
    assert "one text a row" in caplog.text
    assert not stale.exists() and not compiled.exists()
    assert exporting.exists()
    encoder = OnnxEncoder(spec, path)
    shapes = _rows_run(encoder, monkeypatch)
    together = encoder.encode(QUESTIONS)
    assert len(shapes) == 1 and shapes[0][0] == len(QUESTIONS)  # a row each
    assert (together * _reference(spec.path, QUESTIONS)).sum(axis=1).min() > 0.9999
