"""Engines over the reference report, built once per module (embedded and Chroma server) or session."""

from __future__ import annotations

import pytest

from baocao.settings import Settings
from ingest import Index
from qa import Engine
from tests.conftest import ARTICLES, ROOT

CORPUS = ROOT / "corpus"
DISTRACTORS = 60


@pytest.fixture(scope="module", params=["embedded", "server"])
def engine(request, tmp_path_factory, cached_embedder) -> Engine:  # type: ignore[no-untyped-def]
    """The report alone, in the embedded store and again in a ``chroma run`` server."""
    data = tmp_path_factory.mktemp("qa-index")
    if request.param == "server":
        url = request.getfixturevalue("chroma_server")
        settings = Settings(
            data_dir=data, chroma_url=url, collection=f"qa{data.name[-6:].replace('-', '')}", progress=False
        )
    else:
        settings = Settings(data_dir=data, progress=False)
    with Index.open(settings, writable=True, embedder=cached_embedder) as index:
        assert index.ingest([CORPUS]).failed == []
    return Engine(Index.open(settings, embedder=cached_embedder), settings)


@pytest.fixture(scope="session")
def distractor_engine(tmp_path_factory, cached_embedder) -> Engine:  # type: ignore[no-untyped-def]
    """The report beside the first 60 shared vn-admin articles (sorted by name) as distractors."""
    data = tmp_path_factory.mktemp("qa-distractors")
    settings = Settings(data_dir=data, progress=False)
    articles = sorted(ARTICLES.iterdir())[:DISTRACTORS]
    with Index.open(settings, writable=True, embedder=cached_embedder) as index:
        report = index.ingest([CORPUS, *articles])
        assert report.failed == [] and report.added == DISTRACTORS + 1
    return Engine(Index.open(settings, embedder=cached_embedder), settings)


def engine_over(files: dict[str, str], tmp_path_factory: pytest.TempPathFactory, embedder) -> Engine:  # type: ignore[no-untyped-def]
    """An engine over a few small documents written for a test (name -> text), embedded store."""
    folder = tmp_path_factory.mktemp("documents")
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    settings = Settings(data_dir=tmp_path_factory.mktemp("index"), progress=False)
    with Index.open(settings, writable=True, embedder=embedder) as index:
        assert index.ingest([folder]).failed == []
    return Engine(Index.open(settings, embedder=embedder), settings)
