"""Scanned reports: pages with no text layer read with Tesseract's Vietnamese model, in the parsing
jail; each page keeps its number and OCR confidence; a mixed PDF is read page by page."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pypdf
import pytest
from PIL import Image, ImageDraw, ImageFont

from baocao.settings import Settings
from ingest import Index
from ingest.jail import ParserJail
from ingest.normalize import clean
from qa import Engine
from tests.conftest import pdf_bytes

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
SCAN_LINES = [
    "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG TỈNH HÒA AN",
    "BÁO CÁO KẾT QUẢ THANH TRA NĂM 2025",
    "Trong năm 2025, Sở đã tổ chức 14 cuộc thanh tra chuyên ngành.",
    "Tổng số tiền xử phạt vi phạm hành chính là 1.250.000.000 đồng.",
    "Diện tích đất thu hồi do vi phạm là 36,8 ha, đạt 92,5% kế hoạch.",
]
FIGURES = ["14 cuộc", "1.250.000.000 đồng", "36,8 ha", "92,5%"]


def scanned_pdf(lines: list[str]) -> bytes:
    """A "scanned" page: Vietnamese text rendered to an image with DejaVu Sans, saved as a PDF
    with no text layer."""
    image = Image.new("L", (1700, 120 + 80 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), 34)
    for i, line in enumerate(lines):
        draw.text((80, 60 + i * 80), line, fill=0, font=font)
    out = io.BytesIO()
    image.save(out, "PDF", resolution=150)
    return out.getvalue()


def mixed_pdf() -> bytes:
    """Page 1 with a text layer, page 2 a scan."""
    writer = pypdf.PdfWriter()
    for data in (pdf_bytes([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
                            b"<< /Length 60 >>\nstream\nBT /F1 14 Tf 72 760 Td (Bao cao tong hop nam 2025.) Tj ET\nendstream",
                            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]),
                 scanned_pdf(SCAN_LINES)):  # fmt: skip
        for page in pypdf.PdfReader(io.BytesIO(data)).pages:
            writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _cer(expected: str, got: str) -> float:
    """Character error rate: edit distance over the expected text's length."""
    a, b = expected, got
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1] / max(1, len(a))


def test_a_scanned_page_is_read_with_its_figures_exact(tmp_path: Path) -> None:
    path = tmp_path / "bao-cao-thanh-tra-scan.pdf"
    path.write_bytes(scanned_pdf(SCAN_LINES))
    jail = ParserJail(memory_mb=1024, timeout_s=60, ocr_page_timeout_s=30)
    try:
        started = time.perf_counter()
        loaded = jail.parse(path, max_bytes=50 * 2**20)
        seconds = time.perf_counter() - started
    finally:
        jail.close()
    text = clean("\n".join(b.text for b in loaded.blocks))
    for figure in FIGURES:
        assert figure in text
    assert all(b.origin.startswith("trang 1 (OCR ") for b in loaded.blocks)
    cer = _cer(" ".join(SCAN_LINES), " ".join(text.split()))
    print(f"OCR: character error rate {cer:.4f}, {seconds:.2f} s for one page (jail included)")
    assert cer < 0.05


def test_a_mixed_pdf_is_read_page_by_page_and_answered(tmp_path: Path, cached_embedder) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "bao-cao-thanh-tra-2025.pdf").write_bytes(mixed_pdf())
    settings = Settings(data_dir=tmp_path / "data", progress=False, ocr_min_confidence=99.5)
    with Index.open(settings, writable=True, embedder=cached_embedder) as index:
        report = index.ingest([folder])
    assert report.failed == [] and report.ocr_pages == 1
    # a page read under the confidence asked for is reported by name
    (warning,) = report.warnings
    assert warning.path.endswith("bao-cao-thanh-tra-2025.pdf") and "trang 2 was read by OCR" in warning.reason
    engine = Engine(Index.open(settings, embedder=cached_embedder), settings)
    answer = engine.ask("Năm 2025 tổng số tiền xử phạt vi phạm hành chính là bao nhiêu?")
    assert answer.answer == "1.250.000.000 đồng"
    assert answer.citations[0].origin.startswith("trang 2 (OCR ")
    assert "đọc bằng OCR từ trang 2" in answer.notice  # its figure comes with a warning


def test_without_tesseract_a_scan_is_refused_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from baocao.errors import LoadError
    from ingest.load import load

    path = tmp_path / "scan.pdf"
    path.write_bytes(scanned_pdf(SCAN_LINES[:2]))
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract on it
    with pytest.raises(LoadError, match=r"scan.pdf.*page 1 is a scan and cannot be read.*apt-get install tesseract-ocr"):
        load(path, max_bytes=50 * 2**20)
