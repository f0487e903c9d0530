"""The FAISS store keeps ids stable through removals, for every index type."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from footnoted.index.encoder import normalise
from footnoted.index.vectors import FaissStore, StoreKind


def _vectors(n: int, d: int = 16, seed: int = 0) -> np.ndarray:
    return normalise(np.random.default_rng(seed).standard_normal((n, d)))


@pytest.mark.parametrize("kind", ["flat", "flat16", "hnsw"])
def test_ids_survive_removal(kind: StoreKind) -> None:
    store = FaissStore(16, kind)
    vectors = _vectors(50)
    ids = np.arange(100, 150)
    store.add(ids, vectors)
    store.remove(np.array([100, 101, 102, 120]))
    assert len(store) == 46
    found = store.search(vectors[[30, 3]], 1)
    # Row 30 has id 130, whatever the store did to its internal positions.
    assert found.ids[0, 0] == 130
    assert found.scores[0, 0] == pytest.approx(1.0, abs=1e-3 if kind == "flat16" else 1e-5)  # 16 bits: ~3 digits
    assert 103 in store.search(vectors[[3]], 1).ids[0]
    removed = store.search(vectors[[20]], 46).ids[0]
    assert 120 not in removed


@pytest.mark.parametrize("kind", ["flat", "flat16", "hnsw"])
def test_save_and_load_round_trip(tmp_path: Path, kind: StoreKind) -> None:
    store = FaissStore(16, kind)
    vectors = _vectors(40)
    store.add(np.arange(40), vectors)
    store.remove(np.array([5]))
    store.save(tmp_path / "v.faiss")
    loaded = FaissStore.load(tmp_path / "v.faiss", kind, 16)
    assert len(loaded) == 39
    assert loaded.search(vectors[[7]], 3).ids[0].tolist() == store.search(vectors[[7]], 3).ids[0].tolist()
    assert 5 not in loaded.search(vectors[[5]], 39).ids[0]


def test_copy_is_independent() -> None:
    store = FaissStore(16)
    store.add(np.arange(10), _vectors(10))
    other = store.copy()
    other.remove(np.array([1, 2]))
    assert len(store) == 10
    assert len(other) == 8


def test_hnsw_compacts_after_many_removals() -> None:
    store = FaissStore(16, "hnsw")
    vectors = _vectors(100)
    store.add(np.arange(100), vectors)
    store.remove(np.arange(30))
    assert len(store) == 70
    assert store.search(vectors[[50]], 1).ids[0, 0] == 50


def test_wrong_dimension_is_refused() -> None:
    with pytest.raises(ValueError, match="dimension 16"):
        FaissStore(16).add(np.arange(2), _vectors(2, d=8))


def test_flat16_ranks_as_flat_does_with_scores_within_its_precision() -> None:
    vectors, queries = _vectors(2000, d=64), _vectors(50, d=64, seed=1)
    exact, half = FaissStore(64, "flat"), FaissStore(64, "flat16")
    for store in (exact, half):
        store.add(np.arange(2000), vectors)
    a, b = exact.search(queries, 10), half.search(queries, 10)
    assert np.abs(a.scores - b.scores).max() < 2e-3
    overlap = np.mean([len(set(x) & set(y)) / 10 for x, y in zip(a.ids.tolist(), b.ids.tolist(), strict=True)])
    assert overlap >= 0.98
    assert np.abs(half.vectors(np.array([3, 1999])) - vectors[[3, 1999]]).max() < 1e-3
