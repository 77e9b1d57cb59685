"""Incremental, idempotent ingest: files in, committed documents out.

Per file: read its bytes; if the manifest already holds that content, skip it without loading or
embedding; else load, normalise, segment, chunk, embed, and write (chunks first, then the manifest
record). A file whose content changed replaces its old version only after the new one is committed,
so a crash at any point leaves either the old or the new version visible, never half of one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from baocao.errors import LoadError
from baocao.settings import Settings
from ingest.chunk import build_document, chunk_document, document_id
from ingest.embed import Embedder
from ingest.formats import SUPPORTED_EXTENSIONS
from ingest.ocr import ocr_confidence
from ingest.records import Loaded
from ingest.store import Store

Progress = Callable[[str, int, int], None]
Loader = Callable[[Path, int], Loaded]


def _load_in_process(path: Path, max_bytes: int) -> Loaded:
    from ingest.load import load  # the parsers, imported only by what ingests

    return load(path, max_bytes=max_bytes)


@dataclass(frozen=True)
class Failure:
    """A file that could not be ingested, and why (the reason includes the fix)."""

    path: str
    reason: str


@dataclass
class IngestReport:
    """What one ingest run did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: list[Failure] = field(default_factory=list)
    chunks: int = 0
    seconds: float = 0.0
    tokens_embedded: int = 0
    ocr_pages: int = 0
    warnings: list[Failure] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        """The summary as ``{added, updated, unchanged, failed: [{path, reason}], chunks, seconds, ocr_pages, warnings}``."""
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "failed": [{"path": f.path, "reason": f.reason} for f in self.failed],
            "chunks": self.chunks,
            "seconds": round(self.seconds, 3),
            "ocr_pages": self.ocr_pages,
            "warnings": [{"path": w.path, "reason": w.reason} for w in self.warnings],
        }


def _note_ocr(report: IngestReport, path: str, loaded: Loaded, min_confidence: float) -> None:
    """Count the pages read with OCR, and report by name each one read with too little confidence."""
    pages: dict[str, float] = {}
    for block in loaded.blocks:
        conf = ocr_confidence(block.origin)
        if conf is not None:
            pages[block.origin.split(" (")[0]] = conf
    report.ocr_pages += len(pages)
    for page, conf in pages.items():
        if conf < min_confidence:
            report.warnings.append(
                Failure(
                    path,
                    f"{page} was read by OCR with {conf:.0f}% confidence, under {min_confidence:.0f}%: its figures "
                    "may be misread and are answered with a warning; check the scan or ingest a better copy",
                )
            )


def find_files(paths: Iterable[Path]) -> tuple[list[Path], list[Failure]]:
    """Expand folders (recursively) into the supported files they hold, sorted by path.

    Files named explicitly are kept whatever their extension (the loader reports unsupported ones);
    inside folders, only supported extensions are picked and hidden files are skipped.
    """
    found: list[Path] = []
    missing: list[Failure] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and p.suffix.lower() in SUPPORTED_EXTENSIONS
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.exists():
            found.append(path)
        else:
            missing.append(
                Failure(str(path), f"cannot read '{path}': no such file or folder; check the path")
            )
    return found, missing


def ingest_paths(
    paths: Sequence[Path],
    store: Store,
    embedder: Embedder,
    settings: Settings,
    *,
    progress: Progress | None = None,
    loader: Loader = _load_in_process,
) -> IngestReport:
    """Ingest files and folders into the index.

    Args:
        paths: files or folders (searched recursively).
        store: the index, opened writable.
        embedder: the embedder the index was built with.
        settings: ``max_file_mb``, ``window_sentences``, ``embed_batch_size``.
        progress: called as ``progress(path, done, total)`` after each file.
        loader: reads one file (the index passes its parser jail; the default parses in-process).

    Returns:
        The run's summary. Files that failed are listed with their reason; the others are committed.
    """
    started = time.perf_counter()
    report = IngestReport()
    files, report.failed = find_files(paths)
    manifest = store.manifest()
    by_path: dict[str, list[str]] = {}
    for rec in manifest.values():
        by_path.setdefault(rec.path, []).append(rec.doc_id)
    max_bytes = int(settings.max_file_mb * 1024 * 1024)
    for done, path in enumerate(files, 1):
        key = str(path.resolve())
        try:
            content = _read(path, max_bytes)
            doc_id = document_id(content)
            if doc_id in manifest:
                report.unchanged += 1
            else:
                loaded = replace(loader(path, max_bytes), path=key)
                _note_ocr(report, str(path), loaded, settings.ocr_min_confidence)
                doc = build_document(loaded, content)
                chunks = chunk_document(doc, window_sentences=settings.window_sentences)
                texts = [c.text for c in chunks]
                vectors = embedder.embed_passages(texts) if texts else None
                if vectors is None:
                    raise LoadError(key, "the file has no text", "check that it is the right file")
                manifest[doc_id] = store.write_document(doc, chunks, vectors)
                report.chunks += len(chunks)
                if by_path.get(key):
                    report.updated += 1
                else:
                    report.added += 1
            # older versions of this file leave only once the current one is committed
            for old in by_path.get(key, []):
                if old != doc_id:
                    store.remove_document(old)
                    manifest.pop(old, None)
            by_path[key] = [doc_id]
        except LoadError as exc:
            report.failed.append(Failure(str(path), str(exc)))
        if progress:
            progress(key, done, len(files))
    report.seconds = time.perf_counter() - started
    return report


def _read(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise LoadError(
            str(path), f"the file cannot be opened ({exc.strerror})", "check the path and its permissions"
        ) from None
    if size > max_bytes:
        raise LoadError(
            str(path),
            f"the file is {size / 1024 / 1024:.1f} MB, over the {max_bytes / 1024 / 1024:g} MB limit",
            "split it or raise BAOCAO_MAX_FILE_MB",
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LoadError(
            str(path), f"the file cannot be read ({exc.strerror})", "check its permissions"
        ) from None
