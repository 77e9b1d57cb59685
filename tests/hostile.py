"""The hostile files of issue 8, generated on the fly (no committed binaries).

Shared by the loader tests (``tests/ingest/test_hostile.py``) and the web test that uploads them
while the server answers health requests (``tests/ui/test_web_hostile.py``).
"""

from __future__ import annotations

import random
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

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


def _slow(path: Path) -> None:
    # 25 KB that inflate to 9 MB of text operators: minutes of parsing (CPU exhaustion)
    data = zlib.compress(b"BT /F1 12 Tf 72 712 Td (Bao cao so ket) Tj ET\n" * 200_000, 9)
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
    page += b" /Resources << /Font << /F1 5 0 R >> >> >>"
    path.write_bytes(
        pdf_bytes(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                page,
                stream,
                b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
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
    ("slow.pdf", _slow, "longer than"),
    ("empty.pdf", lambda p: p.write_bytes(b""), "empty"),
    ("random.pdf", _random(1), "not a PDF"),
    ("random.docx", _random(2), "not a valid .docx"),
    ("random.txt", _random(3), "encoding"),
    ("huge.txt", _huge, "over the 50 MB limit"),
    ("cp1258.txt", lambda p: p.write_bytes(_cp1258(TEXT)), None),
    ("utf16.txt", lambda p: p.write_bytes(TEXT.encode("utf-16")), None),
]


def _cp1258(text: str) -> bytes:
    # cp1258 has the letters ơ, ư, â, ê... but spells the five tone marks as combining characters
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


def write_hostile(folder: Path) -> Path:
    """Write every case of ``CASES`` into ``folder``; returns it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, make, _ in CASES:
        make(folder / name)
    return folder
