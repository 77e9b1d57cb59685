"""An opened index: the store, the embedder it was built with, and its lexical twin.

Heavy objects are built here once, at the entry point, and passed on to ``qa``. The lexical index
is loaded from its saved copy when that copy was built for the committed documents, and rebuilt
from the store (then saved again) when it was not; ingest and removal save the new one at once.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from baocao.settings import Settings
from ingest.embed import Embedder, make_embedder
from ingest.lexical import LexicalIndex
from ingest.lexical_files import LexicalFiles, manifest_key, slot_of
from ingest.pipeline import IngestReport, Progress, ingest_paths
from ingest.segment import segmenter_version
from ingest.store import DocRecord, Store, provenance_of

if TYPE_CHECKING:
    from ingest.jail import ParserJail

log = logging.getLogger("baocao.ingest")


class Index:
    """Store + embedder + lexical index of one corpus.

    The lexical index and the manifest are cached in memory; the lexical index is loaded again (or
    rebuilt) when the set of committed documents changes: this process's writes, or another
    process's on a shared Chroma server (noticed within ``manifest_check_s``).
    """

    def __init__(self, settings: Settings, store: Store, embedder: Embedder) -> None:
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self.lexical_files = LexicalFiles(slot_of(settings))
        self._lock = threading.RLock()
        self._lexical: LexicalIndex | None = None
        self._manifest: dict[str, DocRecord] | None = None
        self._key = ""
        self._jail: ParserJail | None = None
        self._checked_at = 0.0

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
            if self._manifest is None or refresh or self._changed_elsewhere(self._manifest):
                fresh = self.store.manifest()
                key = manifest_key(fresh)
                if key != self._key:
                    self._lexical = None
                self._manifest, self._key = fresh, key
                self._checked_at = time.monotonic()
            return self._manifest

    def _changed_elsewhere(self, manifest: dict[str, DocRecord]) -> bool:
        """Against a Chroma server, whether another process committed or removed a document since
        the manifest was read: the committed ids are compared, at most every ``manifest_check_s``.

        An embedded data dir has one writer, which changes the manifest through this object.
        """
        every = self.settings.manifest_check_s
        if not self.settings.chroma_url or every < 0 or time.monotonic() - self._checked_at < every:
            return False
        self._checked_at = time.monotonic()
        return self.store.document_ids() != manifest.keys()

    def lexical(self) -> LexicalIndex:
        """The BM25 index over committed chunks: the saved copy built for them, loaded on first
        use, or (when there is none, or it is stale or damaged) rebuilt from the store and saved.

        A rebuild says why in one line on stderr (the ``baocao.ingest`` logger).
        """
        with self._lock:
            manifest = self.manifest()
            if self._lexical is None:
                found = self.lexical_files.load(self._key)
                if found.index is not None:
                    self._lexical = found.index
                else:
                    self._lexical = self._rebuild(manifest, self._key, why=found.why)
            return self._lexical

    def _rebuild(self, manifest: dict[str, DocRecord], key: str, *, why: str) -> LexicalIndex:
        """Build the lexical index of the manifest's documents from the store, and save it if the
        data dir can be written (a reader saves it too: the next start is then quick)."""
        if why and manifest:
            log.warning(
                "baocao: the lexical index in %s %s; rebuilding it from the index's %s",
                self.lexical_files.root,
                why,
                f"{len(manifest)} document" + ("" if len(manifest) == 1 else "s"),
            )
        started = time.perf_counter()
        rows = self.store.lexical_rows()
        if why and manifest and self.settings.progress and sys.stderr.isatty():
            from tqdm import tqdm  # a rebuild at open is long work: it shows its progress

            rows = tqdm(
                rows, total=self.store.count(), desc="Dựng lại chỉ mục từ khóa", unit="câu", file=sys.stderr, leave=False
            )
        index = LexicalIndex(r for r in rows if r.doc_id in manifest)
        if not manifest:
            return index  # nothing worth saving: an empty index builds at once
        try:
            self.lexical_files.commit(
                index,
                key,
                documents=len(manifest),
                # only a copy of the manifest as it still is replaces the saved one
                still_current=lambda: manifest_key(self.store.manifest()) == key,
            )
        except OSError as exc:
            log.warning(
                "baocao: the lexical index is kept in memory only: cannot save it in %s (%s)",
                self.lexical_files.root,
                exc.strerror or exc,
            )
        log.debug("lexical index of %d sentences built in %.1f s", len(index), time.perf_counter() - started)
        return index

    def ingest(self, paths: Sequence[Path], *, progress: Progress | None = None) -> IngestReport:
        """Ingest files and folders (see ``ingest.pipeline.ingest_paths``)."""
        from ingest.jail import ParserJail  # the parsers: only ingest needs them

        with self._lock:
            self.manifest(refresh=True)
            before = self._key
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
            self._save_lexical(before)
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
            before = self._key
            self.store.remove_document(doc_id)
            self._save_lexical(before)
            return record

    def _save_lexical(self, before: str) -> None:
        """After a change to the store: the lexical index of the documents now committed, saved.

        When this change committed something (the key moved from ``before``), the saved copy is
        expected to be out of date and is rebuilt without a word; otherwise the saved copy is
        checked as at any open.
        """
        manifest = self.manifest(refresh=True)
        if self._lexical is not None:
            return  # the key did not move and the copy in memory is current
        if before != self._key:
            self._lexical = self._rebuild(manifest, self._key, why="")
        else:
            self.lexical()
