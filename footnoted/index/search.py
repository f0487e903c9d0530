"""Ranking chunks of a snapshot: dense (best of a chunk's vectors), lexical (BM25), and fused.

A chunk has one vector for its body and one for each footnote it carries (long notes are cut
to the model's budget, one vector a piece), so a question that matches only a footnote still
finds the passage that cites it. A chunk's dense score is the best score of its vectors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from footnoted.index.snapshot import Snapshot

Mode = Literal["dense", "lexical", "hybrid"]
Fusion = Literal["rrf", "convex"]
MODES: tuple[Mode, ...] = ("dense", "lexical", "hybrid")


@dataclass(frozen=True, slots=True)
class Ranking:
    """Chunk positions, best first, with their scores."""

    positions: np.ndarray
    scores: np.ndarray

    def rank_of(self, position: int) -> int | None:
        """1-based rank of a chunk position, or None when it was not retrieved."""
        hits = np.nonzero(self.positions == position)[0]
        return int(hits[0]) + 1 if len(hits) else None


def _empty() -> Ranking:
    return Ranking(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))


def _top(scores: np.ndarray, positions: np.ndarray, depth: int) -> Ranking:
    if len(scores) == 0:
        return _empty()
    depth = min(depth, len(scores))
    if depth < len(scores):
        # Everything at least as good as the depth-th best, ties included, so that ties are cut by
        # position and the top k is always the start of the top k + n.
        kth = np.partition(-scores, depth - 1)[depth - 1]
        top = np.nonzero(-scores <= kth)[0]
    else:
        top = np.arange(len(scores))
    order = top[np.lexsort((positions[top], -scores[top]))][:depth]
    return Ranking(positions[order].astype(np.int64), scores[order].astype(np.float32))


def dense(snapshot: Snapshot, query: np.ndarray, depth: int, allowed: np.ndarray | None = None) -> Ranking:
    """Chunks by the best inner product of any of their vectors with the query vector."""
    total = len(snapshot.row_ids)
    if total == 0:
        return _empty()
    if allowed is not None:
        rows = snapshot.row_ids[np.isin(snapshot.row_chunks, allowed)]
        if len(rows) == 0:
            return _empty()
        row_scores = snapshot.vectors.vectors(rows) @ query
        row_ids = rows
    else:
        fetch = min(total, max(depth * 3, 32))
        while True:
            found = snapshot.vectors.search(query[None, :], fetch)
            keep = found.ids[0] >= 0
            row_ids, row_scores = found.ids[0][keep], found.scores[0][keep]
            chunks = snapshot.chunk_of_rows(row_ids)
            if fetch >= total or len(np.unique(chunks)) >= min(depth, len(snapshot.chunks)):
                break
            fetch = min(total, fetch * 4)
    chunks = snapshot.chunk_of_rows(row_ids)
    best: dict[int, float] = {}
    for chunk, score in zip(chunks.tolist(), row_scores.tolist(), strict=True):
        if score > best.get(chunk, -np.inf):
            best[chunk] = score
    positions = np.fromiter(best.keys(), dtype=np.int64, count=len(best))
    scores = np.fromiter(best.values(), dtype=np.float32, count=len(best))
    return _top(scores, positions, depth)


def lexical(snapshot: Snapshot, question: str, depth: int, allowed: np.ndarray | None = None) -> Ranking:
    """Chunks by BM25 over their body and footnote text; chunks that share no term are left out."""
    scores = snapshot.lexical.scores(question)
    positions = np.arange(len(scores), dtype=np.int64)
    keep = scores > 0
    if allowed is not None:
        keep &= np.isin(positions, allowed)
    return _top(scores[keep], positions[keep], depth)


def rrf(rankings: list[Ranking], depth: int, k: int = 60) -> Ranking:
    """Reciprocal rank fusion: ``score(c) = sum_m 1 / (k + rank_m(c))``, scaled so 1.0 means first everywhere.

    Equal fused scores (first in one list and third in the other, against the other way round)
    are ordered as every ranking here orders ties: by position in the index (document order).
    """
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, position in enumerate(ranking.positions.tolist(), start=1):
            fused[position] = fused.get(position, 0.0) + 1.0 / (k + rank)
    if not fused:
        return _empty()
    scale = len(rankings) / (k + 1)
    positions = np.fromiter(fused.keys(), dtype=np.int64, count=len(fused))
    scores = np.fromiter((v / scale for v in fused.values()), dtype=np.float32, count=len(fused))
    return _top(scores, positions, depth)


def convex(dense_ranking: Ranking, lexical_ranking: Ranking, depth: int, alpha: float = 0.7) -> Ranking:
    """``alpha * cosine + (1 - alpha) * bm25 / max bm25``: a score-based alternative to RRF."""
    fused: dict[int, float] = {}
    for position, score in zip(dense_ranking.positions.tolist(), dense_ranking.scores.tolist(), strict=True):
        fused[position] = alpha * score
    top = float(lexical_ranking.scores.max()) if len(lexical_ranking.scores) else 1.0
    for position, score in zip(lexical_ranking.positions.tolist(), lexical_ranking.scores.tolist(), strict=True):
        fused[position] = fused.get(position, 0.0) + (1 - alpha) * score / max(top, 1e-9)
    if not fused:
        return _empty()
    positions = np.fromiter(fused.keys(), dtype=np.int64, count=len(fused))
    scores = np.fromiter(fused.values(), dtype=np.float32, count=len(fused))
    return _top(scores, positions, depth)
