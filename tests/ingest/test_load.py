"""Tests of ingest.load: each format read into blocks, and every bad input refused with its fix.

Every file is written by the test itself (docx with python-docx, PDF by hand, zips with zipfile).
"""

from __future__ import annotations

import codecs
import io
import random
import unicodedata
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import docx
import pypdf
import pytest

from baocao.errors import LoadError
from ingest.decode import decode_text
from ingest.load import BYTES_PER_MB, SUPPORTED_EXTENSIONS, load
from ingest.normalize import clean
from ingest.records import Block, Loaded

LIMIT = 50 * BYTES_PER_MB
SHARED_ARTICLES = Path(__file__).resolve().parents[3] / "shared" / "bench" / "vn-admin-articles"
CORPUS_REPORT = Path(__file__).resolve().parents[2] / "corpus" / "cantho-stnmt-so-ket-9-thang-2021.txt"

VIETNAMESE = "Cho thuê đất 22 tổ chức với diện tích 66,4 ha; thu hồi đất của 1.109 hộ gia đình."
TXT_REPORT = """BÁO CÁO SƠ KẾT 9 THÁNG

I. KẾT QUẢ ĐẠT ĐƯỢC
1. Công tác quản lý đất đai
Cho thuê đất 22 tổ chức với diện tích 66,4 ha.
Thu hồi đất của 1.109 hộ gia đình.

Ghi chú
Số liệu tính đến ngày 30/9/2021.

Minh Hà.
"""
TXT_BLOCKS = [
    Block("BÁO CÁO SƠ KẾT 9 THÁNG", "heading", "đoạn 1"),
    Block("I. KẾT QUẢ ĐẠT ĐƯỢC", "heading", "đoạn 2"),
    Block("1. Công tác quản lý đất đai", "heading", "đoạn 3"),
    Block(
        "Cho thuê đất 22 tổ chức với diện tích 66,4 ha.\nThu hồi đất của 1.109 hộ gia đình.",
        "paragraph",
        "đoạn 4",
    ),
    Block("Ghi chú\nSố liệu tính đến ngày 30/9/2021.", "paragraph", "đoạn 5"),
    Block("Minh Hà.", "paragraph", "đoạn 6"),
]


# --- helpers that write files


def _pdf_bytes(pages: Sequence[list[str] | None]) -> bytes:
    """A minimal valid PDF: one page per item, its lines in Helvetica; ``None`` is a page without content."""
    page_ids = [3 + 2 * i for i in range(len(pages))]
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % pid for pid in page_ids), len(pages)),
    }
    font_id = 3 + 2 * len(pages)
    objects[font_id] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    for page_id, lines in zip(page_ids, pages, strict=True):
        contents = b""
        if lines is not None:
            shown = b" 0 -16 Td ".join(b"(%s) Tj" % line.encode("ascii") for line in lines)
            stream = b"BT /F1 12 Tf 72 720 Td " + shown + b" ET"
            objects[page_id + 1] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
            contents = b" /Contents %d 0 R" % (page_id + 1)
        objects[page_id] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]"
            b" /Resources << /Font << /F1 %d 0 R >> >>%s >>" % (font_id, contents)
        )
    size = max(objects) + 1
    out = bytearray(b"%PDF-1.4\n")
    offsets = [0] * size
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    # an object number left unused (a page without content) is a free entry
    out += b"".join(
        b"%010d 00000 n \n" % offsets[n] if n in objects else b"0000000000 65535 f \n" for n in range(1, size)
    )
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref_at)
    return bytes(out)


def _encrypted_pdf(user_password: str, owner_password: str) -> bytes:
    writer = pypdf.PdfWriter()
    writer.append(pypdf.PdfReader(io.BytesIO(_pdf_bytes([["Cho thue dat 22 to chuc."]]))))
    # RC4 is built into pypdf; AES would need the optional 'cryptography' package
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _docx_bytes() -> bytes:
    document = docx.Document()
    document.core_properties.title = "Báo cáo sơ kết 9 tháng"
    document.add_heading("I. Kết quả đạt được", level=1)
    document.add_paragraph("Cho thuê đất 22 tổ chức với diện tích 66,4 ha.")
    document.add_paragraph("   ")
    table = document.add_table(rows=2, cols=3)
    for row, values in zip(
        table.rows, [("Chỉ tiêu", "Đơn vị", "Kết quả"), ("Thu hồi đất", "hộ", "1.109")], strict=True
    ):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    merged = document.add_table(rows=1, cols=3)
    merged.cell(0, 0).merge(merged.cell(0, 1)).text = "Tổng cộng"
    merged.cell(0, 2).text = "66,4 ha"
    document.add_heading("II. Nhiệm vụ", level=2)
    document.add_paragraph("Hoàn thành kế hoạch sử dụng đất năm 2022.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _plain_docx(*paragraphs: str) -> bytes:
    """A .docx without a title, holding only the given body paragraphs."""
    document = docx.Document()
    document.core_properties.title = ""
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _rezip(source: bytes, replace: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for entry in old.infolist():
            new.writestr(entry.filename, replace.get(entry.filename, old.read(entry)))
    return out.getvalue()


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def _zeros_docx(megabytes: int) -> bytes:
    """A zip whose word/document.xml is ``megabytes`` MB of b"0", written in 1 MB chunks."""
    out = io.BytesIO()
    chunk = b"0" * BYTES_PER_MB
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            for _ in range(megabytes):
                part.write(chunk)
    return out.getvalue()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>&lol3;</w:t></w:r></w:p></w:body></w:document>"""


def _cp1258_bytes(text: str) -> bytes:
    """Encode as cp1258 writes Vietnamese: vowel letters precomposed (â, ơ, ư), tone marks combining."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for char in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", char)
        tone = "".join(mark for mark in parts if mark in tones)
        out.append(unicodedata.normalize("NFC", "".join(mark for mark in parts if mark not in tones)) + tone)
    return "".join(out).encode("cp1258")


def _random_bytes(seed: int, size: int) -> bytes:
    return random.Random(seed).randbytes(size)


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _texts(loaded: Loaded) -> list[str]:
    return [clean(block.text) for block in loaded.blocks]


# --- formats


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("utf8.txt", TXT_REPORT.encode("utf-8")),
        ("utf8-bom.txt", codecs.BOM_UTF8 + TXT_REPORT.encode("utf-8")),
        ("utf16le-bom.txt", codecs.BOM_UTF16_LE + TXT_REPORT.encode("utf-16-le")),
        ("utf16be-bom.txt", codecs.BOM_UTF16_BE + TXT_REPORT.encode("utf-16-be")),
        ("utf16le.txt", TXT_REPORT.encode("utf-16-le")),
        ("utf16be.txt", TXT_REPORT.encode("utf-16-be")),
        ("cp1258.txt", _cp1258_bytes(TXT_REPORT)),
        ("nfd.txt", unicodedata.normalize("NFD", TXT_REPORT).encode("utf-8")),
        ("crlf.txt", TXT_REPORT.replace("\n", "\r\n").encode("utf-8")),
    ],
    ids=[
        "utf-8",
        "utf-8-bom",
        "utf-16-le-bom",
        "utf-16-be-bom",
        "utf-16-le",
        "utf-16-be",
        "cp1258",
        "nfd",
        "crlf",
    ],
)
def test_txt_reads_headings_and_paragraphs_in_every_encoding(tmp_path: Path, name: str, data: bytes) -> None:
    loaded = load(_write(tmp_path, name, data), max_bytes=LIMIT)
    assert loaded.format == "txt"
    assert loaded.title is None
    normalised = [Block(clean(b.text), b.kind, b.origin) for b in loaded.blocks]
    assert normalised == TXT_BLOCKS
    assert not loaded.blocks[0].text.startswith("\ufeff")


def test_txt_keeps_raw_text_for_normalize(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", VIETNAMESE)
    loaded = load(_write(tmp_path, "nfd.txt", nfd.encode("utf-8")), max_bytes=LIMIT)
    assert loaded.blocks[0].text == nfd  # NFC is normalize's job, not the loader's


def test_txt_reference_report_is_all_paragraphs() -> None:
    loaded = load(CORPUS_REPORT, max_bytes=LIMIT)
    assert len(loaded.blocks) >= 10
    assert {block.kind for block in loaded.blocks} == {"paragraph"}
    assert any("66,4 ha" in block.text for block in loaded.blocks)
    assert [block.origin for block in loaded.blocks[:3]] == ["đoạn 1", "đoạn 2", "đoạn 3"]


def test_md_headings_title_tables_and_inline_markup(tmp_path: Path) -> None:
    text = (
        "# Báo cáo **sơ kết**\n\n## I. Kết quả\n"
        "Cho thuê đất **22 tổ chức** với [diện tích](http://x.vn/a) 66,4 ha.\n\n"
        "| Chỉ tiêu | Kết quả |\n|---|:---:|\n| Cho thuê | 66,4 ha |\n\n---\n\n### Ghi chú ###\n"
    )
    loaded = load(_write(tmp_path, "bao-cao.md", text.encode("utf-8")), max_bytes=LIMIT)
    assert loaded.format == "md"
    assert loaded.title == "Báo cáo sơ kết"
    assert [(b.text, b.kind) for b in loaded.blocks] == [
        ("Báo cáo sơ kết", "heading"),
        ("I. Kết quả", "heading"),
        ("Cho thuê đất 22 tổ chức với diện tích 66,4 ha.", "paragraph"),
        ("Cho thuê, Kết quả 66,4 ha.", "table_row"),  # a table row as a fact (ingest.tables)
        ("Ghi chú", "heading"),
    ]
    assert loaded.blocks[-1].origin == "đoạn 5"


@pytest.mark.skipif(not SHARED_ARTICLES.is_dir(), reason="the shared benchmark articles are not here")
def test_md_real_articles_load_with_their_title() -> None:
    for path in sorted(SHARED_ARTICLES.glob("*.md"))[:25]:
        loaded = load(path, max_bytes=LIMIT)
        has_h1 = any(line.startswith("# ") for line in path.read_text(encoding="utf-8").splitlines())
        assert (loaded.title is not None) == has_h1, path
        assert loaded.title is None or Block(loaded.title, "heading") in [
            Block(block.text, block.kind) for block in loaded.blocks
        ]


def test_docx_headings_paragraphs_tables_in_order(tmp_path: Path) -> None:
    loaded = load(_write(tmp_path, "bao-cao.docx", _docx_bytes()), max_bytes=LIMIT)
    assert loaded.format == "docx"
    assert loaded.title == "Báo cáo sơ kết 9 tháng"
    assert [(b.text, b.kind, b.origin) for b in loaded.blocks] == [
        ("I. Kết quả đạt được", "heading", "đoạn 1"),
        ("Cho thuê đất 22 tổ chức với diện tích 66,4 ha.", "paragraph", "đoạn 2"),
        # each table's data rows as facts: the unit column "Đơn vị" gives "hộ"; the one-row table
        # has no header, its label merged across two columns
        ("Thu hồi đất, Kết quả 1.109 hộ.", "table_row", "bảng 1, dòng 2"),
        ("Tổng cộng 66,4 ha.", "table_row", "bảng 2, dòng 1"),
        ("II. Nhiệm vụ", "heading", "đoạn 5"),
        ("Hoàn thành kế hoạch sử dụng đất năm 2022.", "paragraph", "đoạn 6"),
    ]


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        ([["Cho thue dat 22 to chuc voi dien tich 66,4 ha."]],
         [Block("Cho thue dat 22 to chuc voi dien tich 66,4 ha.", "paragraph", "trang 1")]),
        ([["Thu hoi dat cua 1.109 ho gia dinh"], ["Giao dat 05 to chuc."]],
         [Block("Thu hoi dat cua 1.109 ho gia dinh", "paragraph", "trang 1"),
          Block("Giao dat 05 to chuc.", "paragraph", "trang 2")]),
        ([None, ["Trang hai co chu."]], [Block("Trang hai co chu.", "paragraph", "trang 2")]),
    ],
    ids=["one-page", "two-pages", "blank-first-page"],
)  # fmt: skip
def test_pdf_text_layer_by_page(tmp_path: Path, pages: list[list[str] | None], expected: list[Block]) -> None:
    loaded = load(_write(tmp_path, "bao-cao.pdf", _pdf_bytes(pages)), max_bytes=LIMIT)
    assert loaded.format == "pdf"
    assert loaded.title is None
    assert [Block(" ".join(b.text.split()), b.kind, b.origin) for b in loaded.blocks] == expected


def test_pdf_wrapped_lines_rejoin_into_one_paragraph(tmp_path: Path) -> None:
    pages = [["Cho thue dat 22 to chuc voi", "dien tich 66,4 ha.", "Giao dat 05 to chuc."]]
    loaded = load(_write(tmp_path, "bao-cao.pdf", _pdf_bytes(pages)), max_bytes=LIMIT)
    assert [b.text for b in loaded.blocks] == [
        "Cho thue dat 22 to chuc voi dien tich 66,4 ha.\nGiao dat 05 to chuc."
    ]


def test_pdf_encrypted_with_empty_user_password_is_read(tmp_path: Path) -> None:
    path = _write(tmp_path, "chi-cam-in.pdf", _encrypted_pdf(user_password="", owner_password="chu-so-huu"))
    assert pypdf.PdfReader(path).is_encrypted
    assert _texts(load(path, max_bytes=LIMIT)) == ["Cho thue dat 22 to chuc."]


def test_html_drops_scripts_keeps_structure(tmp_path: Path) -> None:
    html = """<!DOCTYPE html><html><head><title> Báo cáo
      sơ kết </title><style>p { color: red }</style><script>alert("script-text")</script></head>
    <body><h1>I. Kết quả</h1>
    <div>Mở đầu <b>quan trọng</b><p>Cho thuê đất 22 tổ chức.</p>Phần sau</div>
    <ul><li>Thu hồi 5 ha</li><li>Giao<br>đất</li></ul>
    <table><tr><th>Chỉ tiêu</th> <th>Kết quả</th></tr><tr><td>Cho thuê</td><td>66,4 ha</td></tr></table>
    <h2>II. Nhiệm &amp; vụ</h2><noscript>noscript-text</noscript><template>template-text</template>
    <iframe src="http://example.invalid/">iframe-text</iframe><!-- comment-text --></body></html>"""
    loaded = load(_write(tmp_path, "bao-cao.htm", html.encode("utf-8")), max_bytes=LIMIT)
    assert loaded.format == "html"
    assert loaded.title == "Báo cáo sơ kết"
    assert [(b.text, b.kind) for b in loaded.blocks] == [
        ("I. Kết quả", "heading"),
        ("Mở đầu quan trọng", "paragraph"),
        ("Cho thuê đất 22 tổ chức.", "paragraph"),
        ("Phần sau", "paragraph"),
        ("Thu hồi 5 ha", "paragraph"),
        ("Giao\nđất", "paragraph"),
        ("Cho thuê, Kết quả 66,4 ha.", "table_row"),
        ("II. Nhiệm & vụ", "heading"),
    ]
    assert all("-text" not in block.text for block in loaded.blocks)
    assert loaded.blocks[-1].origin == "đoạn 8"


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("ghi-chu.txt", lambda: b"Cho thue dat 22 to chuc."),
        ("ghi-chu.md", lambda: "## Mục con\n\nCho thuê đất.".encode()),
        ("ghi-chu.html", lambda: b"<html><body><h1>Tieu de</h1><p>Cho thue dat.</p></body></html>"),
        ("ghi-chu.docx", lambda: _plain_docx("Cho thuê đất 22 tổ chức.")),
        ("ghi-chu.pdf", lambda: _pdf_bytes([["Cho thue dat."]])),
    ],
    ids=["txt", "md-without-h1", "html-without-title", "docx-without-title", "pdf"],
)
def test_title_is_none_when_the_file_names_none(tmp_path: Path, name: str, make: Callable[[], bytes]) -> None:
    loaded = load(_write(tmp_path, name, make()), max_bytes=LIMIT)
    assert loaded.title is None
    assert loaded.blocks


def test_html_deep_nesting_does_not_recurse(tmp_path: Path) -> None:
    html = "<div>" * 5000 + "Sâu" + "</div>" * 5000
    loaded = load(_write(tmp_path, "sau.html", html.encode("utf-8")), max_bytes=LIMIT)
    assert _texts(loaded) == ["Sâu"]


# --- bad input


def _utf16_laughs() -> bytes:
    xml = BILLION_LAUGHS.decode().replace('"1.0"', '"1.0" encoding="UTF-16"')
    return _rezip(_docx_bytes(), {"word/styles.xml": xml.encode("utf-16")})


def _case(name: str, make: Callable[[], bytes], match: str, max_bytes: int = LIMIT) -> object:
    return pytest.param(name, make, max_bytes, match, id=name)


BAD_INPUTS = [
    _case(
        "bao-cao.xyz",
        lambda: b"text",
        r"unsupported file type '\.xyz'; convert it to one of the supported types: "
        r"\.txt, \.md, \.docx, \.pdf, \.html, \.htm$",
    ),
    _case(
        "bao-cao.doc", lambda: b"text", r"type '\.doc'; open it in Word or LibreOffice and save it as \.docx"
    ),
    _case("README", lambda: b"text", r"unsupported file type '\(none\)'"),
    _case(
        "big.txt",
        lambda: b"x" * 2000,
        r"the file is 2,000 bytes, over the 1,000 bytes limit; split it or raise BAOCAO_MAX_FILE_MB$",
        max_bytes=1000,
    ),
    _case(
        "big.pdf",
        lambda: b"x" * (BYTES_PER_MB // 5),
        r"the file is 0\.2 MB, over the 0\.1 MB limit",
        max_bytes=BYTES_PER_MB // 10,
    ),
    _case(
        "empty.txt",
        lambda: b"",
        r"empty\.txt': the file is empty; check that it was saved or copied completely$",
    ),
    _case("empty.pdf", lambda: b"", r"the file is empty;"),
    _case("blank.txt", lambda: b" \n\n\t\n", r"the file has no text; check that it is the right file$"),
    _case("blank.html", lambda: b"<html><script>x()</script></html>", r"the file has no text;"),
    _case("blank.docx", lambda: _plain_docx("", "   "), r"the file has no text;"),
    _case(
        "random.txt",
        lambda: _random_bytes(1, 4096),
        r"the text is not in a known encoding \(tried UTF-8, UTF-16, cp1258\); "
        r"save it as UTF-8 and ingest it again$",
    ),
    _case("random-short.txt", lambda: _random_bytes(2, 24), r"not in a known encoding"),
    _case("binary.md", lambda: b"\x00\x01\x02\x03" * 100, r"not in a known encoding"),
    _case("random.pdf", lambda: _random_bytes(3, 4096), r"the file is not a PDF \(no %PDF- header\)"),
    _case(
        "truncated.pdf",
        lambda: _pdf_bytes([["Cho thue dat."]])[:60],
        r"the PDF is damaged \(.+\); open it in a PDF viewer, save a new copy and ingest it again$",
    ),
    _case("garbage.pdf", lambda: b"%PDF-1.4\n" + _random_bytes(4, 4096), r"the PDF is damaged \("),
    _case(
        "encrypted.pdf",
        lambda: _encrypted_pdf(user_password="mat-khau", owner_password="chu"),
        r"the file is encrypted; save an unencrypted copy and ingest it again$",
    ),
    _case(
        "scan.pdf",
        lambda: _pdf_bytes([None, None]),
        r"the PDF has no text layer and OCR found no text on its pages \(a blank or unreadable scan\?\); "
        r"check the scan, or run OCR on it elsewhere and ingest the text$",
    ),
    _case(
        "random.docx",
        lambda: _random_bytes(5, 4096),
        r"the file is not a valid \.docx \(not a zip archive\); open it in Word and save it as \.docx",
    ),
    _case("old-word.docx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), r"not a valid \.docx"),
    _case(
        "archive.docx",
        lambda: _zip({"notes.txt": b"hello"}),
        r"the file is a zip archive but not a Word document \(no word/document\.xml\)",
    ),
    _case(
        "zeros-300mb.docx",
        lambda: _zeros_docx(300),
        r"the \.docx looks like a zip bomb \(300\.0 MB unpacked\); do not open it",
    ),
    _case(
        "zeros-5mb.docx",
        lambda: _zeros_docx(5),
        r"looks like a zip bomb \('word/document\.xml' is compressed \d+ times\)",
    ),
    _case(
        "many-files.docx",
        lambda: _zip({f"word/part{i}.xml": b"<x/>" for i in range(2001)}),
        r"looks like a zip bomb \(2001 files inside\)",
    ),
    _case(
        "laughs.docx",
        lambda: _rezip(_docx_bytes(), {"word/document.xml": BILLION_LAUGHS}),
        r"the \.docx contains a DOCTYPE/entity declaration \(in 'word/document\.xml'\), "
        r"which Word never writes; it may be an attack; do not open it",
    ),
    _case("laughs-utf16.docx", _utf16_laughs, r"DOCTYPE/entity declaration \(in 'word/styles\.xml'\)"),
    _case(
        "broken-xml.docx",
        lambda: _rezip(_docx_bytes(), {"word/document.xml": b"<w:document"}),
        r"the \.docx is damaged \(.+\); open it in Word, save a new copy and ingest it again$",
    ),
]


@pytest.mark.parametrize(("name", "make", "max_bytes", "match"), BAD_INPUTS)
def test_bad_input_is_refused_with_reason_and_fix(
    tmp_path: Path, name: str, make: Callable[[], bytes], max_bytes: int, match: str
) -> None:
    path = _write(tmp_path, name, make())
    with pytest.raises(LoadError, match=match) as caught:
        load(path, max_bytes=max_bytes)
    assert caught.value.path == str(path)
    assert str(caught.value).startswith(f"cannot read '{path}': ")


def test_size_is_checked_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "rat-lon.pdf"
    with path.open("wb") as file:
        file.truncate(200 * BYTES_PER_MB)  # sparse: no disk used, and load must not read it
    with pytest.raises(
        LoadError, match=r"the file is 200\.0 MB, over the 50 MB limit; split it or raise BAOCAO_MAX_FILE_MB$"
    ):
        load(path, max_bytes=LIMIT)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(
        LoadError, match=r"'.*nowhere\.pdf': file not found; check the path and the file name$"
    ):
        load(tmp_path / "nowhere.pdf", max_bytes=LIMIT)


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "bao-cao.txt"
    folder.mkdir()
    with pytest.raises(
        LoadError, match=r"not a regular file; give the path of a file, not a folder or device$"
    ):
        load(folder, max_bytes=LIMIT)


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, "khoa.txt", b"Cho thue dat.")

    # tests may run as root, which chmod cannot lock out
    def _denied(self: Path, *args: object, **kwargs: object) -> io.BufferedReader:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", _denied)
    with pytest.raises(LoadError, match=r"permission denied; make the file readable by this user$"):
        load(path, max_bytes=LIMIT)


def test_supported_extensions_are_the_five_formats() -> None:
    assert SUPPORTED_EXTENSIONS == (".txt", ".md", ".docx", ".pdf", ".html", ".htm")


# --- decoding


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (VIETNAMESE.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + VIETNAMESE.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF16_LE + VIETNAMESE.encode("utf-16-le"), "utf-16-le"),
        (unicodedata.normalize("NFD", VIETNAMESE).encode("utf-16-le"), "utf-16-le"),
        (VIETNAMESE.encode("utf-16-be"), "utf-16-be"),
        (_cp1258_bytes(VIETNAMESE), "cp1258"),
        (_cp1258_bytes("Diện tích 66,4 m² – “đất ở” …"), "cp1258"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-le-nfd", "utf-16-be", "cp1258", "cp1258-typography"],
)
def test_decode_finds_the_encoding(data: bytes, encoding: str) -> None:
    decoded = decode_text(data)
    assert decoded is not None
    assert decoded.encoding == encoding
    assert clean(decoded.text) in (clean(VIETNAMESE), clean("Diện tích 66,4 m² – “đất ở” …"))


def test_decode_cp1258_really_needs_cp1258() -> None:
    data = _cp1258_bytes(VIETNAMESE)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert b"\xcc" in data or b"\xec" in data or b"\xf2" in data  # combining tone marks were written


@pytest.mark.parametrize("seed", range(40), ids=[f"seed-{seed}" for seed in range(40)])
def test_decode_refuses_random_bytes(seed: int) -> None:
    generator = random.Random(seed)
    size = generator.choice([8, 16, 32, 64, 256, 4096])
    assert decode_text(generator.randbytes(size)) is None


@pytest.mark.parametrize("seed", range(20), ids=[f"seed-{seed}" for seed in range(20)])
def test_decode_refuses_random_high_bytes_that_cp1258_can_decode(seed: int) -> None:
    # no control bytes, no bytes cp1258 leaves undefined: only the plausibility check can refuse these
    defined = [b for b in range(0x80, 0x100) if len(bytes([b]).decode("cp1258", errors="ignore")) == 1]
    generator = random.Random(seed)
    data = bytes(generator.choice(defined) for _ in range(generator.choice([32, 256, 2048])))
    assert decode_text(data) is None
