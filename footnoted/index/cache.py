"""An embedding cache keyed by (model id, text hash): unchanged text is never encoded twice."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from footnoted.index.encoder import Encoder, Kind


def text_key(kind: Kind, text: str) -> bytes:
    return hashlib.sha256(f"{kind}\x00{text}".encode()).digest()


def _connect(path: Path) -> sqlite3.Connection:
    """The cache's database, in WAL mode with ``synchronous=NORMAL``: a write is not flushed to the
    disk at each commit, so a power cut may lose the last ones (an ingest stopped any other way
    keeps them), which only costs encoding those texts again. The flush cost 12 ms a 25-page
    ingest at the median and up to 52 ms more (16 alternating rounds of seven 480-vector writes)."""
    db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE IF NOT EXISTS vectors (model TEXT, key BLOB, vector BLOB, PRIMARY KEY (model, key))")
    except sqlite3.DatabaseError:
        db.close()
        raise
    return db


class EmbeddingCache:
    """Vectors on disk in SQLite. A lost or damaged cache only costs re-encoding."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        try:
            self._db = _connect(path)
        except sqlite3.DatabaseError:
            # A corrupt cache is thrown away, never trusted.
            path.unlink(missing_ok=True)
            self._db = _connect(path)

    def get(self, model: str, keys: Sequence[bytes], dimension: int) -> dict[bytes, np.ndarray]:
        found: dict[bytes, np.ndarray] = {}
        with self._lock:
            for begin in range(0, len(keys), 500):
                batch = list(keys[begin : begin + 500])
                marks = ",".join("?" * len(batch))
                rows = self._db.execute(
                    f"SELECT key, vector FROM vectors WHERE model = ? AND key IN ({marks})", [model, *batch]
                ).fetchall()
                for key, blob in rows:
                    vector = np.frombuffer(blob, dtype=np.float32)
                    if vector.shape == (dimension,):
                        found[key] = vector
        return found

    def put(self, model: str, items: dict[bytes, np.ndarray]) -> None:
        with self._lock:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                [(model, k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()],
            )
            self._db.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._db.close()


class CachedEncoding:
    """Encode passages through the cache; report how many texts were actually encoded."""

    def __init__(self, encoder: Encoder, cache: EmbeddingCache | None) -> None:
        self.encoder = encoder
        self.cache = cache
        self.encoded = 0
        self.reused = 0

    def encode(self, texts: Sequence[str], kind: Kind = "passage") -> np.ndarray:
        out = np.zeros((len(texts), self.encoder.dimension), dtype=np.float32)
        if not texts:
            return out
        keys = [text_key(kind, t) for t in texts]
        found = self.cache.get(self.encoder.model_id, keys, self.encoder.dimension) if self.cache else {}
        missing: dict[bytes, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key not in found:
                missing.setdefault(key, text)
        if missing:
            vectors = self.encoder.encode(list(missing.values()), kind)
            fresh = dict(zip(missing.keys(), vectors, strict=True))
            if self.cache:
                self.cache.put(self.encoder.model_id, fresh)
            found.update(fresh)
        self.encoded += len(missing)
        self.reused += len(texts) - len(missing)
        for row, key in enumerate(keys):
            out[row] = found[key]
        return out
