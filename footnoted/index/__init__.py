"""Turning chunks into a persistent, searchable index; answering questions from it."""

from footnoted.index.config import IndexConfig
from footnoted.index.encoder import Encoder, HashEncoder
from footnoted.index.index import AddReport, Index
from footnoted.index.load import make_encoder, open_index
from footnoted.index.search import Mode, Ranking

__all__ = [
    "AddReport",
    "Encoder",
    "HashEncoder",
    "Index",
    "IndexConfig",
    "Mode",
    "Ranking",
    "make_encoder",
    "open_index",
]
