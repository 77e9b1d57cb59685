"""The lexical index saved under the data dir, keyed to the manifest it was built for.

Building the lexical index reads every chunk's tokens back from Chroma and indexes them: linear
in the corpus (3.8 s at 20k sentences), in every process, at every start. So each build is saved
once and later opens load it memory-mapped.

Layout: ``<data dir>/lexical/<slot>/<key>/`` holds one complete copy (``LexicalIndex.save``) and
``copy.json``, which names its key and every file with its size and CRC-32. The slot is the
collection of the embedded store, or the collection on one Chroma server: each process serving
from a server keeps its own copy under its own data dir. The key is a hash of the committed
documents (their ids, content hashes and chunk counts), so every ingest or removal that commits
anything changes it, in whichever process made the change.

Commit, as for the manifest, never shows half of a change: the files are written into a
``.tmp-*`` directory of the slot, each synced, the directory synced, renamed to its key and the
slot synced; older copies are removed only after. A process killed at any point leaves the older
copy (complete, and found stale by its key) or the new one complete, and a copy is read only when
every file it lists has the listed size and checksum.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from baocao.settings import Settings
from ingest.lexical import FORMAT_VERSION, LexicalIndex
from ingest.store import DocRecord

_DESCRIPTION = "copy.json"
_LOCK = ".lock"
_TMP = ".tmp-"
_TRASH = ".trash-"
_CHUNK = 1 << 20


def manifest_key(manifest: Mapping[str, DocRecord]) -> str:
    """The key of a set of committed documents: what a saved lexical index must have been built for.

    A hash of the lexical format and of each document's id, content hash and chunk count, in id order.
    """
    digest = hashlib.sha256(f"lexical-format:{FORMAT_VERSION}\n".encode())
    for doc_id in sorted(manifest):
        record = manifest[doc_id]
        digest.update(f"{doc_id} {record.sha256} {record.chunks}\n".encode())
    return digest.hexdigest()[:32]


def slot_of(settings: Settings) -> Path:
    """Where this index's lexical copies live: under the data dir, one folder per collection (and
    per server, in server mode: the copy is keyed to that server's manifest)."""
    name = settings.collection
    if settings.chroma_url:
        name += "@" + hashlib.sha256(settings.chroma_url.encode()).hexdigest()[:12]
    return settings.data_dir / "lexical" / name


@dataclass(frozen=True)
class Lookup:
    """What looking for a saved copy found.

    Attributes:
        index: the loaded index, or ``None``.
        why: when ``index`` is ``None``, why it must be rebuilt, as a phrase ("is damaged (...)").
    """

    index: LexicalIndex | None
    why: str = ""


class LexicalFiles:
    """The saved copies of one index's lexical index (one slot, see :func:`slot_of`)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def load(self, key: str) -> Lookup:
        """The copy saved for ``key``, loaded memory-mapped, after checking every file it lists."""
        where = self.root / key
        try:
            description = json.loads((where / _DESCRIPTION).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return Lookup(None, self._why_missing(key))
        except (OSError, ValueError) as exc:
            return Lookup(None, f"is damaged ({_DESCRIPTION}: {exc})")
        try:
            problem = _check(where, description, key)
            if problem:
                return Lookup(None, f"is damaged ({problem})")
            return Lookup(LexicalIndex.load(where, mmap=True))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            # a file the description lists but LexicalIndex cannot read: damaged, or removed meanwhile
            if not where.exists():
                return Lookup(None, "was replaced while it was read")
            return Lookup(None, f"is damaged ({type(exc).__name__}: {exc})")

    def commit(
        self,
        index: LexicalIndex,
        key: str,
        *,
        documents: int,
        still_current: Callable[[], bool] | None = None,
    ) -> bool:
        """Save ``index`` as the copy for ``key``: complete or not at all, even if killed mid-way.

        Args:
            index: built from exactly the documents ``key`` was computed from.
            key: see :func:`manifest_key`.
            documents: how many documents (for messages).
            still_current: asked just before the copy is renamed into place, under the slot's
                lock; ``False`` (the manifest changed while the index was built) drops the copy,
                so that an older build never replaces a newer one.

        Returns:
            Whether the copy was put in place.

        Raises:
            OSError: the data dir cannot be written (read-only, full).
        """
        if not self.root.is_dir():
            self.root.mkdir(parents=True, exist_ok=True)
            _fsync(self.root.parent)
        tmp = self.root / f"{_TMP}{os.getpid()}-{time.time_ns():x}"
        try:
            files = index.save(tmp)
            description = {
                "format": FORMAT_VERSION,
                "key": key,
                "documents": documents,
                "chunks": len(index),
                "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "files": {str(f.relative_to(tmp)): [f.stat().st_size, _crc32(f)] for f in files},
            }
            (tmp / _DESCRIPTION).write_text(json.dumps(description, indent=1) + "\n", encoding="utf-8")
            for f in [*files, tmp / _DESCRIPTION]:
                _fsync(f)
            for d in sorted({f.parent for f in files}, key=lambda p: -len(p.parts)):
                _fsync(d)
            with self._locked():
                if still_current is not None and not still_current():
                    return False
                final = self.root / key
                if final.exists() and _check_saved(final, key):
                    final.rename(self._trash_name())  # the damaged copy the caller could not load
                if not final.exists():  # else another process saved the same documents' copy meanwhile
                    tmp.rename(final)
                    _fsync(self.root)
                self._sweep(keep=key)
            return True
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)

    def _why_missing(self, key: str) -> str:
        """Why there is no copy for ``key``: none saved yet, or one built for other documents."""
        others = []
        if self.root.is_dir():
            for d in self.root.iterdir():
                if d.name.startswith(".") or d.name == key:
                    continue
                try:
                    others.append(json.loads((d / _DESCRIPTION).read_text(encoding="utf-8")))
                except (OSError, ValueError):
                    continue
        if not others:
            return "is not saved yet"
        built = max(others, key=lambda d: str(d.get("written_at", "")))
        return (
            f"is stale (saved for {_count(built.get('documents'), 'document')}, "
            f"{_count(built.get('chunks'), 'sentence')}; the manifest has changed since)"
        )

    def _sweep(self, keep: str) -> None:
        """Remove copies of other keys, and what killed processes left.

        A copy is renamed out of the way before it is deleted, so that a kill mid-deletion leaves
        debris under a hidden name, never a copy with files missing under its key.
        """
        for d in list(self.root.iterdir()):
            if not d.is_dir() or d.name == keep:
                continue
            if d.name.startswith(_TMP) and _alive(d.name):
                continue  # another process is writing it
            if not d.name.startswith("."):
                d = d.rename(self._trash_name())
            shutil.rmtree(d, ignore_errors=True)

    def _trash_name(self) -> Path:
        return self.root / f"{_TRASH}{os.getpid()}-{time.time_ns():x}"

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """The slot's lock, held only while a copy is renamed into place (processes serving from
        one server may share a data dir)."""
        fd = os.open(self.root / _LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)


def _check_saved(where: Path, key: str) -> str:
    """What is wrong with the copy in ``where``, its description included, or ``""``."""
    try:
        return _check(where, json.loads((where / _DESCRIPTION).read_text(encoding="utf-8")), key)
    except (OSError, ValueError) as exc:
        return f"{_DESCRIPTION}: {exc}"


def _check(where: Path, description: dict[str, object], key: str) -> str:
    """What is wrong with a copy's files, or ``""``."""
    if description.get("format") != FORMAT_VERSION:
        return f"format {description.get('format')!r}, this version reads {FORMAT_VERSION}"
    if description.get("key") != key:
        return f"{_DESCRIPTION} names key {description.get('key')!r}"
    files = description.get("files")
    if not isinstance(files, dict) or not files:
        return f"{_DESCRIPTION} lists no files"
    for name, entry in files.items():
        if not (isinstance(entry, list) and len(entry) == 2 and all(isinstance(x, int) for x in entry)):
            return f"{_DESCRIPTION} lists {name} without its size and checksum"
        size, crc = entry
        path = where / name
        try:
            actual = path.stat().st_size
        except FileNotFoundError:
            return f"{name} is missing"
        if actual != size:
            return f"{name} has {actual} bytes, {size} were written"
        if _crc32(path) != crc:
            return f"{name} does not match its checksum"
    return ""


def _count(n: object, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _crc32(path: Path) -> int:
    crc = 0
    with path.open("rb") as f:
        while block := f.read(_CHUNK):
            crc = zlib.crc32(block, crc)
    return crc


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _alive(tmp_name: str) -> bool:
    """Whether the process that named a temporary folder ``.tmp-<pid>-...`` still runs."""
    try:
        pid = int(tmp_name[len(_TMP) :].split("-")[0])
        os.kill(pid, 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True
