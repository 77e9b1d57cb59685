"""Tables read as facts: grids with merged cells and multi-row headers, units from headers, unit
columns and notes, each data row one sentence with a clause per cell; from .docx, .html and .md."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from ingest.chunk import build_document, chunk_document
from ingest.load import load
from ingest.tables import MAX_CELLS, make_grid, markdown_rows, row_facts

MB = 1024 * 1024


def land_docx(path: Path) -> Path:
    """A report table as departments write them: a two-row merged header, a unit line above it,
    a sequence-number column and a total row."""
    d = docx.Document()
    d.add_heading("Báo cáo kết quả công tác quản lý đất đai 6 tháng đầu năm 2025", 1)
    d.add_paragraph("Biểu 01. Kết quả giao đất, cho thuê đất 6 tháng đầu năm 2025")
    d.add_paragraph("Đơn vị tính: ha")
    t = d.add_table(rows=5, cols=5)
    t.cell(0, 0).merge(t.cell(1, 0)).text = "STT"
    t.cell(0, 1).merge(t.cell(1, 1)).text = "Nội dung"
    t.cell(0, 2).merge(t.cell(0, 4)).text = "6 tháng đầu năm 2025"
    for col, text in enumerate(["Số tổ chức", "Diện tích", "Tỷ lệ so với kế hoạch (%)"], 2):
        t.cell(1, col).text = text
    rows = [("1", "Giao đất", "12", "12,62", "85,1"), ("2", "Cho thuê đất", "11", "42,75", "97,2"), ("", "Tổng cộng", "23", "55,37", "94,0")]
    for r, values in enumerate(rows, 2):
        for col, value in enumerate(values):
            t.cell(r, col).text = value
    d.add_paragraph("Công tác thanh tra được triển khai theo kế hoạch.")
    d.save(path)
    return path


BUDGET_MD = """# Báo cáo thu chi ngân sách tỉnh Hòa An

Bảng 2. Thu ngân sách qua các năm (đơn vị: tỷ đồng)

| Năm | Thu nội địa | Thu xuất nhập khẩu | Tổng thu |
|---|---|---|---|
| 2023 | 8.120 | 1.240 | 9.360 |
| 2024 | 8.950 | 1.310 | 10.260 |
"""

SCHOLARSHIP_HTML = """<html><head><title>Mức học bổng khuyến khích học tập năm học 2025-2026</title></head><body>
<h1>Mức học bổng khuyến khích học tập năm học 2025-2026 của Trường Cao đẳng Kỹ thuật Hòa An</h1>
<table><caption>Mức học bổng theo xếp loại (đồng/tháng)</caption>
<thead><tr><th rowspan="2">Xếp loại</th><th colspan="2">Mức học bổng</th></tr><tr><th>Hệ cao đẳng</th><th>Hệ trung cấp</th></tr></thead>
<tbody><tr><td>Xuất sắc</td><td>1.800.000</td><td>1.500.000</td></tr><tr><td>Giỏi</td><td>1.500.000</td><td>1.200.000</td></tr></tbody>
</table><p>Học bổng được cấp 10 tháng trong năm học.</p></body></html>"""


def ruled_pdf(path: Path) -> Path:
    """A PDF page with a ruled table drawn with lines, a caption and a unit line above it (DejaVu Sans)."""
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_font(fontname="dv", fontfile="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    page.insert_text((72, 60), "Biểu 02. Kết quả thanh tra chuyên ngành tỉnh Hòa An năm 2025", fontname="dv", fontsize=12)
    page.insert_text((72, 80), "Đơn vị tính: cuộc", fontname="dv", fontsize=10)
    rows = [["Lĩnh vực", "Kế hoạch", "Thực hiện"], ["Đất đai", "10", "12"], ["Môi trường", "6", "5"], ["Khoáng sản", "3", "3"]]
    x0, y0, w, h = 72, 100, 150, 24
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            page.insert_text((x0 + c * w + 5, y0 + r * h + 16), text, fontname="dv", fontsize=11)
    for r in range(len(rows) + 1):
        page.draw_line((x0, y0 + r * h), (x0 + 3 * w, y0 + r * h))
    for c in range(4):
        page.draw_line((x0 + c * w, y0), (x0 + c * w, y0 + len(rows) * h))
    page.insert_text((72, 230), "Các cuộc thanh tra được thực hiện theo kế hoạch.", fontname="dv", fontsize=11)
    doc.save(path)
    return path


def rows_of(path: Path) -> list[tuple[str, tuple[str, ...], str]]:
    loaded = load(path, max_bytes=50 * MB)
    doc = build_document(loaded, path.read_bytes())
    out = []
    for chunk in chunk_document(doc, window_sentences=2):
        if chunk.table is not None:
            cells = tuple(doc.text[c.start : c.end] for c in chunk.table.cells)
            out.append((chunk.text, cells, chunk.origin))
    return out


def test_docx_table_with_merged_header_unit_line_and_total(tmp_path: Path) -> None:
    rows = rows_of(land_docx(tmp_path / "dat-dai.docx"))
    assert [r[1] for r in rows] == [
        ("12", "12,62 ha", "85,1%"), ("11", "42,75 ha", "97,2%"), ("23", "55,37 ha", "94,0%"),
    ]  # fmt: skip
    text, _, origin = rows[1]
    assert text.startswith("Cho thuê đất, 6 tháng đầu năm 2025, Số tổ chức 11; Cho thuê đất, 6 tháng đầu năm 2025, Diện tích 42,75 ha")
    assert origin == "bảng 1, dòng 4" and "STT" not in text and rows[2][0].startswith("Tổng cộng")


def test_markdown_table_takes_its_unit_from_the_line_above(tmp_path: Path) -> None:
    path = tmp_path / "thu-chi.md"
    path.write_text(BUDGET_MD, encoding="utf-8")
    rows = rows_of(path)
    assert rows[1][0] == "Năm 2024, Thu nội địa 8.950 tỷ đồng; Năm 2024, Thu xuất nhập khẩu 1.310 tỷ đồng; Năm 2024, Tổng thu 10.260 tỷ đồng."
    assert rows[0][1] == ("8.120 tỷ đồng", "1.240 tỷ đồng", "9.360 tỷ đồng")


def test_html_table_with_spans_and_a_caption_unit(tmp_path: Path) -> None:
    path = tmp_path / "hoc-bong.html"
    path.write_text(SCHOLARSHIP_HTML, encoding="utf-8")
    rows = rows_of(path)
    assert rows[1][0] == (
        "Giỏi, Mức học bổng, Hệ cao đẳng 1.500.000 đồng/tháng; Giỏi, Mức học bổng, Hệ trung cấp 1.200.000 đồng/tháng."
    )
    # the text after the table is still read
    doc = build_document(load(path, max_bytes=50 * MB), path.read_bytes())
    assert "Học bổng được cấp 10 tháng trong năm học." in doc.text


def test_a_unit_column_and_a_unit_after_the_row_label() -> None:
    facts = row_facts(make_grid([
        ["TT", "Chỉ tiêu", "ĐVT", "Kế hoạch", "Thực hiện"],
        ["1", "Diện tích cho thuê", "ha", "40", "42,75"],
        ["2", "Kinh phí giải phóng mặt bằng (tỷ đồng)", "", "120", "98,5"],
        ["3", "Ghi chú", "", "", "đạt"],
    ]))  # fmt: skip
    assert facts[0].text == "Diện tích cho thuê, Kế hoạch 40 ha; Diện tích cho thuê, Thực hiện 42,75 ha."
    assert facts[1].text.endswith("Thực hiện 98,5 tỷ đồng.")
    assert facts[2].text == "Ghi chú, Thực hiện đạt."  # text cells take no unit


def test_header_rows_are_told_apart_from_data() -> None:
    grid = make_grid([["Huyện", "Dân số", "Diện tích (km²)"], ["Ba Tri", "182.000", "358"], ["Giồng Trôm", "165.000", "312"]])
    assert grid.header_rows == 1
    assert row_facts(grid)[0].text == "Ba Tri, Dân số 182.000; Ba Tri, Diện tích 358 km²."
    rows, header_rows = markdown_rows(["| a | b |", "|:--|--:|", "| x | 1 |", r"| y \| z | 2 |"])
    assert header_rows == 1 and rows[2] == [r"y \| z", "2"]


# a Markdown table as HTML converters leave it: the header glued to an edit link, a cell with line
# breaks written one line per cell, rows that lost their last cell (a multi-line cell) or their
# first (a row span), and the months numbered in the first row under the header
BROKEN_MD = """# Khí hậu và dân số huyện Hòa An

[sửa | sửa mã nguồn]| Năm | Địa điểm | Số hộ | Dân số | Ghi chú |
|---|---|---|---|---|
| 1830 | Xã Tân Lập | 120 | 4.400 |
| Xã Đông Hà | 95 | 3.300 |
| 1840 | Xã Tân Lập | 150 |
5.100 |
Ghi chú dài |

Bảng 2. Số giờ nắng

| Dữ liệu khí hậu của Hòa An | |||
|---|---|---|---|
| Tháng | 1 | 2 | 3 |
| Số giờ nắng | 74 | 47 | 90 |
"""


def test_markdown_tables_broken_by_their_converter_are_repaired(tmp_path: Path) -> None:
    path = tmp_path / "hoa-an.md"
    path.write_text(BROKEN_MD, encoding="utf-8")
    texts = [r[0] for r in rows_of(path)]
    assert texts[0] == "Năm 1830 Xã Tân Lập, Số hộ 120; Năm 1830 Xã Tân Lập, Dân số 4.400."
    # the row span's year is taken from the row above; the figures stay in their columns
    assert texts[1] == "Năm 1830 Xã Đông Hà, Số hộ 95; Năm 1830 Xã Đông Hà, Dân số 3.300."
    assert texts[2] == "Năm 1840 Xã Tân Lập, Số hộ 150; Năm 1840 Xã Tân Lập, Dân số 5.100; Năm 1840 Xã Tân Lập, Ghi chú Ghi chú dài."
    assert texts[3] == "Số giờ nắng, Tháng 1 74; Số giờ nắng, Tháng 2 47; Số giờ nắng, Tháng 3 90."
    doc = build_document(load(path, max_bytes=50 * MB), path.read_bytes())
    assert "sửa mã nguồn" in doc.text  # the text the header was glued to is kept


def test_a_row_is_labelled_by_its_code_and_text_and_by_the_text_column() -> None:
    grid = make_grid([["Mã hàng", "Mô tả", "Thuế suất (%)"], ["0802.51.00", "Chưa bóc vỏ", "5"], ["0802.52.00", "Đã bóc vỏ", "15"]])
    assert row_facts(grid)[0].text == "0802.51.00 Chưa bóc vỏ, Thuế suất 5%."
    grid = make_grid([["Số người chết", "Sự kiện", "Năm"], ["231.000", "Vỡ đập Bản Kiều", "1975"], ["145.000", "Lũ sông Dương Tử", "1935"]])
    assert row_facts(grid)[1].text == "Lũ sông Dương Tử, Số người chết 145.000; Lũ sông Dương Tử, Năm 1935."


def test_a_huge_table_is_read_up_to_its_limit() -> None:
    rows = [[f"Dòng {r}", *(str(r * 10 + c) for c in range(9))] for r in range(3_000)]  # 30,000 cells
    grid = make_grid([["Tên", *(f"Cột {c}" for c in range(9))], *rows])
    assert sum(len(r) for r in grid.rows) <= MAX_CELLS + 10
    assert len(row_facts(grid)) == len(grid.rows) - 1


@pytest.mark.parametrize("text", ["", "| |\n|---|\n| |"])
def test_an_empty_table_gives_no_rows(text: str) -> None:
    rows, header_rows = markdown_rows(text.splitlines())
    assert row_facts(make_grid(rows, header_rows=header_rows)) == []


def test_pdf_ruled_table_is_read_in_the_jail(tmp_path: Path) -> None:
    from ingest.jail import ParserJail

    path = ruled_pdf(tmp_path / "thanh-tra.pdf")
    jail = ParserJail(memory_mb=1024, timeout_s=60)
    try:
        loaded = jail.parse(path, max_bytes=50 * MB)
    finally:
        jail.close()
    rows = [b for b in loaded.blocks if b.kind == "table_row"]
    assert [b.text for b in rows] == [
        "Đất đai, Kế hoạch 10 cuộc; Đất đai, Thực hiện 12 cuộc.",
        "Môi trường, Kế hoạch 6 cuộc; Môi trường, Thực hiện 5 cuộc.",
        "Khoáng sản, Kế hoạch 3 cuộc; Khoáng sản, Thực hiện 3 cuộc.",
    ]
    assert rows[0].origin == "trang 1, bảng 1, dòng 2"
    # the text around the table is read once, in reading order, and not as table cells
    texts = [b.text for b in loaded.blocks]
    assert texts.index("Đơn vị tính: cuộc") < texts.index(rows[0].text) < texts.index("Các cuộc thanh tra được thực hiện theo kế hoạch.")
    assert not any("Lĩnh vực" in t and "Kế hoạch" in t for t in texts if t not in [b.text for b in rows])
