"""The documents of the serve process: upload, ingest, remove, and the temporary folder.

The embedded store allows one writer process, so the server opens the index writable only while
it ingests or removes, and one such change runs at a time in this process; readers keep answering
meanwhile, and the engine is refreshed afterwards. Uploaded files are deleted as soon as they are
ingested (or refused), so no report stays fetchable by URL from Gradio's cache.
"""

from __future__ import annotations

import re
import shutil
import threading
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from baocao.settings import Settings
from ingest import SUPPORTED_EXTENSIONS, DocRecord, Index
from ingest.formats import BYTES_PER_MB
from ingest.jail import ParserJail
from qa import Engine

__all__ = ["SPEECH_EXTENSIONS", "FileResult", "Library", "clean_dir", "read_speech", "temp_dir"]

SPEECH_EXTENSIONS = (".txt", ".docx")
Status = Literal["added", "updated", "unchanged", "failed"]
# uploads are staged under a stable name, so that uploading a new version of "bao-cao.docx"
# replaces the old one ("updated") instead of sitting beside it
_STAGING = "uploads"
_REPORTS = "reports"
_REPORT_MAX_AGE_S = 3600
_UNSAFE_NAME = re.compile(r"[^\w.\- ()]+")


def temp_dir(settings: Settings) -> Path:
    """``<data_dir>/tmp``: Gradio's uploads and cache, our staged uploads and report downloads."""
    return (settings.data_dir / "tmp").resolve()


def clean_dir(path: Path) -> None:
    """Empty a folder (create it if missing)."""
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True, exist_ok=True)


def read_speech(path: Path, settings: Settings) -> str:
    """The text of an uploaded speech (.txt or .docx), paragraphs joined by line breaks.

    Raises:
        LoadError: the file cannot be read (wrong type, too large, damaged).
    """
    # an uploaded speech is as untrusted as an uploaded report: parse it in the jail
    jail = ParserJail(
        memory_mb=settings.parse_memory_mb,
        timeout_s=settings.parse_timeout_s,
        ocr_page_timeout_s=settings.ocr_page_timeout_s,
    )
    try:
        loaded = jail.parse(path, max_bytes=int(settings.max_upload_mb * BYTES_PER_MB))
    finally:
        jail.close()
    return "\n".join(block.text for block in loaded.blocks)


@dataclass(frozen=True)
class FileResult:
    """What became of one uploaded file.

    Attributes:
        filename: the name the user uploaded it under.
        status: ``added``, ``updated``, ``unchanged`` or ``failed``.
        reason: why it failed (empty otherwise).
        chunks: sentences indexed.
    """

    filename: str
    status: Status
    reason: str = ""
    chunks: int = 0


Progress = Callable[[int, int, str], None]


class Library:
    """Changes the document set of the index under ``engine``, one change at a time."""

    def __init__(self, settings: Settings, engine: Engine) -> None:
        self.settings = settings
        self.engine = engine
        self.tmp = temp_dir(settings)
        self._write = threading.Lock()

    def documents(self) -> list[DocRecord]:
        """The indexed documents, newest first."""
        return sorted(self.engine.index.manifest().values(), key=lambda r: r.added_at, reverse=True)

    def ingest(self, uploads: Sequence[Path], *, progress: Progress | None = None) -> list[FileResult]:
        """Ingest uploaded files one by one, then delete them.

        Args:
            uploads: files in Gradio's upload folder; their names are the users' file names.
            progress: called as ``progress(done, total, filename)`` before each file and at the end.

        Returns:
            One result per upload, in order.

        Raises:
            LockedError: another process (a ``baocao ingest``) is writing the index.
        """
        results: list[FileResult] = []
        staging = self.tmp / _STAGING
        try:
            with self._write, self._writer() as index:
                for done, upload in enumerate(uploads):
                    name = _safe_name(upload.name)
                    if progress:
                        progress(done, len(uploads), name)
                    results.append(self._ingest_one(index, upload, staging / name, name))
            if progress:
                progress(len(uploads), len(uploads), "")
        finally:
            for upload in uploads:
                _discard_upload(upload, self.tmp)
            shutil.rmtree(staging, ignore_errors=True)
            self.engine.refresh()
        return results

    def _ingest_one(self, index: Index, upload: Path, staged: Path, name: str) -> FileResult:
        suffix = staged.suffix.lower()
        if suffix not in SUPPORTED_EXTENSIONS:
            return FileResult(
                name,
                "failed",
                f"định dạng '{suffix or '(không có)'}' không được hỗ trợ; hãy tải lên tệp "
                + ", ".join(SUPPORTED_EXTENSIONS),
            )
        try:
            size = upload.stat().st_size
        except OSError:
            return FileResult(name, "failed", "tệp tải lên không còn trên máy chủ; hãy tải lên lại")
        if size > self.settings.max_upload_mb * BYTES_PER_MB:
            return FileResult(
                name,
                "failed",
                f"tệp {size / BYTES_PER_MB:.1f} MB, vượt giới hạn {self.settings.max_upload_mb:g} MB",
            )
        staged.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(upload, staged)
        try:
            report = index.ingest([staged])
        finally:
            staged.unlink(missing_ok=True)
        if report.failed:
            # the reason names the staged path; the user knows the file by its own name
            reason = report.failed[0].reason.replace(str(staged.resolve()), name).replace(str(staged), name)
            return FileResult(name, "failed", reason)
        status: Status = "added" if report.added else "updated" if report.updated else "unchanged"
        return FileResult(name, status, chunks=report.chunks)

    def remove(self, doc_id: str) -> DocRecord:
        """Remove a document and its chunks.

        Raises:
            StoreError: no such document.
            LockedError: another process is writing the index.
        """
        try:
            with self._write, self._writer() as index:
                return index.remove(doc_id)
        finally:
            self.engine.refresh()

    def report_dir(self) -> Path:
        """A fresh folder for one fact-check's downloads; folders older than an hour are removed."""
        root = self.tmp / _REPORTS
        root.mkdir(parents=True, exist_ok=True)
        now = time.time()
        for old in root.iterdir():
            try:
                if now - old.stat().st_mtime > _REPORT_MAX_AGE_S:
                    shutil.rmtree(old, ignore_errors=True)
            except OSError:
                continue  # removed meanwhile by another request
        fresh = root / f"{time.time_ns():x}"
        fresh.mkdir()
        return fresh

    def _writer(self) -> Index:
        return Index.open(self.settings, writable=True, embedder=self.engine.index.embedder)


def _safe_name(name: str) -> str:
    """A file name without path parts or characters a file system might refuse (Vietnamese kept)."""
    name = unicodedata.normalize("NFC", Path(name.replace("\\", "/")).name)
    name = _UNSAFE_NAME.sub("_", name).strip(" .") or "tai-lieu"
    return name[-120:]


def _discard_upload(upload: Path, tmp: Path) -> None:
    """Delete an uploaded file, and its per-upload folder when that is empty (only inside ``tmp``)."""
    try:
        resolved = upload.resolve()
        if not resolved.is_relative_to(tmp):
            return  # never delete what is not ours
        resolved.unlink(missing_ok=True)
        if resolved.parent != tmp and not any(resolved.parent.iterdir()):
            resolved.parent.rmdir()
    except OSError:
        return  # already gone: a concurrent cleanup got there first
