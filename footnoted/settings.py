"""Typed settings, read once at an entry point (``FOOTNOTED_*`` environment variables)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from platformdirs import user_data_dir
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

Mode = Literal["dense", "lexical", "hybrid"]
Fusion = Literal["rrf", "zscore", "convex"]
EncoderName = Literal["onnx", "onnx-int8", "torch", "hash"]


DEFAULT_K = 5
"""Passages a question returns when it names no number (see ``Settings.default_k``)."""
QUESTION_HELP = 'A question in plain language; it may name a note by its label ("What does footnote 3 say?").'
"""What a question is, as the command line, the HTTP API and the MCP tools describe it
(``footnoted.index.named``)."""


class Settings(BaseSettings):
    """Everything configurable, with the defaults a fresh install uses."""

    # An empty variable is unset (`FOOTNOTED_MODE=` in a compose file or a shell), not a value.
    model_config = SettingsConfigDict(env_prefix="FOOTNOTED_", extra="ignore", env_ignore_empty=True)

    home: Path = Field(default_factory=lambda: Path(user_data_dir("footnoted")))
    """Per-user data: the bundled briefing's index and the exported ONNX model."""
    index: Path | None = None
    """The index directory; defaults to ``<home>/index``, built from the bundled briefing on first use."""
    model_cache: Path | None = None
    """Where the ONNX export of the model is kept; defaults to ``<home>/models``."""
    model_path: Path | None = None
    """A local sentence-transformers model directory; defaults to the packaged all-MiniLM-L6-v2."""
    encoder: EncoderName = "onnx"
    """``onnx`` (the model exported once to onnxruntime; fast to start), ``onnx-int8`` (a quantised copy),
    ``torch`` (sentence-transformers) or ``hash`` (a deterministic test encoder, not a language model)."""
    batch_runtime: Literal["openvino", "onnxruntime"] = "openvino"
    """For ``onnx``: the runtime for model calls of three texts or more (passages, batched questions);
    a lone question always goes to onnxruntime."""
    threads: int = Field(default=0, ge=0, le=256)
    """Threads for the encoder (0: all cores, at most 4)."""
    readers: int = Field(default=0, ge=0, le=256)
    """Processes that read documents: ``ingest``'s files and a server's uploaded PDFs (0: one per
    core; 1: this process alone, no helper)."""
    chunk_tokens: int = Field(default=200, ge=1)
    chunk_overlap: int = Field(default=32, ge=0)
    vector_store: Literal["flat", "flat16", "hnsw"] = "flat"
    """For new indexes: ``flat`` (exact search), ``flat16`` (exact search over vectors kept in 16-bit
    floats: half the memory) or ``hnsw`` (a graph, approximate, for very large corpora)."""
    mode: Mode | None = None
    """The mode for questions on any index, unless a question names its own; unset: each index's
    own, recorded when it was made (``hybrid``, or what this setting was then)."""
    fusion: Fusion | None = None
    """How hybrid search fuses its two lists on any index: ``rrf`` (reciprocal ranks), ``zscore``
    (standardised scores) or ``convex``; unset: each index's own, recorded when it was made (``rrf``)."""
    verify: bool = True
    """Check every index file's checksum when loading."""

    host: str = Field(default="127.0.0.1", min_length=1)
    port: int = Field(default=8000, ge=1, le=65535)
    read_key: SecretStr | None = None
    """API key for search and ask (``Authorization: Bearer`` or ``X-API-Key``); unset: open."""
    admin_key: SecretStr | None = None
    """API key for document changes; unset: open, but only to clients on this machine."""
    allow_remote: bool = False
    """Accept requests from other machines for actions that have no key configured."""
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    """Origins whose pages may call the API: comma-separated (``https://a.example,https://b.example``)
    or a JSON list."""
    max_upload_bytes: int = Field(default=10 * 1024 * 1024, ge=1)
    max_question_chars: int = Field(default=2000, ge=1)
    max_k: int = Field(default=50, ge=1)

    @property
    def default_k(self) -> int:
        """Passages a question returns when it names no number: ``DEFAULT_K``, or ``max_k`` where lower."""
        return min(DEFAULT_K, self.max_k)

    micro_batch: bool = True
    """Encode questions that arrive together in one model call."""
    batch_window_ms: float = Field(default=0.0, ge=0, le=60_000, allow_inf_nan=False)
    """How long a question waits for others to share its model call (0: it takes whoever is waiting)."""
    max_batch: int = Field(default=32, ge=1, le=4096)
    keep_alive_seconds: int = Field(default=75, ge=1, le=86_400)
    """How long ``serve`` keeps an idle connection open; longer than clients keep theirs."""
    refresh_seconds: float = Field(default=1.0, ge=0, le=86_400, allow_inf_nan=False)
    """How often a server checks for a generation another process committed (0: never)."""

    @field_validator("host")
    @classmethod
    def _host(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("give an address to listen on (127.0.0.1 for this machine, 0.0.0.0 for all)")
        return value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origins(cls, value: Any) -> Any:
        """A JSON list as it is; any other string is a comma-separated list."""
        if not isinstance(value, str):
            return value
        if value.lstrip().startswith("["):
            origins = json.loads(value)  # a ValueError here is a validation error, said as one
        else:
            origins = [origin for origin in value.split(",") if origin.strip()]
        if not isinstance(origins, list) or not all(isinstance(o, str) for o in origins):
            raise ValueError("a list of origins, such as https://a.example,https://b.example")
        # As a browser sends it: scheme and host in lower case, no path.
        origins = [o.strip().rstrip("/").lower() for o in origins]
        bad = next((o for o in origins if not re.fullmatch(r"\*|[a-z][a-z0-9+.-]*://[^/\s]+", o)), None)
        if bad is not None:
            raise ValueError(f"{bad!r} is not an origin (scheme://host[:port], or *)")
        return origins

    def index_path(self) -> Path:
        return self.index if self.index is not None else self.default_index_path()

    def default_index_path(self) -> Path:
        """The bundled briefing's index, built on first use and rebuilt when it does not open."""
        return self.home / "index"

    def is_default_index(self, path: Path | None = None) -> bool:
        """Whether ``path`` (or, when None, the settings' own index) is the bundled briefing's index:
        the default, whether or not it is named explicitly."""
        where = path if path is not None else self.index_path()
        return where.expanduser().resolve() == self.default_index_path().expanduser().resolve()

    @property
    def models_dir(self) -> Path:
        return self.model_cache if self.model_cache is not None else self.home / "models"


def setting_error(exc: ValidationError) -> str:
    """A ``FOOTNOTED_*`` setting that does not hold, in one line: ``FOOTNOTED_MAX_K: Input should be ...``."""
    first = exc.errors()[0]
    return f"FOOTNOTED_{str(first['loc'][0]).upper()}: {first['msg']}"
