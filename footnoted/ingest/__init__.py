"""Reading documents, finding their footnotes and cutting them into chunks."""

from footnoted.ingest.chunk import ChunkSettings, chunk
from footnoted.ingest.many import load_all
from footnoted.ingest.read import load, parse
from footnoted.ingest.tokens import ModelTokenizer, Tokenizer, WordTokenizer

__all__ = ["ChunkSettings", "ModelTokenizer", "Tokenizer", "WordTokenizer", "chunk", "load", "load_all", "parse"]
