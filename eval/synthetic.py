"""Synthetic indexes of N sentences for the scale benchmark, built without running the embedder.

The sentences are the shared vn-admin articles' own: each article is loaded, segmented and
chunked once by the ingest code (so its tokens are underthesea's), and the articles are written
again and again as synthetic copies (a copy is the article's text under a new document id) until
the index holds N sentences. The vectors are random unit vectors of the embedder's dimension from
a seeded generator, written under the real embedder's name: the index is a real baocao index
(the same two Chroma collections, the manifest, the saved lexical index keyed to it) that
``baocao ask --data-dir DIR`` opens with the real embedder. Its dense half ranks at random, so
an answer found in it is found by the lexical half: the index measures time, memory and disk,
not answer quality.

Each build goes into ``<work>/n<N>/`` and is marked complete by ``built.json``, written last; a
folder without it (a build that was killed) is removed and built again.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from baocao.errors import LoadError
from baocao.settings import Settings
from ingest.chunk import build_document, chunk_document, document_id
from ingest.embed import make_embedder
from ingest.index import Index
from ingest.lexical import LexicalIndex, LexicalRow
from ingest.lexical_files import manifest_key
from ingest.records import Chunk, Document

__all__ = ["BUILD_FORMAT", "BUILT", "RandomEmbedder", "Source", "build_synthetic", "load_sources"]

BUILT = "built.json"
# 2: articles stored twice are one document (before, their chunks overwrote each other's)
BUILD_FORMAT = 2
# the ingest size limit does not apply: the shared articles are a few KB each
_MAX_ARTICLE_BYTES = 50 * 1024 * 1024


class RandomEmbedder:
    """An embedder with another one's name and dimension whose passage vectors are random unit
    vectors from a seeded generator: an index built with it opens with the real embedder.

    Queries are not meant to be embedded with it (``baocao ask`` uses the real embedder); it
    answers them with a random unit vector too.
    """

    def __init__(self, name: str, dim: int, *, seed: int = 0) -> None:
        self.name = name
        self.dim = dim
        self._rng = np.random.default_rng(seed)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self._rng.standard_normal((len(texts), self.dim), dtype=np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_passages([text])[0]

    def count_tokens(self, texts: Sequence[str]) -> int:
        return 0


@dataclass(frozen=True)
class Source:
    """One article, loaded and chunked once: its bytes, document and sentence chunks."""

    content: bytes
    doc: Document
    chunks: list[Chunk]


def load_sources(paths: Iterable[Path], settings: Settings) -> Iterator[Source]:
    """Articles, each loaded, segmented and chunked by the ingest code; an article the loader
    refuses (one of the shared articles has no text) or with no sentence is left out, and so is
    an article whose bytes an earlier one has (a few shared articles are stored twice).

    Args:
        paths: Markdown articles (the shared vn-admin articles), in the order they are wanted.
        settings: ``window_sentences``.
    """
    from ingest.load import load  # the parsers: only a build needs them

    seen: set[str] = set()
    for path in paths:
        content = path.read_bytes()
        if document_id(content) in seen:
            continue  # the same bytes under another name: one document, as ingest keeps it
        seen.add(document_id(content))
        try:
            loaded = replace(load(path, max_bytes=_MAX_ARTICLE_BYTES), path=str(path))
        except LoadError:
            continue
        doc = build_document(loaded, content)
        chunks = chunk_document(doc, window_sentences=settings.window_sentences)
        if chunks:
            yield Source(content, doc, chunks)


def _copy(source: Source, copy: int) -> tuple[Document, list[Chunk]]:
    """The article as synthetic copy ``copy`` (0 is the article itself): same text and tokens,
    its own document id and content hash, so each copy is a document of its own."""
    if copy == 0:
        return source.doc, source.chunks
    content = source.content + f"\n<!-- synthetic copy {copy} -->\n".encode()
    digest = hashlib.sha256(content).hexdigest()
    doc_id = digest[:16]
    stem = Path(source.doc.filename).stem
    doc = replace(
        source.doc,
        doc_id=doc_id,
        content_sha256=digest,
        path=f"synthetic/{stem}~{copy}.md",
        filename=f"{stem}~{copy}.md",
    )
    chunks = [replace(c, chunk_id=f"{doc_id}:{c.index:05d}", doc_id=doc_id) for c in source.chunks]
    return doc, chunks


def build_synthetic(
    data_dir: Path,
    sentences: int,
    sources: Sequence[Source],
    settings: Settings,
    *,
    seed: int = 0,
    log: bool = True,
) -> dict[str, Any]:
    """Build an embedded baocao index of exactly ``sentences`` sentence chunks in ``data_dir``.

    Documents are the sources in order, then their copies 1, 2, ... in the same order; the last
    document is cut to reach the count. Chunks and the manifest go through ``Store.write_document``
    (chunks first, the manifest record last), and the lexical index is built from the same chunks
    and saved as an ingest saves it (``LexicalFiles.commit``, keyed to the manifest).

    Args:
        data_dir: a new (or empty) data dir.
        sentences: how many sentence chunks the index holds.
        sources: the articles (see :func:`load_sources`); repeated as often as needed.
        settings: the index's settings (``data_dir`` is replaced by the one given).
        seed: of the random vectors.
        log: print progress every 50,000 sentences.

    Returns:
        ``{"documents", "sentences", "distinct_sentences", "write_s", "lexical_s", "articles"}``
        (``articles``: the file names of the articles in it), also written to ``built.json``.
    """
    if not sources:
        raise ValueError("no articles to build from")
    if data_dir.exists():
        shutil.rmtree(data_dir)
    settings = replace(settings, data_dir=data_dir, chroma_url=None)
    real = make_embedder(settings.embedder)
    embedder = RandomEmbedder(real.name, real.dim, seed=seed)
    del real
    rows: list[LexicalRow] = []
    documents = 0
    started = time.perf_counter()
    with Index.open(settings, writable=True, embedder=embedder) as index:
        copy = 0
        while len(rows) < sentences:
            for source in sources:
                doc, chunks = _copy(source, copy)
                chunks = chunks[: sentences - len(rows)]
                index.store.write_document(doc, chunks, embedder.embed_passages([c.text for c in chunks]))
                rows.extend(LexicalRow(c.chunk_id, c.doc_id, c.tokens, c.context, c.role) for c in chunks)
                documents += 1
                if log and len(rows) // 50_000 != (len(rows) - len(chunks)) // 50_000:
                    print(
                        f"  {len(rows):,} sentences written ({time.perf_counter() - started:.0f} s)",
                        flush=True,
                    )
                if len(rows) >= sentences:
                    break
            copy += 1
        write_s = time.perf_counter() - started
        if index.store.count() != len(rows):
            raise RuntimeError(
                f"the store holds {index.store.count()} sentences, not the {len(rows)} written"
            )
        started = time.perf_counter()
        key = manifest_key(index.manifest(refresh=True))
        index.lexical_files.commit(LexicalIndex(rows), key, documents=documents)
        lexical_s = time.perf_counter() - started
    figures = {
        "format": BUILD_FORMAT,
        "documents": float(documents),
        "sentences": float(len(rows)),
        "distinct_sentences": float(min(sum(len(s.chunks) for s in sources[:documents]), len(rows))),
        "write_s": write_s,
        "lexical_s": lexical_s,
        "articles": [s.doc.filename for s in sources[:documents]],
    }
    (data_dir / BUILT).write_text(json.dumps(figures, indent=1) + "\n")
    return figures
