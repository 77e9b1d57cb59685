"""Hostile uploads while the server is up: each file gets its own result, and ``/health`` keeps
answering the whole time (parsing happens in the jailed child, not in the server's process)."""

from __future__ import annotations

import dataclasses
import threading
import time

import httpx

from baocao.settings import Settings
from ingest import Index
from qa import Engine
from tests.hostile import CASES, write_hostile
from tests.ui.conftest import Serve
from ui.app import build_app
from ui.library import FileResult, Library


def test_health_answers_while_hostile_uploads_are_parsed(
    settings: Settings,
    cached_embedder,  # type: ignore[no-untyped-def]
    serve: Serve,
) -> None:
    settings = dataclasses.replace(settings, parse_memory_mb=768, parse_timeout_s=8)
    Index.open(settings, embedder=cached_embedder).close()  # an empty index
    engine = Engine(Index.open(settings, embedder=cached_embedder), settings)
    library = Library(settings, engine)
    results: list[FileResult] = []
    polls: list[tuple[int, float]] = []

    with serve(build_app(settings, engine)) as url, httpx.Client(base_url=url, timeout=5) as client:
        # written once the app is up: building it empties its temporary folder, where uploads land
        uploads = sorted(write_hostile(library.tmp / "upload-hostile").iterdir())
        ingesting = threading.Thread(target=lambda: results.extend(library.ingest(uploads)))
        ingesting.start()
        while ingesting.is_alive():
            started = time.monotonic()
            response = client.get("/health")
            polls.append((response.status_code, time.monotonic() - started))
            time.sleep(0.05)
        ingesting.join()

    slowest = max(seconds for _, seconds in polls)
    print(
        f"{len(polls)} health requests while {len(uploads)} files were ingested; slowest {slowest * 1000:.0f} ms"
    )
    assert len(polls) >= len(uploads)  # each file takes a worker round trip: polls span the batch
    assert all(status == 200 for status, _ in polls)
    outcome = {r.filename: r.status for r in results}
    assert outcome == {name: "failed" if expected else "added" for name, _, expected in CASES}
    assert all(r.reason for r in results if r.status == "failed")
    assert not [p for p in uploads if p.exists()]  # uploads are deleted, read or not
