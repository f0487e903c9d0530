"""The same model through onnxruntime: identical vectors, without importing torch at query time.

Importing sentence-transformers costs about ten seconds here (torch, transformers, scikit-learn).
The transformer is exported to ONNX once, from the local model directory, and cached; pooling
and normalisation are done here exactly as the model's sentence-transformers modules declare.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from footnoted.errors import EncoderError
from footnoted.index.encoder import Encoder, Kind, ModelSpec, normalise

_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_export_lock = threading.Lock()


def onnx_path(spec: ModelSpec, cache_dir: Path) -> Path:
    return Path(cache_dir) / f"{spec.name}-{spec.fingerprint}" / "model.onnx"


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

        class _Hidden(torch.nn.Module):
            def __init__(self, model: torch.nn.Module) -> None:
                super().__init__()
                self.model = model

            def forward(
                self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
            ) -> torch.Tensor:
                out = self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
                return out.last_hidden_state  # type: ignore[no-any-return]

        try:
            from transformers.utils import logging as hf_logging

            hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
            hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
            model = AutoModel.from_pretrained(str(spec.path), local_files_only=True).eval()
        except Exception as exc:
            raise EncoderError(f"cannot load the model at {spec.path} for export: {exc}") from exc
        target.parent.mkdir(parents=True, exist_ok=True)
        dummy = torch.ones((2, 8), dtype=torch.long)
        fd, tmp = tempfile.mkstemp(suffix=".onnx", dir=target.parent)
        os.close(fd)
        try:
            with torch.no_grad(), warnings.catch_warnings():
                # The tracer warns about shape-dependent branches that are constant for BERT inputs;
                # the export is checked against sentence-transformers in the tests instead.
                warnings.simplefilter("ignore")
                torch.onnx.export(
                    _Hidden(model),
                    (dummy, dummy, torch.zeros_like(dummy)),
                    tmp,
                    input_names=list(_INPUTS),
                    output_names=["last_hidden_state"],
                    dynamic_axes={name: {0: "batch", 1: "sequence"} for name in (*_INPUTS, "last_hidden_state")},
                    opset_version=17,
                    dynamo=False,
                )
            (target.parent / "export.json").write_text(
                json.dumps({"model_id": spec.model_id, "torch": torch.__version__, "opset": 17})
            )
            os.replace(tmp, target)
        except Exception as exc:
            Path(tmp).unlink(missing_ok=True)
            raise EncoderError(f"exporting {spec.model_id} to ONNX failed: {exc}") from exc
        return target


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
        # Batches of similar length waste the least work on padding.
        order = np.argsort([-len(e.ids) for e in encodings], kind="stable")
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for begin in range(0, len(order), self._batch_size):
            rows = order[begin : begin + self._batch_size]
            width = max(len(encodings[i].ids) for i in rows)
            feed = {name: np.zeros((len(rows), width), dtype=np.int64) for name in _INPUTS}
            for r, i in enumerate(rows):
                e = encodings[i]
                n = len(e.ids)
                feed["input_ids"][r, :n] = e.ids
                feed["attention_mask"][r, :n] = e.attention_mask
                feed["token_type_ids"][r, :n] = e.type_ids
            hidden = self._run({k: v for k, v in feed.items() if k in self._input_names})
            out[rows] = _pool(hidden, feed["attention_mask"], self.spec.pooling)
        return normalise(out)


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


def _pool(hidden: np.ndarray, mask: np.ndarray, pooling: str) -> np.ndarray:
    if pooling == "cls":
        return np.asarray(hidden[:, 0], dtype=np.float32)
    weights = mask[..., None].astype(np.float32)
    return np.asarray((hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9), dtype=np.float32)


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
    target = fp32.with_name("model-int8.onnx")
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
        single, lambda: OpenVinoEncoder(spec, path, threads=threads, cache_dir=path.parent / "openvino-cache")
    )
