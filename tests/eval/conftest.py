from __future__ import annotations

from collections.abc import Mapping

import pytest

from footnoted.eval.dataset import EvalSet, briefing_set
from footnoted.eval.runner import EvalReport, evaluate
from footnoted.index import HashEncoder, Index, IndexConfig
from footnoted.ingest import ChunkSettings, WordTokenizer
from footnoted.types import Document


@pytest.fixture(scope="session")
def briefing_docs(briefing: Document) -> Mapping[str, Document]:
    return {briefing.id: briefing}


@pytest.fixture(scope="session")
def hash_index(briefing: Document) -> Index:
    """The briefing in memory, cut small enough that some evidence straddles chunks."""
    index = Index.memory(HashEncoder(), WordTokenizer(), IndexConfig(chunk=ChunkSettings(max_tokens=96, overlap=16)))
    index.add([briefing])
    return index


@pytest.fixture(scope="session")
def briefing_eval(briefing_docs: Mapping[str, Document]) -> EvalSet:
    return briefing_set(briefing_docs)


@pytest.fixture(scope="session")
def hash_report(briefing_eval: EvalSet, hash_index: Index) -> EvalReport:
    return evaluate(briefing_eval, hash_index)
