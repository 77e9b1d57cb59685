"""An opened index: the store, the embedder it was built with, and its lexical twin.

Heavy objects are built here once, at the entry point, and passed on to ``qa``.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from baocao.settings import Settings
from ingest.embed import Embedder, make_embedder
from ingest.jail import ParserJail
from ingest.lexical import LexicalIndex
from ingest.pipeline import IngestReport, Progress, ingest_paths
from ingest.segment import segmenter_version
from ingest.store import DocRecord, Store, provenance_of


class Index:
    """Store + embedder + lexical index of one corpus.

    The lexical index and the manifest are cached in memory and rebuilt when the set of committed
    documents changes (this process's writes, or another process's on a shared Chroma server).
    """

    def __init__(self, settings: Settings, store: Store, embedder: Embedder) -> None:
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self._lock = threading.RLock()
        self._lexical: LexicalIndex | None = None
        self._manifest: dict[str, DocRecord] | None = None
        self._jail: ParserJail | None = None

    @classmethod
    def open(cls, settings: Settings, *, writable: bool = False, embedder: Embedder | None = None) -> Index:
        """Open the index the settings name, with their embedder (or the one given).

        Raises:
            IndexMismatchError: the index was built with another embedder or chunking.
            LockedError: ``writable`` and another process is writing this data dir.
        """
        embedder = embedder or make_embedder(settings.embedder, cache_dir=settings.embed_cache_dir)
        provenance = provenance_of(settings, embedder.name, embedder.dim, segmenter_version())
        store = Store.open(settings, provenance, writable=writable)
        return cls(settings, store, embedder)

    def close(self) -> None:
        """Release the writer lock, if held, and stop the parser process."""
        if self._jail is not None:
            self._jail.close()
        self.store.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def manifest(self, *, refresh: bool = False) -> dict[str, DocRecord]:
        """Committed documents by id (cached; ``refresh`` re-reads the store)."""
        with self._lock:
            if self._manifest is None or refresh:
                fresh = self.store.manifest()
                if self._manifest is not None and fresh.keys() != self._manifest.keys():
                    self._lexical = None
                self._manifest = fresh
            return self._manifest

    def lexical(self) -> LexicalIndex:
        """The BM25 index over committed chunks, built on first use."""
        with self._lock:
            if self._lexical is None:
                allowed = self.manifest().keys()
                self._lexical = LexicalIndex(r for r in self.store.lexical_rows() if r.doc_id in allowed)
            return self._lexical

    def ingest(self, paths: Sequence[Path], *, progress: Progress | None = None) -> IngestReport:
        """Ingest files and folders (see ``ingest.pipeline.ingest_paths``)."""
        with self._lock:
            if self._jail is None:
                self._jail = ParserJail(
                    memory_mb=self.settings.parse_memory_mb,
                    timeout_s=self.settings.parse_timeout_s,
                    ocr_page_timeout_s=self.settings.ocr_page_timeout_s,
                )
            jail = self._jail
            report = ingest_paths(
                paths,
                self.store,
                self.embedder,
                self.settings,
                progress=progress,
                loader=lambda path, max_bytes: jail.parse(path, max_bytes=max_bytes),
            )
            self._invalidate()
            return report

    def remove(self, doc_id: str) -> DocRecord:
        """Remove a document and its chunks.

        Raises:
            StoreError: no such document.
        """
        from baocao.errors import StoreError

        with self._lock:
            record = self.manifest(refresh=True).get(doc_id)
            if record is None:
                raise StoreError(f"no document with id {doc_id!r}; list them with 'baocao docs list'")
            self.store.remove_document(doc_id)
            self._invalidate()
            return record

    def _invalidate(self) -> None:
        self._manifest = None
        self._lexical = None
