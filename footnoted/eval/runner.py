"""Running an eval set against an index: every question in every mode, judged, scored and diagnosed.

Modes: ``dense``, ``lexical`` and ``hybrid`` rank the index's own chunks exactly as ``search``
does; ``baseline`` ranks the naive fixed-size chunks of ``footnoted.eval.baseline``, cut from the
documents the set's evidence lies in. Figures are
means over the questions, overall and per tag.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from footnoted.errors import EvalSetError
from footnoted.eval.answers import AnswerScore, score_answers
from footnoted.eval.baseline import CHUNK_OVERLAP, CHUNK_SIZE, Baseline
from footnoted.eval.dataset import EvalSet
from footnoted.eval.diagnostics import Miss, diagnose
from footnoted.eval.metrics import evidence_recall_at_k, hit_at_k, ndcg_at_k, recall_at_k, reciprocal_rank_at_k
from footnoted.eval.relevance import Judged, Pool, judge
from footnoted.index import Index, Ranking
from footnoted.types import Document

MODES: tuple[str, ...] = ("dense", "lexical", "hybrid", "baseline")
DEFAULT_KS: tuple[int, ...] = (1, 3, 5, 10)
CUTOFF = 10
"""MRR and nDCG are reported at this cut-off."""
_MIN_DEPTH = 50
"""Lists are this deep at least: ``Index.search`` fuses lists of 50, and diagnostics want ranks past 10."""

Info = Mapping[str, str | int | None]


@dataclass(frozen=True, slots=True)
class Summary:
    """Mean figures over a group of questions. ``evidence_recall`` is None when none has gold spans."""

    questions: int
    hit: Mapping[int, float]
    recall: Mapping[int, float]
    evidence_recall: Mapping[int, float] | None
    mrr: float
    """MRR@10."""
    ndcg: float
    """nDCG@10."""


@dataclass(frozen=True, slots=True)
class ModeResult:
    mode: str
    overall: Summary
    by_tag: Mapping[str, Summary]
    judged: tuple[Judged, ...]
    misses: tuple[Miss, ...]


@dataclass(frozen=True, slots=True)
class EvalReport:
    """Everything one run measured; ``footnoted.eval.report`` renders and writes it."""

    set_name: str
    ks: tuple[int, ...]
    index: Info
    """What was evaluated: model, index path and settings, and the baseline's."""
    results: tuple[ModeResult, ...]
    answers: AnswerScore | None = None
    """How often ``ask``'s answer sentence overlaps the evidence (when measured)."""

    def result(self, mode: str) -> ModeResult:
        return next(r for r in self.results if r.mode == mode)


def evaluate(
    eval_set: EvalSet,
    index: Index,
    *,
    modes: Sequence[str] = MODES,
    ks: Sequence[int] = DEFAULT_KS,
    baseline: Baseline | None = None,
    answers: bool = True,
) -> EvalReport:
    """Run every question of ``eval_set`` against ``index`` in each of ``modes``.

    The baseline is built with the index's encoder unless one is given, from the documents the
    set's evidence lies in (``_baseline_documents``).

    Raises:
        ValueError: an unknown mode, or a cut-off below 1.
        EvalSetError: the set's evidence points at a document the index does not hold, or lies in
            no passage of the index (text that footnoted leaves out).
    """
    modes = tuple(dict.fromkeys(modes))
    unknown = [m for m in modes if m not in MODES]
    if unknown or not modes:
        raise ValueError(f"modes must be some of {', '.join(MODES)}, not {', '.join(unknown) or 'none'}")
    cutoffs = tuple(sorted(set(ks)))
    if not cutoffs or cutoffs[0] < 1:
        raise ValueError("cut-offs must be whole numbers from 1")
    snap = index.snapshot
    _check_documents(eval_set, snap.documents.keys())
    depth = max(_MIN_DEPTH, cutoffs[-1], CUTOFF)
    pools = {"index": Pool(snap.chunks, snap.documents)}
    _check_shown(eval_set, pools["index"])
    if "baseline" in modes:
        baseline = baseline or Baseline.build(_baseline_documents(eval_set, snap.documents), index.encoder)
        pools["baseline"] = Pool(baseline.chunks, snap.documents)
    lists: list[dict[str, Judged]] = []
    for q in eval_set.questions:
        vector = index.encode_query(q.text)
        rankings: dict[str, Ranking] = {
            str(m): r for m, r in index.rankings(q.text, depth, query=vector, snap=snap).items()
        }
        if "baseline" in pools and baseline is not None:
            rankings["baseline"] = baseline.rank(vector, depth)
        lists.append({m: judge(q, m, r, pools[_pool(m)]) for m, r in rankings.items()})
    results = tuple(_result(mode, lists, cutoffs, pools[_pool(mode)]) for mode in modes)
    info: dict[str, str | int | None] = {
        "path": str(index.path) if index.path else None,
        "model": index.encoder.model_id,
        "documents": len(snap.documents),
        "chunks": len(snap.chunks),
        "vectors": len(snap.row_ids),
        "chunk_tokens": index.config.chunk.max_tokens,
        "chunk_overlap": index.config.chunk.overlap,
        "footnote_vectors": index.config.footnote_vectors,
        "fusion": index.fusion,
        "rrf_k": index.config.rrf_k,
        "mode": index.config.mode,
    }
    if "baseline" in pools:
        chunks = pools["baseline"].chunks
        info.update(
            baseline_chunks=len(chunks),
            baseline_documents=len({c.document_id for c in chunks}),
            baseline_size=CHUNK_SIZE,
            baseline_overlap=CHUNK_OVERLAP,
        )
    # Answers are scored against gold spans: a set judged by document only (BEIR) has none to score.
    scored = score_answers(eval_set, index) if answers and any(q.evidence for q in eval_set.questions) else None
    return EvalReport(eval_set.name, cutoffs, info, results, scored)


def summarise(judged: Sequence[Judged], ks: Sequence[int]) -> Summary:
    """Mean figures of a group of judged lists (one per question)."""
    n = len(judged)

    def mean(values: list[float]) -> float:
        return sum(values) / len(values) if values else 0.0

    spans = [j for j in judged if j.question.evidence]
    return Summary(
        questions=n,
        hit={k: mean([hit_at_k(j.grades, k) for j in judged]) for k in ks},
        recall={k: mean([recall_at_k(j.grades, list(j.relevant.values()), k) for j in judged]) for k in ks},
        evidence_recall={k: mean([evidence_recall_at_k(j.covered_at, k) for j in spans]) for k in ks}
        if spans
        else None,
        mrr=mean([reciprocal_rank_at_k(j.grades, CUTOFF) for j in judged]),
        ndcg=mean([ndcg_at_k(j.grades, list(j.relevant.values()), CUTOFF) for j in judged]),
    )


def _result(mode: str, lists: list[dict[str, Judged]], ks: tuple[int, ...], pool: Pool) -> ModeResult:
    judged = [by_mode[mode] for by_mode in lists]
    tags = sorted({t for j in judged for t in j.question.tags})
    by_tag = {t: summarise([j for j in judged if t in j.question.tags], ks) for t in tags}
    misses = tuple(m for by_mode in lists if (m := diagnose(mode, by_mode, pool)) is not None)
    return ModeResult(mode, summarise(judged, ks), by_tag, tuple(judged), misses)


def _baseline_documents(eval_set: EvalSet, documents: Mapping[str, Document]) -> list[Document]:
    """What the baseline cuts and encodes: the documents the set's evidence lies in, which alone
    hold relevant passages (encoding the rest of a large index cost a minute and a gigabyte for
    ten questions). On an index holding more, the baseline so ranks fewer other passages than the
    index's modes do; the report says over how many documents it was built. A set judged by
    document (BEIR) names only its relevant documents, so its baseline covers the whole index."""
    if any(q.documents for q in eval_set.questions):
        return list(documents.values())
    named = {ev.document_id for q in eval_set.questions for ev in q.evidence}
    return [doc for doc_id, doc in documents.items() if doc_id in named]


def _pool(mode: str) -> str:
    return "baseline" if mode == "baseline" else "index"


def _check_documents(eval_set: EvalSet, documents: Collection[str]) -> None:
    for q in eval_set.questions:
        for doc_id in [*(ev.document_id for ev in q.evidence), *q.documents]:
            if doc_id not in documents:
                raise EvalSetError(f"question {q.id!r} points at document {doc_id!r}, which is not in the index")


def _check_shown(eval_set: EvalSet, pool: Pool) -> None:
    """Refuse evidence that no passage of the index shows: front matter, page furniture, anything
    ingest leaves out. No passage could be relevant to it, so it would score 0 in every mode, and
    the qrels, which list relevant passages, would leave its question out: trec_eval and ranx would
    then report other figures than these. (The baseline, cut from the whole source, may show it.)"""
    for q in eval_set.questions:
        for n, ev in enumerate(q.evidence, 1):
            if not pool.shows(ev):
                where = f"{q.origin}: question {q.id!r}" if q.origin else f"question {q.id!r}"
                text = " ".join(ev.text.split())
                shown = repr(text if len(text) <= 60 else text[:59] + "…")
                raise EvalSetError(
                    f"{where}: evidence {n} lies in no passage the index holds (text footnoted leaves out: "
                    f"{shown}); quote text that a passage or its footnotes show"
                )
