"""Uploads into the index of a running server: per-file results, one writer, nothing left behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from baocao.errors import LockedError, StoreError
from baocao.settings import Settings
from ingest import Index
from qa import Engine
from ui.library import Library, read_speech, temp_dir

REPORT = (
    "Báo cáo quý III năm 2024.\n\nTrong quý III năm 2024, Sở đã cấp 345 giấy chứng nhận quyền sử dụng đất."
)
NEWER = REPORT.replace("345", "346")


@pytest.fixture
def library(settings: Settings, cached_embedder) -> Library:  # type: ignore[no-untyped-def]
    Index.open(settings, embedder=cached_embedder).close()  # an empty index
    engine = Engine(Index.open(settings, embedder=cached_embedder), settings)
    return Library(settings, engine)


def _upload(library: Library, name: str, content: str | bytes) -> Path:
    """A file where Gradio puts an upload: ``<data_dir>/tmp/<random>/<name>``."""
    folder = library.tmp / f"upload-{len(list(library.tmp.glob('upload-*')))}"
    folder.mkdir(parents=True)
    path = folder / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def test_each_upload_gets_its_own_result_and_is_deleted(library: Library) -> None:
    seen: list[tuple[int, int, str]] = []
    uploads = [
        _upload(library, "bao-cao-quy-3.txt", REPORT),
        _upload(library, "virus.exe", b"MZ"),
        _upload(library, "hong.docx", b"this is not a zip"),
    ]
    results = library.ingest(uploads, progress=lambda done, total, name: seen.append((done, total, name)))
    assert [(r.filename, r.status) for r in results] == [
        ("bao-cao-quy-3.txt", "added"),
        ("virus.exe", "failed"),
        ("hong.docx", "failed"),
    ]
    assert results[0].chunks == 2
    assert "định dạng '.exe' không được hỗ trợ" in results[1].reason
    assert "hong.docx" in results[2].reason and str(library.tmp) not in results[2].reason
    assert seen[0] == (0, 3, "bao-cao-quy-3.txt") and seen[-1] == (3, 3, "")
    assert [p for p in library.tmp.rglob("*") if p.is_file()] == [], "no upload stays fetchable"
    assert [d.filename for d in library.documents()] == ["bao-cao-quy-3.txt"]
    assert library.engine.ask("Quý III năm 2024 Sở đã cấp bao nhiêu giấy chứng nhận?").value == 345


def test_the_same_file_is_unchanged_and_a_new_version_replaces_the_old(library: Library) -> None:
    assert library.ingest([_upload(library, "bao-cao.txt", REPORT)])[0].status == "added"
    assert library.ingest([_upload(library, "bao-cao.txt", REPORT)])[0].status == "unchanged"
    assert library.ingest([_upload(library, "bao-cao.txt", NEWER)])[0].status == "updated"
    assert len(library.documents()) == 1
    assert library.engine.ask("Quý III năm 2024 Sở đã cấp bao nhiêu giấy chứng nhận?").value == 346


def test_an_upload_over_the_cap_is_refused(settings: Settings, cached_embedder) -> None:  # type: ignore[no-untyped-def]
    small = settings.replace(max_upload_mb=0.001)
    engine = Engine(Index.open(small, embedder=cached_embedder), small)
    library = Library(small, engine)
    result = library.ingest([_upload(library, "lon.txt", REPORT * 20)])[0]
    assert result.status == "failed" and "vượt giới hạn 0.001 MB" in result.reason


def test_remove(library: Library) -> None:
    library.ingest([_upload(library, "bao-cao.txt", REPORT)])
    doc_id = library.documents()[0].doc_id
    assert library.remove(doc_id).filename == "bao-cao.txt"
    assert library.documents() == []
    with pytest.raises(StoreError, match="no document with id"):
        library.remove(doc_id)


def test_another_writer_makes_the_upload_wait_with_a_clear_error(
    library: Library, settings: Settings, cached_embedder
) -> None:  # type: ignore[no-untyped-def]
    upload = _upload(library, "bao-cao.txt", REPORT)
    with Index.open(settings, writable=True, embedder=cached_embedder), pytest.raises(LockedError):
        library.ingest([upload])
    assert not upload.exists()
    assert library.documents() == []


def test_report_folders_live_in_the_temporary_folder(library: Library, settings: Settings) -> None:
    folder = library.report_dir()
    assert folder.parent == temp_dir(settings) / "reports" and folder.is_dir()
    assert library.report_dir() != folder


def test_read_speech_joins_the_paragraphs(tmp_path: Path, settings: Settings) -> None:
    import docx

    path = tmp_path / "phat-bieu.docx"
    document = docx.Document()
    document.add_paragraph("Kính thưa các đồng chí!")
    document.add_paragraph("Sở đã cho thuê đất 22 tổ chức với diện tích 66,4 ha.")
    document.save(str(path))
    assert (
        read_speech(path, settings)
        == "Kính thưa các đồng chí!\nSở đã cho thuê đất 22 tổ chức với diện tích 66,4 ha."
    )
