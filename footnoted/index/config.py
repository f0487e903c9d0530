"""How an index cuts, embeds and ranks: settings recorded in its manifest."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

from footnoted.index.search import Fusion, Mode
from footnoted.index.vectors import StoreKind
from footnoted.ingest.chunk import ChunkSettings

FootnoteVectors = Literal["sentences", "contextual", "separate", "inline", "none"]


@dataclass(frozen=True, slots=True)
class IndexConfig:
    """How an index cuts, embeds and ranks; recorded in its manifest."""

    chunk: ChunkSettings = field(default_factory=ChunkSettings)
    store: StoreKind = "flat"
    footnote_vectors: FootnoteVectors = "sentences"
    """``sentences``: one extra vector per sentence of each attached footnote (the default);
    ``separate``: one per footnote; ``inline``: footnotes appended to the body in one vector (cut
    off by the model's limit: for comparison only); ``none``: body only."""
    sentence_vectors: bool = True
    """Embed each chunk's body sentence by sentence (the chunk scores its best); off: one vector
    for the whole passage."""
    fusion: Fusion = "rrf"
    rrf_k: int = 60
    mode: Mode = "hybrid"
    answer_passages: int = 4

    def __post_init__(self) -> None:
        """Raises ValueError for a setting that is not one of its kind's, so that nothing an index
        cannot use reaches its manifest."""
        for name, kind in (
            ("store", StoreKind),
            ("footnote_vectors", FootnoteVectors),
            ("fusion", Fusion),
            ("mode", Mode),
        ):
            allowed = get_args(kind)
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {getattr(self, name)!r}")
        for name in ("rrf_k", "answer_passages"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a whole number from 1, not {value!r}")
