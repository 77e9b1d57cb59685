"""Hostile files, generated here (no committed binaries): each rejected by name or read correctly,
in under 10 s, parsed in the jailed child process under its memory cap; the main process and the
batch go on."""

from __future__ import annotations

import re
import time
import unicodedata
from pathlib import Path

import pytest

from baocao.errors import LoadError
from baocao.settings import Settings
from ingest import Index
from ingest.jail import ParserJail
from tests.hostile import CASES, TEXT, write_hostile


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_hostile(tmp_path_factory.mktemp("hostile"))


@pytest.mark.parametrize(("name", "expected"), [(n, e) for n, _, e in CASES], ids=[n for n, _, _ in CASES])
def test_each_hostile_file_in_the_jail(hostile: Path, name: str, expected: str | None) -> None:
    cap_mb = 768
    jail = ParserJail(memory_mb=cap_mb, timeout_s=8)
    started = time.monotonic()
    try:
        loaded = jail.parse(hostile / name, max_bytes=50 * 1024 * 1024)
        outcome = "read"
    except LoadError as exc:
        outcome = str(exc)
    finally:
        jail.close()
    elapsed = time.monotonic() - started
    peak = "worker killed" if jail.peak_bytes is None else f"peak {jail.peak_bytes / 2**20:.0f} MB"
    print(f"{name}: {outcome[:100]} ({elapsed:.2f} s, {peak})")
    assert elapsed < 10
    if jail.peak_bytes is not None:  # the worker answered: its resident memory stayed under the cap
        assert jail.peak_bytes < cap_mb * 2**20
    if expected is None:
        assert outcome == "read"
        assert unicodedata.normalize("NFC", " ".join(b.text for b in loaded.blocks).strip()) == TEXT
    else:
        assert outcome.startswith(f"cannot read '{hostile / name}'")
        assert re.search(expected, outcome), outcome


def test_a_batch_of_hostile_files_loses_nothing(hostile: Path, tmp_path: Path, cached_embedder) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "good.txt"
    good.write_text(TEXT, encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", parse_memory_mb=768, parse_timeout_s=8, progress=False)
    with Index.open(settings, writable=True, embedder=cached_embedder) as index:
        index.ingest([good])
        report = index.ingest([hostile, good])
        assert report.unchanged == 1
        assert sorted(Path(f.path).name for f in report.failed) == sorted(
            n for n, _, e in CASES if e is not None
        )
        assert report.added == 2  # the cp1258 and the UTF-16 file: other bytes, the same text
        texts = {index.store.document_text(d) for d in index.manifest()}
        assert texts == {TEXT}


def test_a_file_that_needs_more_memory_than_the_cap_is_rejected_and_the_next_is_read(tmp_path: Path) -> None:
    # 47 MB of text pass the size cap; decoding and normalising it needs about 260 MB
    big = tmp_path / "big.txt"
    big.write_text(TEXT * 700_000, encoding="utf-8")
    small = tmp_path / "small.txt"
    small.write_text(TEXT, encoding="utf-8")
    jail = ParserJail(memory_mb=300, timeout_s=20)
    try:
        with pytest.raises(
            LoadError, match=r"needed more than 300 MB of memory.*BAOCAO_PARSE_MEMORY_MB"
        ) as caught:
            jail.parse(big, max_bytes=50 * 2**20)
        assert str(caught.value).startswith(f"cannot read '{big}'")
        if jail.peak_bytes is not None:
            assert jail.peak_bytes < 300 * 2**20
        loaded = jail.parse(small, max_bytes=50 * 2**20)  # a fresh worker takes the next file
        assert unicodedata.normalize("NFC", loaded.blocks[0].text.strip()) == TEXT
    finally:
        jail.close()
