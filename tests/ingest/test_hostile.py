"""Hostile files, generated here (no committed binaries): each rejected by name or read correctly,
in under 10 s, parsed in the jailed child process; the main process and the batch go on."""

from __future__ import annotations

import random
import time
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from baocao.settings import Settings
from ingest import Index
from ingest.jail import ParserJail
from tests.conftest import pdf_bytes

TEXT = "Sở đã cho thuê đất 22 tổ chức với diện tích 66,4 ha."


def _docx_with(document_xml: bytes) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(
                "[Content_Types].xml",
                '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
            )
            z.writestr("word/document.xml", document_xml)

    return make


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&lol3;</w:t></w:r></w:p></w:body></w:document>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>"""


def _zip_bomb(path: Path) -> None:
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z,
        z.open("word/document.xml", "w", force_zip64=True) as f,
    ):
        chunk = b"0" * (1 << 20)
        for _ in range(300):
            f.write(chunk)


def _circular_xref(path: Path) -> None:
    # the trailer's /Prev points back at the same xref table: a loop for a naive reader
    body = pdf_bytes([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])
    xref = body.rindex(b"xref")
    path.write_bytes(body.replace(b"/Root 1 0 R ", b"/Root 1 0 R /Prev %d " % xref))


def _flate_bomb(path: Path) -> None:
    # a content stream that inflates, layer after layer, to about 1 GB of zeros
    data = zlib.compress(b"0" * (1 << 30), 9)
    data = zlib.compress(data, 9)
    stream = (
        b"<< /Length %d /Filter [/FlateDecode /FlateDecode] >>\nstream\n" % len(data) + data + b"\nendstream"
    )
    path.write_bytes(
        pdf_bytes(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
                stream,
            ]
        )
    )


def _random(n: int) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(random.Random(n).randbytes(64 * 1024))


def _huge(path: Path) -> None:
    with open(path, "wb") as f:
        f.truncate(200 * 1024 * 1024)  # a 200 MB (sparse) file


CASES: list[tuple[str, Callable[[Path], None], str | None]] = [
    ("bomb.docx", _zip_bomb, "zip bomb"),
    ("laughs.docx", _docx_with(BILLION_LAUGHS), "DOCTYPE"),
    ("xxe.docx", _docx_with(EXTERNAL_ENTITY), "DOCTYPE"),
    ("circular.pdf", _circular_xref, "damaged|no text"),
    ("flate-bomb.pdf", _flate_bomb, "damaged|no text|memory|longer than"),
    ("empty.pdf", lambda p: p.write_bytes(b""), "empty"),
    ("random.pdf", _random(1), "not a PDF"),
    ("random.docx", _random(2), "not a valid .docx"),
    ("random.txt", _random(3), "encoding"),
    ("huge.txt", _huge, "over the 50 MB limit"),
    ("cp1258.txt", lambda p: p.write_bytes(_cp1258(TEXT)), None),
    ("utf16.txt", lambda p: p.write_bytes(TEXT.encode("utf-16")), None),
]


def _cp1258(text: str) -> bytes:
    import unicodedata

    # cp1258 has the letters ơ, ư, â, ê... but spells the five tone marks as combining characters
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    for name, make, _ in CASES:
        make(folder / name)
    return folder


@pytest.mark.parametrize(("name", "expected"), [(n, e) for n, _, e in CASES], ids=[n for n, _, _ in CASES])
def test_each_hostile_file_in_the_jail(hostile: Path, name: str, expected: str | None) -> None:
    import re

    from baocao.errors import LoadError

    jail = ParserJail(memory_mb=768, timeout_s=8)
    started = time.monotonic()
    try:
        loaded = jail.parse(hostile / name, max_bytes=50 * 1024 * 1024)
        outcome = "read"
    except LoadError as exc:
        outcome = str(exc)
    finally:
        jail.close()
    elapsed = time.monotonic() - started
    print(f"{name}: {outcome[:100]} ({elapsed:.2f} s)")
    assert elapsed < 10
    if expected is None:
        assert outcome == "read"
        assert unicodedata.normalize("NFC", " ".join(b.text for b in loaded.blocks).strip()) == TEXT
    else:
        assert outcome.startswith(f"cannot read '{hostile / name}'")
        assert re.search(expected, outcome), outcome


def test_a_batch_of_hostile_files_loses_nothing(hostile: Path, tmp_path: Path, cached_embedder) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "good.txt"
    good.write_text(TEXT, encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", parse_memory_mb=768, parse_timeout_s=8, progress=False)
    with Index.open(settings, writable=True, embedder=cached_embedder) as index:
        index.ingest([good])
        report = index.ingest([hostile, good])
        assert report.unchanged == 1
        assert sorted(Path(f.path).name for f in report.failed) == sorted(
            n for n, _, e in CASES if e is not None
        )
        assert report.added == 2  # the cp1258 and the UTF-16 file: other bytes, the same text
        texts = {index.store.document_text(d) for d in index.manifest()}
        assert texts == {TEXT}
