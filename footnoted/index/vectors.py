"""Dense vector stores behind one small interface, so another engine can take FAISS's place.

Row ids are the index's own int64 ids, never positions: ``remove_ids`` on a flat FAISS index
renumbers its rows, so the store is wrapped in an ``IndexIDMap2`` that keeps ids stable.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

import faiss
import numpy as np

StoreKind = Literal["flat", "flat16", "hnsw"]

# Below this many vectors one query is answered faster on one thread: waking OpenMP's team costs
# more than it saves (measured in bench/scale.py: 0.9 ms on one thread vs 13 ms on two at 10k).
_PARALLEL_FROM = 200_000
_CORES = os.cpu_count() or 1
_omp = threading.local()  # the OpenMP thread count is each calling thread's own setting


def _omp_threads(n: int) -> None:
    """Set this thread's OpenMP thread count for FAISS, calling into it only when it changes."""
    if getattr(_omp, "threads", None) != n:
        faiss.omp_set_num_threads(n)
        _omp.threads = n


@dataclass(frozen=True, slots=True)
class Neighbours:
    """Search results for a batch of queries: ``ids[q, j]`` with ``scores[q, j]``; -1 pads."""

    ids: np.ndarray
    scores: np.ndarray


class VectorStore(Protocol):
    """What the index needs from a vector engine: the seam where a distributed one would plug in."""

    dimension: int

    def __len__(self) -> int: ...
    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None: ...
    def remove(self, ids: np.ndarray) -> None: ...
    def search(self, queries: np.ndarray, k: int) -> Neighbours: ...
    def vectors(self, ids: np.ndarray) -> np.ndarray: ...
    def copy(self) -> VectorStore: ...
    def save(self, path: Path) -> None: ...


class FaissStore:
    """Exact inner product (``flat``; ``flat16`` with vectors kept in 16-bit floats) or HNSW graph
    search (``hnsw``) over normalised vectors.

    HNSW graphs cannot delete; removed ids are filtered out of results and the graph is rebuilt
    from the live vectors once they make up less than four fifths of it.
    """

    def __init__(self, dimension: int, kind: StoreKind = "flat", *, hnsw_m: int = 32, ef_search: int = 128) -> None:
        self.dimension = dimension
        self.kind = kind
        self.ef_search = ef_search
        self.hnsw_m = hnsw_m
        self._index: Any = self._empty()
        self._removed: set[int] = set()

    def _empty(self) -> Any:
        inner: Any
        if self.kind == "hnsw":
            inner = faiss.IndexHNSWFlat(self.dimension, self.hnsw_m, faiss.METRIC_INNER_PRODUCT)
            inner.hnsw.efConstruction = 80
            inner.hnsw.efSearch = self.ef_search
        elif self.kind == "flat16":
            # Every vector compared, as flat, each kept in 16 bits: half the memory to hold and to
            # stream through per question, which is what a flat search at this scale waits on.
            inner = faiss.IndexScalarQuantizer(
                self.dimension, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT
            )
        else:
            inner = faiss.IndexFlatIP(self.dimension)
        return faiss.IndexIDMap2(inner)

    def __len__(self) -> int:
        return int(self._index.ntotal) - len(self._removed)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if len(ids) == 0:
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dimension:
            raise ValueError(f"expected vectors of dimension {self.dimension}, got shape {vectors.shape}")
        self._index.add_with_ids(vectors, np.ascontiguousarray(ids, dtype=np.int64))

    def remove(self, ids: np.ndarray) -> None:
        if len(ids) == 0:
            return
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        if self.kind in ("flat", "flat16"):
            self._index.remove_ids(ids)
            return
        self._removed.update(int(i) for i in ids)
        if len(self._removed) > 0.2 * self._index.ntotal:
            self._rebuild()

    def _rebuild(self) -> None:
        all_ids = faiss.vector_to_array(self._index.id_map).astype(np.int64)
        keep = np.array([i for i in all_ids if int(i) not in self._removed], dtype=np.int64)
        vectors = np.vstack([self._index.reconstruct(int(i)) for i in keep]) if len(keep) else None
        self._index = self._empty()
        self._removed = set()
        if vectors is not None:
            self.add(keep, vectors)

    def search(self, queries: np.ndarray, k: int) -> Neighbours:
        queries = np.ascontiguousarray(queries, dtype=np.float32)
        n = int(self._index.ntotal)
        if n == 0 or k <= 0:
            empty = np.full((len(queries), 0), -1, dtype=np.int64)
            return Neighbours(empty, empty.astype(np.float32))
        fetch = min(n, k + len(self._removed))
        _omp_threads(1 if n < _PARALLEL_FROM else _CORES)
        scores, ids = self._index.search(queries, fetch)
        if self._removed:
            keep = ~np.isin(ids, list(self._removed))
            ids = np.array([row[m][:k] for row, m in zip(ids, keep, strict=True)], dtype=np.int64)
            scores = np.array([row[m][:k] for row, m in zip(scores, keep, strict=True)], dtype=np.float32)
        return Neighbours(ids=ids[:, :k], scores=scores[:, :k])

    def copy(self) -> FaissStore:
        """An independent copy: the next generation is built on it while readers use this one."""
        other = FaissStore(self.dimension, self.kind, hnsw_m=self.hnsw_m, ef_search=self.ef_search)
        other._index = faiss.clone_index(self._index)
        other._removed = set(self._removed)
        return other

    def vectors(self, ids: np.ndarray) -> np.ndarray:
        """The stored vectors of ``ids`` (used to score a filtered subset exactly)."""
        if len(ids) == 0:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.asarray(self._index.reconstruct_batch(np.ascontiguousarray(ids, dtype=np.int64)))

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))
        if self._removed:
            np.save(str(path) + ".removed.npy", np.array(sorted(self._removed), dtype=np.int64))

    @classmethod
    def load(cls, path: Path, kind: StoreKind, dimension: int) -> FaissStore:
        store = cls(dimension, kind)
        store._index = faiss.read_index(str(path))
        removed = Path(str(path) + ".removed.npy")
        if removed.is_file():
            store._removed = {int(i) for i in np.load(removed)}
        if store._index.d != dimension:
            raise ValueError(f"stored vectors have dimension {store._index.d}, expected {dimension}")
        if kind == "hnsw":
            graph: Any = faiss.downcast_index(store._index.index)
            graph.hnsw.efSearch = store.ef_search
        return store
