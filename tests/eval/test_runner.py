"""The runner end to end on the briefing with the deterministic encoder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from footnoted.errors import EvalSetError
from footnoted.eval.dataset import EvalSet, Evidence, Question, load_set
from footnoted.eval.runner import MODES, EvalReport, evaluate
from footnoted.index import HashEncoder, Index, IndexConfig
from footnoted.ingest import ChunkSettings, WordTokenizer, parse
from footnoted.types import Document


def test_every_mode_scores_every_question(hash_report: EvalReport, briefing_eval: EvalSet) -> None:
    assert [r.mode for r in hash_report.results] == list(MODES)
    assert hash_report.ks == (1, 3, 5, 10)
    assert hash_report.index["model"] == "hash-256"
    assert hash_report.index["baseline_chunks"] == 9
    tags = {t for q in briefing_eval.questions for t in q.tags}
    for result in hash_report.results:
        overall = result.overall
        assert overall.questions == len(briefing_eval.questions) == len(result.judged)
        hits = [overall.hit[k] for k in hash_report.ks]
        assert hits == sorted(hits) and all(0.0 <= h <= 1.0 for h in hits)
        assert overall.evidence_recall is not None
        assert 0.0 < overall.mrr <= 1.0 and 0.0 < overall.ndcg <= 1.0
        assert set(result.by_tag) == tags
        assert result.by_tag["footnote"].questions == sum("footnote" in q.tags for q in briefing_eval.questions)


def test_misses_are_the_hit_at_1_failures(hash_report: EvalReport) -> None:
    for result in hash_report.results:
        missed = {m.question.id for m in result.misses}
        assert missed == {j.question.id for j in result.judged if j.first_relevant != 1}
        assert len(missed) == round((1 - result.overall.hit[1]) * result.overall.questions)
        for miss in result.misses:
            assert set(miss.gold_rank) == set(MODES)
            assert miss.gold_rank[result.mode] != 1
            assert miss.top is not None and miss.top.grade == 0


def test_footnotes_land_apart_only_in_the_baseline(hash_report: EvalReport) -> None:
    for result in hash_report.results:
        apart = [m for m in result.misses if m.footnote_apart]
        if result.mode == "baseline":
            assert apart, "the baseline cuts note bodies away from their markers"
            assert all("footnote" in m.question.tags or "both" in m.question.tags for m in apart)
        else:
            assert not apart
        assert all(
            m.footnote_apart is None
            for m in result.misses
            if m.question.tags[0] == "body" and "both" not in m.question.tags
        )


def test_small_chunks_split_evidence(briefing: Document, briefing_eval: EvalSet) -> None:
    index = Index.memory(HashEncoder(), WordTokenizer(), IndexConfig(chunk=ChunkSettings(max_tokens=24, overlap=4)))
    index.add([briefing])
    report = evaluate(briefing_eval, index, modes=["hybrid"], ks=[1, 5])
    (result,) = report.results
    assert any(m.evidence_split for m in result.misses)
    assert result.overall.evidence_recall is not None
    assert result.overall.evidence_recall[5] <= result.overall.hit[5]
    assert set(result.misses[0].gold_rank) == {"dense", "lexical", "hybrid"}


def test_questions_judged_by_document(hash_index: Index) -> None:
    beir = EvalSet("beir", (Question("1", "landmine exports", documents={"back-in-business-2005": 2}),))
    (result,) = evaluate(beir, hash_index, modes=["lexical"]).results
    assert result.overall.hit[1] == 1.0
    assert result.overall.evidence_recall is None
    assert result.judged[0].relevant == {c.id: 2 for c in hash_index.snapshot.chunks}


@pytest.mark.parametrize(
    ("modes", "ks", "message"),
    [
        (["sparse"], [1], "modes must be some of"),
        ([], [1], "modes must be some of"),
        (["dense"], [0, 3], "cut-offs must be whole numbers from 1"),
    ],
)
def test_bad_arguments(
    hash_index: Index, briefing_eval: EvalSet, modes: list[str], ks: list[int], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        evaluate(briefing_eval, hash_index, modes=modes, ks=ks)


def test_evidence_in_a_document_the_index_lacks(hash_index: Index) -> None:
    stray = EvalSet("x", (Question("q9", "?", evidence=(Evidence("elsewhere", 0, 1, "x"),)),))
    with pytest.raises(EvalSetError, match="question 'q9' points at document 'elsewhere'"):
        evaluate(stray, hash_index)


@pytest.mark.parametrize(
    ("name", "text", "quote"),
    [
        ("page.md", "---\ndate: 2024-05-01\n---\n# Page\n\nThe budget was $1.3 billion.\n", "date: 2024-05-01"),
        (
            "page.txt",
            "Harbour Budget\n\nRelated Material\n\nDownload PDF file\n[208 Kb, 16 pages]\n\n"
            "The budget was $1.3 billion.\n",
            "Download PDF file",
        ),
    ],
)
def test_evidence_that_no_passage_shows_is_refused(tmp_path: Path, name: str, text: str, quote: str) -> None:
    # No passage could be relevant: it would score 0 in every mode while the qrels left it out.
    document = parse(text, name=name)
    index = Index.memory(HashEncoder(), WordTokenizer())
    index.add([document])
    path = tmp_path / "set.jsonl"
    lines = [
        {"id": "ok", "question": "How big?", "evidence": ["$1.3 billion"]},
        {"id": "x", "question": "?", "evidence": ["The budget", quote]},
    ]
    path.write_text("\n\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    eval_set = load_set(path, index.snapshot.documents)
    with pytest.raises(EvalSetError) as caught:
        evaluate(eval_set, index)
    assert str(caught.value) == (
        f"{path}:3: question 'x': evidence 2 lies in no passage the index holds "
        f"(text footnoted leaves out: {quote!r}); quote text that a passage or its footnotes show"
    )


def _briefing_and(briefing: Document, *others: str) -> Index:
    """The briefing beside other documents, cut as ``hash_index`` cuts it."""
    index = Index.memory(HashEncoder(), WordTokenizer(), IndexConfig(chunk=ChunkSettings(max_tokens=96, overlap=16)))
    index.add([briefing, *(parse(text, name=f"other-{n}.txt") for n, text in enumerate(others))])
    return index


def test_the_baseline_covers_only_the_documents_the_evidence_lies_in(
    briefing: Document, briefing_eval: EvalSet, hash_report: EvalReport
) -> None:
    others = [f"Unrelated note {n} about gardens, tides and {n} landmines.\n" for n in range(30)]
    report = evaluate(briefing_eval, _briefing_and(briefing, *others), modes=["baseline"], answers=False)
    assert report.index["documents"] == 31
    assert report.index["baseline_documents"] == 1
    assert report.index["baseline_chunks"] == hash_report.index["baseline_chunks"] == 9
    # The same chunks and vectors as over the briefing alone: the same figures.
    assert report.result("baseline").overall == hash_report.result("baseline").overall


def test_a_set_judged_by_document_has_a_baseline_over_the_whole_index(briefing: Document) -> None:
    # Its named documents are the relevant ones: a baseline over them alone would rank nothing else.
    beir = EvalSet("beir", (Question("1", "landmine exports", documents={"back-in-business-2005": 2}),))
    report = evaluate(beir, _briefing_and(briefing, "A note on gardens.\n"), modes=["baseline"])
    assert report.index["baseline_documents"] == 2
