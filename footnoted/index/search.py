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
Fusion = Literal["rrf", "zscore", "convex"]
MODES: tuple[Mode, ...] = ("dense", "lexical", "hybrid")
FUSIONS: tuple[Fusion, ...] = ("rrf", "zscore", "convex")


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


def zscore(dense_ranking: Ranking, lexical_ranking: Ranking, depth: int, alpha: float = 0.5) -> Ranking:
    """Each list's scores standardised over the list (zero mean, unit variance), then summed:
    ``alpha * z_dense + (1 - alpha) * z_lexical`` (CombSUM of z-scores, Montague and Aslam's
    "ZMUV"). A passage that one list did not retrieve takes that list's lowest z-score.

    Unlike reciprocal rank fusion it keeps how far ahead a list's first passage is: where BM25 is
    sure (an identifier, a rare term) and the question's vector is lost, the lexical first stays
    first, and where both lists are flat the order comes from both. Equal fused scores are
    ordered by position in the index (document order), as in every ranking here.
    """
    scored: list[tuple[dict[int, float], float]] = []  # each list's weighted z by position, and its lowest
    for weight, ranking in ((alpha, dense_ranking), (1 - alpha, lexical_ranking)):
        if len(ranking.scores):
            z = weight * _standardised(ranking.scores)
            scored.append((dict(zip(ranking.positions.tolist(), z.tolist(), strict=True)), float(z.min())))
    fused = {p: sum(got.get(p, lowest) for got, lowest in scored) for got, _ in scored for p in got}
    return _from_scores(fused, depth)


def _standardised(scores: np.ndarray) -> np.ndarray:
    """``(s - mean) / std`` over the list; all zero where the scores do not vary (one passage)."""
    spread = float(scores.std())
    return (scores - scores.mean()) / spread if spread > 0 else np.zeros_like(scores)


def _from_scores(fused: dict[int, float], depth: int) -> Ranking:
    if not fused:
        return _empty()
    positions = np.fromiter(fused.keys(), dtype=np.int64, count=len(fused))
    scores = np.fromiter(fused.values(), dtype=np.float32, count=len(fused))
    return _top(scores, positions, depth)


def convex(dense_ranking: Ranking, lexical_ranking: Ranking, depth: int, alpha: float = 0.7) -> Ranking:
    """``alpha * cosine + (1 - alpha) * bm25 / max bm25``: a score-based alternative to RRF."""
    fused: dict[int, float] = {}
    for position, score in zip(dense_ranking.positions.tolist(), dense_ranking.scores.tolist(), strict=True):
        fused[position] = alpha * score
    top = float(lexical_ranking.scores.max()) if len(lexical_ranking.scores) else 1.0
    for position, score in zip(lexical_ranking.positions.tolist(), lexical_ranking.scores.tolist(), strict=True):
        fused[position] = fused.get(position, 0.0) + (1 - alpha) * score / max(top, 1e-9)
    return _from_scores(fused, depth)


def fuse(fusion: Fusion, dense_ranking: Ranking, lexical_ranking: Ranking, depth: int, rrf_k: int = 60) -> Ranking:
    """The hybrid ranking of the two lists by ``fusion``."""
    if fusion == "zscore":
        return zscore(dense_ranking, lexical_ranking, depth)
    if fusion == "convex":
        return convex(dense_ranking, lexical_ranking, depth)
    return rrf([dense_ranking, lexical_ranking], depth, rrf_k)
