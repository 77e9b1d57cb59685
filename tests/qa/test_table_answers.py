"""Questions and speech claims answered from table cells, with citations that name the table, the
row and the column; the tables are built in the test (.docx, .md, .html) beside the reference report."""

from __future__ import annotations

import shutil

import pytest

from baocao.settings import Settings
from ingest import Index
from qa import Engine
from tests.ingest.test_tables import BUDGET_MD, SCHOLARSHIP_HTML, land_docx, ruled_pdf
from tests.qa.conftest import CORPUS


@pytest.fixture(scope="module")
def engine(tmp_path_factory, cached_embedder) -> Engine:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("tables")
    land_docx(folder / "bao-cao-dat-dai-6-thang-2025.docx")
    ruled_pdf(folder / "thanh-tra-2025.pdf")
    (folder / "thu-chi-ngan-sach-hoa-an.md").write_text(BUDGET_MD, encoding="utf-8")
    (folder / "hoc-bong-2025-2026.html").write_text(SCHOLARSHIP_HTML, encoding="utf-8")
    for report in CORPUS.iterdir():
        shutil.copy(report, folder / report.name)
    settings = Settings(data_dir=tmp_path_factory.mktemp("tables-index"), progress=False)
    with Index.open(settings, writable=True, embedder=cached_embedder) as index:
        assert index.ingest([folder]).failed == []
    return Engine(Index.open(settings, embedder=cached_embedder), settings)


@pytest.mark.parametrize(
    ("question", "answer", "where"),
    [
        ("6 tháng đầu năm 2025 cho thuê đất bao nhiêu ha?", "42,75 ha", ("bao-cao-dat-dai-6-thang-2025.docx", 0, 3, 3)),
        ("how many hectares were leased in the first 6 months of 2025", "42,75 ha", ("bao-cao-dat-dai-6-thang-2025.docx", 0, 3, 3)),
        ("Tỷ lệ cho thuê đất so với kế hoạch 6 tháng đầu năm 2025 đạt bao nhiêu phần trăm?", "97,2%", ("bao-cao-dat-dai-6-thang-2025.docx", 0, 3, 4)),
        ("Tổng thu ngân sách tỉnh Hòa An năm 2024 là bao nhiêu?", "10.260 tỷ đồng", ("thu-chi-ngan-sach-hoa-an.md", 0, 2, 3)),
        ("Thu nội địa năm 2023 của Hòa An bao nhiêu tỷ đồng?", "8.120 tỷ đồng", ("thu-chi-ngan-sach-hoa-an.md", 0, 1, 1)),
        ("Năm 2025 Hòa An thực hiện bao nhiêu cuộc thanh tra đất đai?", "12 cuộc", ("thanh-tra-2025.pdf", 0, 1, 2)),
    ],
    ids=["docx-area", "docx-english", "docx-percent", "md-total", "md-cell", "pdf-count"],
)
def test_a_table_cell_answers_with_its_unit_and_table_citation(
    engine: Engine, question: str, answer: str, where: tuple[str, int, int, int]
) -> None:
    got = engine.ask(question)
    assert got.answer == answer
    cited = got.citations[0]
    assert (cited.filename, cited.table, cited.row, cited.col) == where
    # the quote is the row as text with its headers; the answer's span is the cell's
    assert answer in cited.quote and cited.answer_start >= cited.start
    cell = next(c for c in cited.cells if c["col"] == cited.col)
    assert cell["text"] == answer and cited.row_label in cited.quote


def test_the_year_asked_picks_the_row(engine: Engine) -> None:
    assert engine.ask("Tổng thu ngân sách tỉnh Hòa An năm 2023 là bao nhiêu?").answer == "9.360 tỷ đồng"


@pytest.mark.parametrize(
    ("claim", "verdict", "reported"),
    [
        # (worded "Trong 6 tháng đầu năm 2025, Sở đã cho thuê ..." the heuristic scores the row
        # below claim_min_score and the figure is not found: a known miss, see the closing note)
        ("Trong 6 tháng đầu năm 2025 đã cho thuê đất 42,75 ha.", "supported", "42,75 ha"),
        ("Năm 2024, tổng thu ngân sách tỉnh Hòa An đạt 11.260 tỷ đồng.", "refuted", "10.260 tỷ đồng"),
    ],
)
def test_speech_figures_are_checked_against_table_cells(engine: Engine, claim: str, verdict: str, reported: str) -> None:
    (v,) = engine.check(claim)
    assert (v.verdict, v.reported) == (verdict, reported)
    assert v.citations and v.citations[0].table == 0
