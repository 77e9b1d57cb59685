"""Backup and restore of an embedded index: a consistent copy, taken with writers paused.

The writer lock is held while copying, so no ingest can change the files mid-copy (readers go on).
A Chroma server keeps its own files: back up its ``--path`` folder with the server stopped.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from baocao.errors import SettingsError, StoreError
from baocao.settings import Settings
from ingest.store import take_writer_lock

_MARK = "baocao-backup.json"


def backup(settings: Settings, dest: Path) -> Path:
    """Copy the embedded index to ``dest`` (a new folder), holding the writer lock.

    Raises:
        SettingsError: the index is on a Chroma server, or ``dest`` exists.
        LockedError: another process is writing; try again when it is done.
    """
    _embedded_only(settings, "backup")
    source = settings.data_dir
    if not (source / "chroma").exists():
        raise StoreError(f"there is no index in {source} to back up; check --data-dir")
    if dest.exists():
        raise SettingsError(f"'{dest}' already exists; give a new folder for the backup")
    fd = take_writer_lock(source)
    try:
        staging = dest.with_name(dest.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(source / "chroma", staging / "chroma")
        if (source / "provenance.json").exists():
            shutil.copy2(source / "provenance.json", staging / "provenance.json")
        (staging / _MARK).write_text(json.dumps({"source": str(source.resolve())}) + "\n")
        staging.rename(dest)  # the backup appears whole or not at all
    finally:
        os.close(fd)
    return dest


def restore(settings: Settings, src: Path) -> None:
    """Replace the embedded index with a backup made by :func:`backup`, holding the writer lock.

    Raises:
        SettingsError: ``src`` is not a baocao backup, or the index is on a Chroma server.
        LockedError: another process is writing.
    """
    _embedded_only(settings, "restore")
    if not (src / _MARK).exists() or not (src / "chroma").is_dir():
        raise SettingsError(
            f"'{src}' is not a baocao backup (no {_MARK}); give the folder 'baocao backup' wrote"
        )
    target = settings.data_dir
    target.mkdir(parents=True, exist_ok=True)
    fd = take_writer_lock(target)
    try:
        incoming = target / "chroma.restoring"
        shutil.rmtree(incoming, ignore_errors=True)
        shutil.copytree(src / "chroma", incoming)
        old = target / "chroma.old"
        shutil.rmtree(old, ignore_errors=True)
        if (target / "chroma").exists():
            (target / "chroma").rename(old)
        incoming.rename(target / "chroma")
        shutil.rmtree(old, ignore_errors=True)
        if (src / "provenance.json").exists():
            shutil.copy2(src / "provenance.json", target / "provenance.json")
    finally:
        os.close(fd)


def _embedded_only(settings: Settings, what: str) -> None:
    if settings.chroma_url:
        raise SettingsError(
            f"{what} works on an embedded data dir; for a Chroma server, stop it and copy its --path folder"
        )
