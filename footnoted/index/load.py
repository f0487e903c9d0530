"""Building the encoder and opening the index that settings describe."""

from __future__ import annotations

import itertools
import logging
import sqlite3
import time
from pathlib import Path

from footnoted.errors import IndexCorrupt, IndexLocked, IndexMismatch, InvalidSettings
from footnoted.index.config import IndexConfig
from footnoted.index.encoder import Encoder, HashEncoder, SentenceTransformerEncoder, default_model_path, read_spec
from footnoted.index.index import Index, Progress
from footnoted.index.onnx import load_onnx_encoder
from footnoted.ingest.chunk import ChunkSettings
from footnoted.ingest.read import stored_unchanged
from footnoted.ingest.tokens import ModelTokenizer, Tokenizer, WordTokenizer
from footnoted.settings import Settings

log = logging.getLogger("footnoted")


def make_encoder(settings: Settings) -> tuple[Encoder, Tokenizer]:
    """The encoder the settings ask for, and the tokenizer that budgets its chunks."""
    if settings.encoder == "hash":
        return HashEncoder(), WordTokenizer()
    spec = read_spec(settings.model_path or default_model_path())
    tokenizer = ModelTokenizer(spec.path / "tokenizer.json")
    if settings.encoder == "torch":
        return SentenceTransformerEncoder(spec), tokenizer
    return load_onnx_encoder(
        spec,
        settings.models_dir,
        threads=settings.threads,
        int8=settings.encoder == "onnx-int8",
        batch_runtime=settings.batch_runtime,
    ), tokenizer


def index_config(settings: Settings, encoder: Encoder | None = None) -> IndexConfig:
    """The configuration a new index gets from the settings (passages capped to what ``encoder`` reads).

    Raises:
        InvalidSettings: the passage size or overlap is out of bounds.
    """
    try:
        chunk = ChunkSettings(max_tokens=settings.chunk_tokens, overlap=settings.chunk_overlap)
        if encoder is not None:
            chunk = chunk.within(encoder.max_tokens)
    except ValueError as exc:
        raise InvalidSettings(f"FOOTNOTED_CHUNK_TOKENS/FOOTNOTED_CHUNK_OVERLAP: {exc}") from None
    return IndexConfig(
        chunk=chunk, store=settings.vector_store, mode=settings.mode or "hybrid", fusion=settings.fusion or "rrf"
    )


def open_index(
    settings: Settings,
    path: str | Path | None = None,
    *,
    encoder: tuple[Encoder, Tokenizer] | None = None,
    create: bool = False,
    progress: Progress | None = None,
) -> Index:
    """Open the index at ``path`` (or the settings' one).

    With no path given anywhere, or the default one given, this is the bundled briefing's index in
    the per-user data directory, built on first use. Questions that name no mode take the settings'
    (``FOOTNOTED_MODE``) when set, else the index's own; hybrid search fuses its lists as the
    settings say (``FOOTNOTED_FUSION``) when set, else as the index was made to.
    """
    enc, tokenizer = encoder or make_encoder(settings)
    where = Path(path) if path is not None else settings.index_path()
    default = settings.is_default_index(where)
    try:
        index = Index.open(
            where, enc, tokenizer, index_config(settings, enc), create=create or default, verify=settings.verify
        )
    except (IndexMismatch, IndexCorrupt) as problem:
        if not default:
            raise
        index = _recover(where, enc, tokenizer, settings, problem, progress)
    if default and index.snapshot.generation == 0:
        # Never written: built now. An index emptied on purpose (every document removed) stays empty.
        from footnoted.corpus import load_briefing

        index.add([load_briefing()], progress=progress)
    elif default:
        _refresh_briefing(index, progress)
    index.default_mode = settings.mode
    index.default_fusion = settings.fusion
    return index


def _refresh_briefing(index: Index, progress: Progress | None) -> None:
    """Read the bundled briefing again where the default index holds it as other reading code read
    it, or as another release bundled it (after an upgrade), so that it answers as a new one would;
    its unchanged text takes its vectors from the cache. A briefing removed on purpose stays
    removed. When the index cannot be written now (another process is writing to it, a read-only
    disk), it is used as it is, and the briefing read again another time."""
    from footnoted.corpus import BRIEFING_ID, briefing_bytes, load_briefing

    stored = index.snapshot.documents.get(BRIEFING_ID)
    if stored is None or stored_unchanged(stored, briefing_bytes()):
        return
    try:
        index.add([load_briefing()], progress=progress)
    except (IndexLocked, OSError, sqlite3.Error) as exc:  # sqlite3: an embedding cache it cannot open
        log.warning("the bundled briefing in %s was not read again: %s", index.path, exc)


def _recover(
    where: Path,
    encoder: Encoder,
    tokenizer: Tokenizer,
    settings: Settings,
    problem: Exception,
    progress: Progress | None,
) -> Index:
    """The bundled briefing's index when it does not open as it is (another model, another version
    of footnoted, damage): built again from the documents it holds, the ones uploaded to it
    included; when those cannot be read either, it is moved aside, never deleted, and started afresh."""
    try:
        index, report = Index.rebuild(where, encoder, tokenizer, progress=progress)
    except (IndexMismatch, IndexCorrupt) as unreadable:
        stamp = time.strftime("%Y%m%dT%H%M%S")
        aside = next(
            place
            for n in itertools.count()
            if not (place := where.with_name(f"{where.name}.unreadable-{stamp}{f'-{n}' if n else ''}")).exists()
        )
        where.rename(aside)
        log.warning(
            "the bundled briefing's index at %s cannot be read (%s): moved to %s, starting afresh",
            where,
            _what(unreadable),
            aside,
        )
        return Index.open(
            where, encoder, tokenizer, index_config(settings, encoder), create=True, verify=settings.verify
        )
    log.warning(
        "the bundled briefing's index at %s was built again from the %d document%s it holds (%s)",
        where,
        len(report.added),
        "" if len(report.added) == 1 else "s",
        _what(problem),
    )
    return index


def _what(problem: Exception) -> str:
    """An error's finding without its advice (the advice is being taken)."""
    return str(problem).split("; ")[0]
