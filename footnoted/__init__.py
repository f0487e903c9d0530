"""footnoted: answers from footnoted documents, with exact citations and the footnotes they cite."""

from footnoted.errors import FootnotedError
from footnoted.index import Index, IndexConfig, open_index
from footnoted.ingest import chunk, load, load_all, parse
from footnoted.settings import Settings
from footnoted.types import Answer, Chunk, Citation, Document, Footnote, Hit

__version__ = "0.1.0"

__all__ = [
    "Answer",
    "Chunk",
    "Citation",
    "Document",
    "Footnote",
    "FootnotedError",
    "Hit",
    "Index",
    "IndexConfig",
    "Settings",
    "chunk",
    "load",
    "load_all",
    "open_index",
    "parse",
]
