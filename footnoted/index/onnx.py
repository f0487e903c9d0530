"""The same model through onnxruntime: identical vectors, without importing torch at query time.

Importing sentence-transformers costs about ten seconds here (torch, transformers, scikit-learn).
The transformer is exported to ONNX once, from the local model directory, and cached; pooling
and normalisation are done here exactly as the model's sentence-transformers modules declare.

The exported graph takes texts packed several to a row: each token carries the number of its
text in the row (``segment_ids``) and its position in that text, and attends only to its own
text's tokens. A batch of questions, whose lengths differ by half, then costs the model its
tokens rather than as many rows as questions, each as long as the longest (``pack``). Each
text's vector is the one it gets alone: the export checks the packed graph against the model's
own forward pass, and exports the plain, one-text-a-row graph for a model it does not match.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from footnoted.errors import EncoderError
from footnoted.index.encoder import Encoder, Kind, ModelSpec, normalise

log = logging.getLogger(__name__)

_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
"""The plain graph's inputs: one text a row, padded to the longest."""
_PACKED = ("input_ids", "segment_ids", "position_ids")
"""The packed graph's inputs: several texts a row (``pack``)."""
_GRAPH = "model-packed.onnx"
_EARLIER = ("model.onnx", "model-int8.onnx")
"""An earlier release's graphs (one text a row), removed once this one is exported. Only these:
another process's export in progress is a temporary ``.onnx`` file in the same directory."""
_COMPILED = "openvino-cache"
"""Beside the export: OpenVINO's compiled graphs, reused by the next process."""
_export_lock = threading.Lock()

ROW = 64
"""How wide a packed row may be made for short texts (``rows_for``). With OpenVINO in bf16, calls
of 16 and 32 of the eval's questions took about a fifth less time in rows of 48 or 64 tokens than
one question a row; rows of 80 gained less, and one row of all of them lost (the figures are in
docs/performance-notes.md; bench/encoders.py compares packed calls with one question a row)."""

_AGREE = 1e-4
"""The largest difference, in any hidden state, between a text packed with others and the text
alone, for the packed graph to be exported (float32 rounding between the two is about 1e-6)."""

PROBES = (
    # Texts every check of an exported graph runs: packing them at export (``_packed_graph``), and
    # the batch runtime against onnxruntime (``footnoted.index.openvino``).
    "How many antipersonnel mines does the United States keep in storage?",
    "Ibid.",
    "The 1997 Mine Ban Treaty comprehensively prohibits the use, production, trade or stockpiling of "
    "antipersonnel mines, and requires their destruction.",
)


def onnx_path(spec: ModelSpec, cache_dir: Path) -> Path:
    return Path(cache_dir) / f"{spec.name}-{spec.fingerprint}" / _GRAPH


def export(spec: ModelSpec, cache_dir: Path) -> Path:
    """Export the model's transformer to ONNX (fp32) unless already cached; return its path.

    Raises:
        EncoderError: torch or transformers is missing, or the export fails.
    """
    target = onnx_path(spec, cache_dir)
    with _export_lock:
        if target.is_file():
            return target
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import torch
            from transformers import AutoModel
        except ImportError:
            raise EncoderError(
                "exporting the model to ONNX needs torch and transformers: pip install torch==2.13.0 transformers"
            ) from None

        try:
            from transformers.utils import logging as hf_logging

            hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
            hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
            model = AutoModel.from_pretrained(str(spec.path), local_files_only=True).eval()
        except Exception as exc:
            raise EncoderError(f"cannot load the model at {spec.path} for export: {exc}") from exc
        packed = _packed_graph(model, torch)
        graph = packed if packed.matches(spec) else _plain_graph(model, torch)
        names = _PACKED if graph is packed else _INPUTS
        target.parent.mkdir(parents=True, exist_ok=True)
        dummy = torch.ones((2, 8), dtype=torch.long)
        last = torch.arange(8).expand(2, 8).contiguous() if graph is packed else torch.zeros_like(dummy)
        fd, tmp = tempfile.mkstemp(suffix=".onnx", dir=target.parent)
        os.close(fd)
        try:
            with torch.no_grad(), warnings.catch_warnings():
                # The tracer warns about shape-dependent branches that are constant for BERT inputs;
                # the export is checked against sentence-transformers in the tests instead.
                warnings.simplefilter("ignore")
                torch.onnx.export(
                    graph,
                    (dummy, dummy, last),
                    tmp,
                    input_names=list(names),
                    output_names=["last_hidden_state"],
                    dynamic_axes={name: {0: "batch", 1: "sequence"} for name in (*names, "last_hidden_state")},
                    opset_version=17,
                    dynamo=False,
                )
            (target.parent / "export.json").write_text(
                json.dumps(
                    {
                        "model_id": spec.model_id,
                        "torch": torch.__version__,
                        "opset": 17,
                        "graph": "packed" if graph is packed else "plain",
                    }
                )
            )
            os.replace(tmp, target)
        except Exception as exc:
            Path(tmp).unlink(missing_ok=True)
            raise EncoderError(f"exporting {spec.model_id} to ONNX failed: {exc}") from exc
        stale = [target.parent / name for name in _EARLIER if (target.parent / name).is_file()]
        if stale:  # with OpenVINO's graphs compiled from them
            for path in stale:
                path.unlink(missing_ok=True)
            shutil.rmtree(target.parent / _COMPILED, ignore_errors=True)
        return target


def _plain_graph(model: Any, torch: Any) -> Any:
    """The model's last hidden state for padded rows of one text each."""

    class Plain(torch.nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state

    return Plain()


def _packed_graph(model: Any, torch: Any) -> Any:
    """The model's last hidden state for rows of several texts: a token attends to its own text's
    tokens only (same segment id; 0 is padding) and is placed by its position in that text."""
    padding = getattr(model.embeddings, "padding_idx", None)
    offset = 0 if padding is None else padding + 1  # RoBERTa's kind count positions past the padding id

    class Packed(torch.nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, segment_ids: Any, position_ids: Any) -> Any:
            same = (segment_ids[:, :, None] == segment_ids[:, None, :]) & (segment_ids[:, None, :] > 0)
            mask = torch.zeros(same.shape, dtype=torch.float32).masked_fill(~same, torch.finfo(torch.float32).min)
            out = self.model(
                input_ids=input_ids,
                attention_mask=mask[:, None],
                token_type_ids=torch.zeros_like(input_ids),
                position_ids=position_ids + offset,
            )
            return out.last_hidden_state

        def matches(self, spec: ModelSpec) -> bool:
            """Whether the probe texts packed in one row get the hidden states each gets alone."""
            from tokenizers import Tokenizer

            tokenizer = Tokenizer.from_file(str(spec.path / "tokenizer.json"))
            tokenizer.no_padding()
            ids = [tokenizer.encode(text).ids for text in PROBES]
            try:
                with torch.no_grad():
                    alone = [
                        self.model(
                            input_ids=torch.tensor([i]),
                            attention_mask=torch.ones((1, len(i)), dtype=torch.long),
                            token_type_ids=torch.zeros((1, len(i)), dtype=torch.long),
                        ).last_hidden_state[0]
                        for i in ids
                    ]
                    row = self(
                        torch.tensor([[t for i in ids for t in i]]),
                        torch.tensor([[k + 1 for k, i in enumerate(ids) for _ in i]]),
                        torch.tensor([[p for i in ids for p in range(len(i))]]),
                    )[0]
            except Exception as exc:  # a model whose forward takes no position ids, say
                log.info("exporting %s one text a row: packing it fails (%s)", spec.model_id, exc)
                return False
            worst = float((row - torch.cat(alone)).abs().max())
            if worst > _AGREE:
                log.info("exporting %s one text a row: packed, a hidden state moves by %.2g", spec.model_id, worst)
            return worst <= _AGREE

    return Packed()


class ExportedEncoder:
    """The exported transformer with the model's own tokenizer, pooling and normalisation.

    A runtime supplies ``_run``: the token arrays of one batch in, the last hidden state out.
    """

    def __init__(self, spec: ModelSpec, *, batch_size: int = 32) -> None:
        from tokenizers import Tokenizer

        self.spec = spec
        self.model_id = spec.model_id
        self.dimension = spec.dimension
        self.max_tokens = spec.max_tokens
        self._batch_size = batch_size
        self.row: int | None = ROW
        """With the packed graph, how wide a row may be made for short texts (``rows_for``); None puts
        one text a row (to measure the difference)."""
        self._input_names: set[str] = set(_INPUTS)
        self._tokenizer = Tokenizer.from_file(str(spec.path / "tokenizer.json"))
        self._tokenizer.enable_truncation(spec.max_seq_length)
        self._tokenizer.no_padding()

    def _run(self, feed: dict[str, np.ndarray]) -> np.ndarray:
        raise NotImplementedError

    def encode(self, texts: Sequence[str], kind: Kind = "passage") -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        prefix = self.spec.query_prefix if kind == "query" else self.spec.passage_prefix
        encodings = self._tokenizer.encode_batch_fast([prefix + t for t in texts])  # no character offsets needed
        # Calls of similar lengths waste the least work on padding.
        order = np.argsort([-len(e.ids) for e in encodings], kind="stable")
        feed = self._packed_feed if "segment_ids" in self._input_names else self._padded_feed
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for begin in range(0, len(order), self._batch_size):
            members = order[begin : begin + self._batch_size]
            arrays, starts = feed([encodings[i].ids for i in members])
            hidden = self._run({k: v for k, v in arrays.items() if k in self._input_names})
            lengths = np.array([len(encodings[i].ids) for i in members])
            out[members] = _pool(hidden, starts, lengths, self.spec.pooling)
        return normalise(out)

    @staticmethod
    def _padded_feed(ids: list[list[int]]) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """The plain graph's arrays, one text a row, and where each text starts in them, flattened."""
        width = max(len(i) for i in ids)
        arrays = {name: np.zeros((len(ids), width), dtype=np.int64) for name in _INPUTS}
        for r, i in enumerate(ids):
            arrays["input_ids"][r, : len(i)] = i
            arrays["attention_mask"][r, : len(i)] = 1
        return arrays, np.arange(len(ids)) * width

    def _packed_feed(self, ids: list[list[int]]) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """The packed graph's arrays, several texts a row (``rows_for``), and where each text starts
        in them, flattened."""
        lengths = [len(i) for i in ids]
        rows = [[k] for k in range(len(ids))] if self.row is None else rows_for(lengths, self.row)
        width = _fullest(rows, lengths)
        arrays = {name: np.zeros((len(rows), width), dtype=np.int64) for name in _PACKED}
        starts = np.zeros(len(ids), dtype=np.int64)
        for r, row in enumerate(rows):
            at = 0
            for segment, k in enumerate(row, start=1):
                n = len(ids[k])
                arrays["input_ids"][r, at : at + n] = ids[k]
                arrays["segment_ids"][r, at : at + n] = segment
                arrays["position_ids"][r, at : at + n] = np.arange(n)
                starts[k] = r * width + at
                at += n
        return arrays, starts


def rows_for(lengths: Sequence[int], row: int) -> list[list[int]]:
    """The rows for texts of these token ``lengths``: packed as wide as the longest text, or as wide
    as ``row`` where that leaves fewer tokens to run (every row is as long as the fullest).

    A call costs the model close to its rows times their width. Rows as wide as the longest text
    never run more tokens than a text a row; rows of ``row`` fit short texts together better, but
    not always: questions of 29, 22 and 18 tokens run 87 tokens a row each, 102 in rows of 51."""
    longest = max(lengths)
    best: list[list[int]] = []
    for width in sorted({longest, max(row, longest)}):
        rows = pack(lengths, width)
        if not best or len(rows) * _fullest(rows, lengths) < len(best) * _fullest(best, lengths):
            best = rows
    return best


def _fullest(rows: list[list[int]], lengths: Sequence[int]) -> int:
    return max(sum(lengths[k] for k in row) for row in rows)


def pack(lengths: Sequence[int], width: int) -> list[list[int]]:
    """Texts of these token ``lengths`` in rows of at most ``width`` tokens, as few rows as first-fit
    decreasing finds: each text, longest first, goes in the first row with room for it. A text
    longer than ``width`` has a row to itself."""
    rows: list[list[int]] = []
    room: list[int] = []
    for k in sorted(range(len(lengths)), key=lambda k: -lengths[k]):
        r = next((r for r, free in enumerate(room) if free >= lengths[k]), len(rows))
        if r == len(rows):
            rows.append([])
            room.append(width)
        rows[r].append(k)
        room[r] -= lengths[k]
    return rows


class OnnxEncoder(ExportedEncoder):
    """The exported model in onnxruntime: the lowest latency for one text at a time."""

    def __init__(self, spec: ModelSpec, model_file: Path, *, threads: int = 0, batch_size: int = 32) -> None:
        import onnxruntime as ort

        super().__init__(spec, batch_size=batch_size)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or min(4, os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        try:
            self._session = ort.InferenceSession(str(model_file), options, providers=["CPUExecutionProvider"])
        except Exception as exc:
            raise EncoderError(f"cannot load {model_file}: {exc}; delete it to export it again") from exc
        self._input_names = {i.name for i in self._session.get_inputs()}

    def _run(self, feed: dict[str, np.ndarray]) -> np.ndarray:
        return np.asarray(self._session.run(None, feed)[0])


def _pool(hidden: np.ndarray, starts: np.ndarray, lengths: np.ndarray, pooling: str) -> np.ndarray:
    """Each text's vector from the hidden states: its first token's (``cls``) or the mean of its
    tokens', the text being ``lengths[k]`` tokens from ``starts[k]`` in the flattened rows."""
    flat = hidden.reshape(-1, hidden.shape[-1])
    if pooling == "cls":
        return np.asarray(flat[starts], dtype=np.float32)
    ends = starts + lengths
    # reduceat sums between consecutive bounds: every text's start and end is one, so each text
    # is summed alone (the padding after a row's last text makes sums of its own, unused).
    bounds = np.unique(np.concatenate([starts, ends[ends < len(flat)]]))
    sums = np.add.reduceat(flat, bounds, axis=0)[np.searchsorted(bounds, starts)]
    return np.asarray(sums / lengths[:, None], dtype=np.float32)


_PREPROCESS_ADVICE = "Please consider to run pre-processing before quantization"


class _QuietRoot(logging.Filter):
    """While in use, the root logger drops the records that start with ``prefix`` (onnxruntime's
    quantiser advises, on the root logger, a pre-processing step that is for image models)."""

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix = prefix

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(self.prefix)

    def __enter__(self) -> None:
        logging.getLogger().addFilter(self)

    def __exit__(self, *exc: object) -> None:
        logging.getLogger().removeFilter(self)


def quantize(fp32: Path) -> Path:
    """A dynamically int8-quantised copy of an exported model (weights int8, activations fp32)."""
    target = fp32.with_name(f"{fp32.stem}-int8.onnx")
    with _export_lock:
        if target.is_file():
            return target
        from onnxruntime.quantization import QuantType, quantize_dynamic

        fd, tmp = tempfile.mkstemp(suffix=".onnx", dir=target.parent)
        os.close(fd)
        try:
            with _QuietRoot(_PREPROCESS_ADVICE):
                quantize_dynamic(fp32, tmp, weight_type=QuantType.QInt8)
            os.replace(tmp, target)
        except Exception as exc:
            Path(tmp).unlink(missing_ok=True)
            raise EncoderError(f"quantising {fp32} failed: {exc}") from exc
    return target


def load_onnx_encoder(
    spec: ModelSpec, cache_dir: Path, *, threads: int = 0, int8: bool = False, batch_runtime: str = "onnxruntime"
) -> Encoder:
    """The ONNX encoder for ``spec``, exporting the model first if this machine has not yet.

    ``int8`` runs a quantised copy; its vectors differ slightly, so it has a model id of its own
    and an index built with it is not searched with the fp32 model, nor the reverse.
    ``batch_runtime="openvino"`` sends calls of several texts to OpenVINO, loaded on the first
    such call (``footnoted.index.openvino``); single questions stay on onnxruntime.
    """
    path = onnx_path(spec, cache_dir)
    if not path.is_file():
        path = export(spec, cache_dir)
    if int8:
        encoder = OnnxEncoder(spec, quantize(path), threads=threads)
        encoder.model_id = f"{spec.model_id}+int8"
        return encoder
    single = OnnxEncoder(spec, path, threads=threads)
    if batch_runtime != "openvino":
        return single
    from footnoted.index.openvino import OpenVinoEncoder, RoutedEncoder

    return RoutedEncoder(
        single, lambda: OpenVinoEncoder(spec, path, threads=threads, cache_dir=path.parent / _COMPILED)
    )
