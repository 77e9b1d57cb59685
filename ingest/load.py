"""Read one file (.txt, .md, .docx, .pdf, .html) into its headings and paragraphs.

The loaders return the text as the file has it; ``normalize`` cleans it later. Every way a file
can be unreadable ends in a ``LoadError`` that names the problem and the fix, never in another
exception, so ingest can report the file and go on with the others.

Libraries, and why these:

- PDF: pypdf. Pure Python (no native code to crash on a hostile file) and actively maintained;
  its recent releases fix the infinite loops and runaway memory that malformed PDFs provoked.
- DOCX: python-docx, the standard reader. Its XML parser does not resolve entities, and the zip
  is checked here before it parses anything (size, compression ratio, DOCTYPE declarations).
- HTML: selectolax (lexbor). Fast, and it never resolves external entities or fetches anything
  over the network; it only parses the bytes it is given.
"""

from __future__ import annotations

import io
import logging
import re
import stat
import struct
import subprocess
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

import docx
import pypdf
from docx.document import Document as DocxDocument
from docx.exceptions import PythonDocxError
from docx.opc.exceptions import OpcError
from docx.oxml.ns import qn
from docx.table import Table
from pypdf.errors import DependencyError, PyPdfError
from selectolax.lexbor import LexborHTMLParser, LexborNode

from baocao.errors import LoadError
from ingest import ocr
from ingest import tables as tables_of
from ingest.decode import TRIED_ENCODINGS, decode_text
from ingest.formats import BYTES_PER_MB, SUPPORTED_EXTENSIONS
from ingest.records import Block, BlockKind, Loaded

# pypdf logs a warning for every line of a font's character map it cannot parse (9,471 lines for
# one 500-page PDF written with an embedded DejaVu font): noise on the user's terminal, the text
# is read all the same; what it cannot read it raises
logging.getLogger("pypdf").setLevel(logging.ERROR)

__all__ = ["BYTES_PER_MB", "SUPPORTED_EXTENSIONS", "load"]


_FORMATS = {".txt": "txt", ".md": "md", ".docx": "docx", ".pdf": "pdf", ".html": "html", ".htm": "html"}
_Item = tuple[str, BlockKind]

# --- .txt: a short line without end punctuation is a heading only if it looks numbered or shouts
_HEADING_MAX_CHARS = 120
_ENDS_SENTENCE = tuple(".;:?!…")
_NUMBERED = re.compile(
    r"^(?:(?:Phần|Chương|Mục)\s|[IVXLC]+[.)]\s|\d+(?:\.\d+)*[.)]\s|[a-zđ][.)]\s)", re.IGNORECASE
)
_BLANK_LINE = re.compile(r"\n[ \t\f\v]*\n")

# --- .md
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_THEMATIC_BREAK = re.compile(r"^(?:[-*_=]\s*){3,}$")

# --- .docx: cheap checks before python-docx parses anything
_DOCX_MAX_ENTRIES = 2000
_DOCX_MAX_TOTAL_BYTES = 200 * BYTES_PER_MB
_DOCX_MAX_RATIO = 200
# a small part may compress very well and do no harm; the ratio matters for large ones
_DOCX_RATIO_MIN_BYTES = BYTES_PER_MB
# in UTF-8 and in UTF-16 either way round: lxml reads XML parts in any of them
_DOCX_DECLARATIONS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
# python-docx keeps images as bytes and never parses them as XML (an SVG may carry a DOCTYPE)
_DOCX_MEDIA = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".svg", ".wdp")
_DOCX_MAIN_TYPE = b"wordprocessingml.document.main"
# what a broken zip or broken XML provokes in zipfile, zlib, lxml (SyntaxError) and python-docx
_DOCX_BROKEN = (
    PythonDocxError, OpcError, zipfile.BadZipFile, KeyError, ValueError, IndexError, TypeError,
    AttributeError, SyntaxError, EOFError, RecursionError, NotImplementedError, RuntimeError, zlib.error,
)  # fmt: skip

# --- .pdf: what a damaged file provokes inside pypdf besides its own errors
_PDF_BROKEN = (
    PyPdfError, ValueError, KeyError, IndexError, TypeError, AttributeError, AssertionError,
    RecursionError, OverflowError, ZeroDivisionError, zlib.error, struct.error,
)  # fmt: skip
_PDF_HEADER = b"%PDF-"
_PDF_HEADER_WINDOW = 1024

# --- .html
_HTML_DROP = frozenset({"script", "style", "noscript", "template", "iframe", "head", "svg", "math", "object"})
_HTML_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_HTML_BLOCKS = _HTML_HEADINGS | frozenset(
    {
        "p", "li", "tr", "div", "section", "article", "main", "header", "footer", "aside", "nav",
        "blockquote", "pre", "dt", "dd", "caption", "figcaption", "address", "table", "ul", "ol", "dl",
        "form", "fieldset", "details", "summary", "hr", "body",
    }
)  # fmt: skip
_HTML_CELLS = frozenset({"td", "th"})
_HTML_SPACE = re.compile(r"[ \t\r\n\f]+")


def load(path: Path, *, max_bytes: int, ocr_page_timeout_s: float = 20.0) -> Loaded:
    """Read one file into its headings and paragraphs, in reading order.

    Each block's ``origin`` tells a person where to look: ``"trang 3"`` for page 3 of a PDF,
    ``"đoạn 12"`` for the 12th non-empty block of any other format.

    Args:
        path: a ``.txt``, ``.md``, ``.docx``, ``.pdf``, ``.html`` or ``.htm`` file.
        max_bytes: larger files are refused (``int(settings.max_file_mb * BYTES_PER_MB)``).
        ocr_page_timeout_s: time limit for reading one scanned PDF page with OCR.

    Returns:
        The blocks (stripped, none empty) and the file's own title (docx properties, HTML
        ``<title>``, first ``#`` heading of Markdown), or ``None`` when it names none.

    Raises:
        LoadError: the file is missing, unreadable, too large, empty, of an unsupported type,
            encrypted, damaged, suspicious (zip bomb, DOCTYPE in a .docx), in an unknown text
            encoding, or has no text.
    """
    suffix = path.suffix.lower()
    if suffix not in _FORMATS:
        raise LoadError(str(path), f"unsupported file type '{suffix or '(none)'}'", _supported_fix(suffix))
    data = _read_bytes(path, max_bytes)
    fmt = _FORMATS[suffix]
    if fmt == "pdf":
        blocks, title = _load_pdf(path, data, ocr_page_timeout_s), None
    elif fmt == "docx":
        blocks, title = _load_docx(path, data)
    else:
        text = _decode(path, data)
        if fmt == "html":
            blocks, title = _load_html(text)
        elif fmt == "md":
            blocks, title = _load_md(text)
        else:
            blocks, title = _numbered(_txt_items(text)), None
    if not blocks:
        raise LoadError(str(path), "the file has no text", "check that it is the right file")
    return Loaded(path=str(path), format=fmt, blocks=blocks, title=title or None)


def _supported_fix(suffix: str) -> str:
    supported = ", ".join(SUPPORTED_EXTENSIONS)
    if suffix == ".doc":
        return f"open it in Word or LibreOffice and save it as .docx (supported types: {supported})"
    return f"convert it to one of the supported types: {supported}"


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    name = str(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise LoadError(name, "not a regular file", "give the path of a file, not a folder or device")
        _check_size(name, info.st_size, max_bytes)
        with path.open("rb") as file:
            # read one byte past the limit: the file may have grown since stat()
            data = file.read(max_bytes + 1)
    except FileNotFoundError:
        raise LoadError(name, "file not found", "check the path and the file name") from None
    except PermissionError:
        raise LoadError(name, "permission denied", "make the file readable by this user") from None
    except OSError as exc:
        raise LoadError(name, f"the file cannot be read ({exc.strerror or exc})", "check the disk") from exc
    _check_size(name, len(data), max_bytes)
    if not data:
        raise LoadError(name, "the file is empty", "check that it was saved or copied completely")
    return data


def _check_size(name: str, size: int, max_bytes: int) -> None:
    if size > max_bytes:
        reason = f"the file is {_size_label(size)}, over the {_size_label(max_bytes, exact=True)} limit"
        raise LoadError(name, reason, "split it or raise BAOCAO_MAX_FILE_MB")


def _size_label(size: int, *, exact: bool = False) -> str:
    if size < BYTES_PER_MB // 10:
        return f"{size:,} bytes"
    megabytes = size / BYTES_PER_MB
    # the limit as configured (50 MB), the file to one decimal (200.0 MB)
    return f"{round(megabytes, 2):g} MB" if exact else f"{megabytes:.1f} MB"


def _numbered(items: Iterable[_Item | Block]) -> list[Block]:
    """Blocks numbered as people count paragraphs ("đoạn 3"); a table row keeps its own origin."""
    blocks: list[Block] = []
    for item in items:
        if isinstance(item, Block):
            blocks.append(item)
            continue
        text, kind = item
        text = text.strip()
        if text:
            blocks.append(Block(text, kind, f"đoạn {len(blocks) + 1}"))
    return blocks


# --- text formats


def _decode(path: Path, data: bytes) -> str:
    decoded = decode_text(data)
    if decoded is None:
        reason = f"the text is not in a known encoding (tried {TRIED_ENCODINGS})"
        raise LoadError(str(path), reason, "save it as UTF-8 and ingest it again")
    return decoded.text


def _paragraph_lines(text: str) -> Iterator[list[str]]:
    """Each blank-line separated part of the text, as its non-empty stripped lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for part in _BLANK_LINE.split(text):
        lines = [line.strip() for line in part.split("\n") if line.strip()]
        if lines:
            yield lines


def _txt_items(text: str) -> Iterator[_Item]:
    parts = list(_paragraph_lines(text))
    for index, lines in enumerate(parts):
        more_follows = index + 1 < len(parts)
        while lines and _is_txt_heading(lines[0]) and (len(lines) > 1 or more_follows):
            yield lines.pop(0), "heading"
        if lines:
            yield "\n".join(lines), "paragraph"


def _is_txt_heading(line: str) -> bool:
    line = unicodedata.normalize("NFC", line)
    if len(line) > _HEADING_MAX_CHARS or line.endswith(_ENDS_SENTENCE):
        return False
    letters = [ch for ch in line if ch.isalpha()]
    shouting = len(letters) >= 3 and line.upper() == line
    return shouting or _NUMBERED.match(line) is not None


def _load_md(text: str) -> tuple[list[Block], str | None]:
    items: list[_Item | Block] = []
    title = None
    tables = 0
    before = ""  # the text just above a table: its caption or unit note ("Đơn vị: ha")
    for lines in _paragraph_lines(text):
        paragraph: list[str] = []
        table: list[str] = []
        padded = [*lines, ""]
        for n, line in enumerate(padded):
            if table and line and not line.startswith("|"):
                # rows the converter broke: a row missing its leading "|" ("Kinh | Việt | 85,32% |"),
                # or a line of text between rows ("Hệ Nam Á" over its group)
                if line.rstrip().endswith("|") or " | " in line:
                    table.append(line)
                    continue
                if _md_table_line(padded[n + 1]):
                    table.append(f"| {line} |")
                    continue
            if table and not line.startswith("|"):
                if paragraph:
                    before = _md_inline(f"{before.splitlines()[-1] if before else ''}\n" + "\n".join(paragraph[-2:])).strip()
                    items.append((_md_inline("\n".join(paragraph)), "paragraph"))
                    paragraph = []
                rows, header_rows = tables_of.markdown_rows(table)
                grid = tables_of.make_grid(
                    [[_md_inline(c) for c in r] for r in rows],
                    header_rows=header_rows,
                    caption=before,
                    note=before,
                    ragged="fit",
                )
                items.extend(tables_of.table_blocks(grid, tables))
                tables += 1
                table = []
            if not line:
                continue
            heading = _MD_HEADING.match(line)
            if heading:
                items.append((_md_inline("\n".join(paragraph)), "paragraph"))
                paragraph = []
                items.append((_md_inline(heading.group(2)), "heading"))
                if title is None and len(heading.group(1)) == 1:
                    title = _md_inline(heading.group(2)).strip()
            elif line.startswith("|"):
                table.append(line)
            elif "|" in line and tables_of.is_markdown_rule(padded[n + 1]):
                # a header row glued to the text before it: "[sửa | sửa]| Năm | Số lượng hành khách |"
                start = tables_of.header_start(line, padded[n + 1])
                paragraph.append(line[:start])
                table.append(line[start:])
            elif not _MD_THEMATIC_BREAK.match(line):
                paragraph.append(line)
        if paragraph:
            before = _md_inline(f"{before.splitlines()[-1] if before else ''}\n" + "\n".join(paragraph[-2:])).strip()
        items.append((_md_inline("\n".join(paragraph)), "paragraph"))
    return _numbered(items), title


def _md_table_line(line: str) -> bool:
    return line.startswith("|") or line.rstrip().endswith("|") or " | " in line


def _md_inline(text: str) -> str:
    """Drop link targets and bold markers: ``**[Luật](http://...)**`` -> ``Luật``."""
    return _MD_STRONG.sub(r"\2", _MD_LINK.sub(r"\1", text))


# --- .docx


def _load_docx(path: Path, data: bytes) -> tuple[list[Block], str | None]:
    name = str(path)
    damaged_fix = "open it in Word, save a new copy and ingest it again"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_docx_archive(name, archive)
        document = docx.Document(io.BytesIO(data))
        items = list(_docx_items(document))
        title = document.core_properties.title
    except _DOCX_BROKEN as exc:
        # a zip starts with a local file header; without one this was never a zip (an old .doc?)
        if isinstance(exc, zipfile.BadZipFile) and not data.startswith(b"PK\x03\x04"):
            fix = "open it in Word and save it as .docx (renaming a .doc file is not enough)"
            raise LoadError(name, "the file is not a valid .docx (not a zip archive)", fix) from None
        raise LoadError(name, f"the .docx is damaged ({_short(exc)})", damaged_fix) from exc
    return _numbered(items), title


def _check_docx_archive(name: str, archive: zipfile.ZipFile) -> None:
    """Refuse zip bombs and XML with DOCTYPE or entity declarations before anything parses them.

    The sizes come from the zip's directory; zipfile never inflates an entry past its declared
    size, so a lying directory cannot make the parser read more than what is checked here.
    """
    fix = "do not open it; if you trust its source, save a new copy from Word and ingest that"
    entries = archive.infolist()
    if len(entries) > _DOCX_MAX_ENTRIES:
        raise LoadError(name, f"the .docx looks like a zip bomb ({len(entries)} files inside)", fix)
    total = sum(entry.file_size for entry in entries)
    if total > _DOCX_MAX_TOTAL_BYTES:
        raise LoadError(
            name, f"the .docx looks like a zip bomb ({total / BYTES_PER_MB:.1f} MB unpacked)", fix
        )
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size >= _DOCX_RATIO_MIN_BYTES and ratio > _DOCX_MAX_RATIO:
            reason = f"the .docx looks like a zip bomb ('{entry.filename}' is compressed {ratio:.0f} times)"
            raise LoadError(name, reason, fix)
    names = {entry.filename for entry in entries}
    content_types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    if "word/document.xml" not in names and _DOCX_MAIN_TYPE not in content_types:
        fix = "open it in Word, save it as .docx and ingest it again"
        raise LoadError(name, "the file is a zip archive but not a Word document (no word/document.xml)", fix)
    for entry in entries:
        if not entry.filename.lower().endswith(_DOCX_MEDIA) and _has_declaration(archive, entry):
            reason = (
                f"the .docx contains a DOCTYPE/entity declaration (in '{entry.filename}'), "
                "which Word never writes; it may be an attack"
            )
            raise LoadError(name, reason, fix)


def _has_declaration(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bool:
    overlap = max(len(marker) for marker in _DOCX_DECLARATIONS) - 1
    tail = b""
    with archive.open(entry) as part:
        while chunk := part.read(BYTES_PER_MB):
            window = tail + chunk
            if any(marker in window for marker in _DOCX_DECLARATIONS):
                return True
            tail = window[-overlap:]
    return False


def _docx_items(document: DocxDocument) -> Iterator[_Item | Block]:
    before = ""  # the paragraph above a table: its caption or unit note
    tables = 0
    for content in document.iter_inner_content():
        if isinstance(content, Table):
            grid = tables_of.make_grid(_docx_grid(content), header_rows=_docx_header_rows(content), caption=before, note=before)
            yield from tables_of.table_blocks(grid, tables)
            tables += 1
            continue
        style = content.style.name if content.style is not None else None
        is_heading = (style or "").startswith(("Heading", "Title"))
        if content.text.strip():
            before = f"{before.splitlines()[-1] if before else ''}\n{content.text}".strip()
        yield content.text, "heading" if is_heading else "paragraph"


def _docx_grid(table: Table) -> list[list[str]]:
    """The table's cells by row and grid column; python-docx gives a merged cell (across columns
    or down rows) at every position it covers, which is what the header reading needs."""
    return [[cell.text for cell in row.cells] for row in table.rows[: tables_of.MAX_CELLS]]


def _docx_header_rows(table: Table) -> int | None:
    """How many leading rows Word repeats as the table's header, or None when it marks none."""
    marked = 0
    for row in table.rows:
        tr_pr = row._tr.trPr
        if tr_pr is None or tr_pr.find(qn("w:tblHeader")) is None:
            break
        marked += 1
    return marked or None


# --- .pdf


def _load_pdf(path: Path, data: bytes, ocr_page_timeout_s: float) -> list[Block]:
    name = str(path)
    if _PDF_HEADER not in data[:_PDF_HEADER_WINDOW]:
        fix = "check that it is the right file; if it opens in a PDF viewer, save a new copy"
        raise LoadError(name, "the file is not a PDF (no %PDF- header)", fix)
    encrypted_fix = "save an unencrypted copy and ingest it again"
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        # many reports are "encrypted" only against printing or copying, with an empty password
        if reader.is_encrypted and not _decrypts_with_empty_password(reader):
            raise LoadError(name, "the file is encrypted", encrypted_fix)
        blocks: list[Block] = []
        ruled = _ruled_tables(data)
        tables = 0
        for number, page in enumerate(reader.pages, start=1):
            text = page.extract_text() or ""
            if number in ruled:
                # a page with ruled tables: its text around them, then each table as rows of facts
                for item in ruled[number]:
                    if isinstance(item, str):
                        blocks += [Block(p, "paragraph", f"trang {number}") for p in _pdf_paragraphs(item)]
                    else:
                        blocks += [
                            replace(b, origin=f"trang {number}, {b.origin}") for b in tables_of.table_blocks(item, tables)
                        ]
                        tables += 1
            elif text.strip():
                blocks += [Block(p, "paragraph", f"trang {number}") for p in _pdf_paragraphs(text)]
            else:
                # a page without a text layer: a scan, read with OCR
                blocks += _ocr_blocks(name, page, number, ocr_page_timeout_s)
    except _PDF_BROKEN as exc:
        fix = "open it in a PDF viewer, save a new copy and ingest it again"
        raise LoadError(name, f"the PDF is damaged ({_short(exc)})", fix) from exc
    if not blocks:
        raise LoadError(
            name,
            "the PDF has no text layer and OCR found no text on its pages (a blank or unreadable scan?)",
            "check the scan, or run OCR on it elsewhere and ingest the text",
        )
    return blocks


def _ruled_tables(data: bytes) -> dict[int, list[str | tables_of.Grid]]:
    """The pages (numbered from 1) that hold ruled tables, each as its text and its tables in
    reading order; PyMuPDF finds a table by its ruling lines. A page without one is not listed (its
    text is read by pypdf), nor is anything when PyMuPDF cannot read the file."""
    import pymupdf

    pymupdf.no_recommend_layout()
    pymupdf.TOOLS.mupdf_display_errors(False)
    out: dict[int, list[str | tables_of.Grid]] = {}
    try:
        document = pymupdf.open(stream=data, filetype="pdf")
    except Exception:  # noqa: BLE001 - pypdf reports the damage in its own words
        return out
    with document:
        if document.needs_pass:
            return out
        for number in range(1, document.page_count + 1):
            page = document[number - 1]
            # ruling lines are drawings: a page with none has no ruled table (and finding tables
            # costs ~90 ms a page, ten times reading its text)
            if not page.get_cdrawings():
                continue
            found = [t for t in page.find_tables().tables if t.row_count >= 2 and t.col_count >= 2]
            if not found:
                continue
            boxes = [pymupdf.Rect(t.bbox) for t in found]
            items: list[tuple[float, str | tables_of.Grid]] = []
            for x0, y0, x1, y1, text, *_ in page.get_text("blocks"):
                if not any(box.intersects(pymupdf.Rect(x0, y0, x1, y1)) for box in boxes):
                    items.append((y0, text))
            for table, box in zip(found, boxes, strict=True):
                above = " ".join(t for y, t in items if isinstance(t, str) and y < box.y0)[-300:]
                rows = [[cell or "" for cell in row] for row in table.extract()]
                header = table.header
                header_rows = 1 if header is not None and not header.external and header.names else None
                items.append((box.y0, tables_of.make_grid(rows, header_rows=header_rows, caption=above, note=above)))
            out[number] = [item for _, item in sorted(items, key=lambda pair: pair[0])]
    return out


def _ocr_blocks(name: str, page: pypdf.PageObject, number: int, timeout_s: float) -> list[Block]:
    """A scanned page's paragraphs, each with its page and OCR confidence as its origin
    ("trang 2 (OCR 91%)"); nothing for a page with no image of text."""
    try:
        read = ocr.read_page(page, timeout_s=timeout_s)
    except ocr.OcrUnavailable as exc:
        fix = "install Tesseract and its Vietnamese model (apt-get install tesseract-ocr tesseract-ocr-vie; make install does)"
        raise LoadError(name, f"page {number} is a scan and cannot be read: {exc}", fix) from None
    except subprocess.TimeoutExpired:
        fix = "raise BAOCAO_OCR_PAGE_TIMEOUT_S, or run OCR on it elsewhere and ingest the text"
        raise LoadError(name, f"OCR of page {number} took longer than {timeout_s:g} s", fix) from None
    if read is None or not read.text.strip():
        return []
    origin = ocr.page_origin(number, read.confidence)
    return [Block(p, "paragraph", origin) for p in _pdf_paragraphs(read.text)]


def _decrypts_with_empty_password(reader: pypdf.PdfReader) -> bool:
    try:
        return reader.decrypt("") != pypdf.PasswordType.NOT_DECRYPTED
    except DependencyError:
        # AES needs the optional 'cryptography' package; the file stays unreadable either way
        return False


def _pdf_paragraphs(text: str) -> Iterator[str]:
    """Split a page's text on blank lines; rejoin the lines a paragraph was wrapped into."""
    for lines in _paragraph_lines(text):
        joined = lines[0]
        for line in lines[1:]:
            joined += ("\n" if joined.endswith(_ENDS_SENTENCE) else " ") + line
        yield joined


# --- .html


def _load_html(text: str) -> tuple[list[Block], str | None]:
    tree = LexborHTMLParser(text)
    title_node = tree.css_first("title")
    title = " ".join(title_node.text().split()) if title_node is not None else None
    root = tree.body or tree.root
    return _numbered(_html_items(root) if root is not None else []), title


def _html_items(root: LexborNode) -> Iterator[_Item | Block]:
    """Walk the tree in document order, cutting a block at each block element.

    Text directly inside a container is kept, and text inside nested blocks is not repeated.
    An explicit stack, not recursion: a hostile page may nest elements thousands deep.
    """
    buffer: list[str] = []
    stack: list[tuple[LexborNode, bool]] = [(root, True)]
    before = ""  # the text just above a table: its caption or unit note
    tables = 0
    while stack:
        node, entering = stack.pop()
        tag = node.tag
        if not entering:  # leaving a block element
            if "".join(buffer).strip():
                before = "".join(buffer)
            yield "".join(buffer), "heading" if tag in _HTML_HEADINGS else "paragraph"
            buffer = []
        elif tag == "table" and _html_is_data_table(node):
            if "".join(buffer).strip():
                before = "".join(buffer)
            yield "".join(buffer), "paragraph"
            buffer = []
            rows, header_rows, caption = _html_grid(node)
            grid = tables_of.make_grid(rows, header_rows=header_rows, caption=caption or before, note=f"{caption}\n{before}")
            yield from tables_of.table_blocks(grid, tables)
            tables += 1
        elif tag == "-text":
            buffer.append(_HTML_SPACE.sub(" ", node.text(deep=False) or ""))
        elif tag == "br":
            buffer.append("\n")
        elif tag in _HTML_DROP or tag is None or tag.startswith(("-", "_", "!")):
            continue
        else:
            if tag in _HTML_BLOCKS:
                yield "".join(buffer), "paragraph"
                buffer = []
                stack.append((node, False))
            elif tag in _HTML_CELLS and (row := "".join(buffer).strip()):
                buffer = [row, " | "]
            stack.extend((child, True) for child in reversed(list(node.iter(include_text=True))))
    yield "".join(buffer), "paragraph"


def _html_is_data_table(table: LexborNode) -> bool:
    # a table with a table inside is page layout: its text is read as paragraphs
    return len(table.css("table")) == 1  # selectolax counts the table itself


def _html_grid(table: LexborNode) -> tuple[list[list[str]], int | None, str]:
    """The cells of an HTML table by row and column, a cell spanning rows or columns repeated into
    each position; the number of header rows (``<thead>``, or leading rows of ``<th>`` only); the
    caption."""
    grid: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}  # (row, col) -> text of a cell spanning down into it
    header_rows = 0
    counting_header = True
    cells = 0
    for r, tr in enumerate(table.css("tr")):
        row: list[str] = []
        col = 0
        only_th = True
        for cell in tr.iter():
            if cell.tag not in _HTML_CELLS:
                continue
            while (r, col) in pending:
                row.append(pending.pop((r, col)))
                col += 1
            text = _HTML_SPACE.sub(" ", cell.text(separator=" ")).strip()
            span = _html_span(cell, "colspan")
            down = _html_span(cell, "rowspan")
            for c in range(col, col + span):
                row.append(text)
                for below in range(r + 1, r + down):
                    pending[(below, c)] = text
            col += span
            only_th = only_th and cell.tag == "th"
        while (r, col) in pending:
            row.append(pending.pop((r, col)))
            col += 1
        in_head = tr.parent is not None and tr.parent.tag == "thead"
        if counting_header and (in_head or (only_th and row)):
            header_rows += 1
        else:
            counting_header = False
        grid.append(row)
        cells += len(row)
        if cells >= tables_of.MAX_CELLS:
            break
    caption_node = table.css_first("caption")
    caption = _HTML_SPACE.sub(" ", caption_node.text()).strip() if caption_node is not None else ""
    return grid, header_rows or None, caption


def _html_span(cell: LexborNode, name: str) -> int:
    try:
        return max(1, min(int((cell.attributes.get(name) or "1").strip()), 100))
    except ValueError:
        return 1


def _short(exc: BaseException, limit: int = 80) -> str:
    detail = str(exc) or type(exc).__name__
    return detail if len(detail) <= limit else detail[: limit - 1] + "…"
