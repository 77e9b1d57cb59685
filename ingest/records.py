"""Typed records that cross the ingest boundary."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "paragraph", "table_row"]
ChunkRole = Literal["heading", "question", "text", "table"]


@dataclass(frozen=True)
class TableCell:
    """One data cell of a table row, placed in the row's sentence (``ingest.tables``).

    Attributes:
        col: its column in the table (0-based).
        header: its column's header, the levels of a multi-row header joined by " / ".
        value: the cell's text as in the table.
        unit: its unit, from the header, a unit column or a note above the table, or "".
        start: where its value starts in the row's sentence (in a chunk: in the document's text).
        end: where its value and unit end.
    """

    col: int
    header: str
    value: str
    unit: str
    start: int
    end: int


@dataclass(frozen=True)
class TableRef:
    """Where a table row stands: the table's index in the document, the row's in the table, what
    the row is about (its label, "Cho thuê đất"), and its cells."""

    table: int
    row: int
    cells: tuple[TableCell, ...]
    label: str = ""


@dataclass(frozen=True)
class Block:
    """One heading or paragraph as a loader read it, before normalisation.

    Attributes:
        text: the block's text as found in the file.
        kind: ``"heading"`` for a section title, ``"paragraph"`` for body text.
        origin: where in the file it came from, for people: ``"trang 3"``, ``"đoạn 12"``,
            ``"bảng 1, dòng 3"``.
        table: for a table row (``"table_row"``, its text written by ``ingest.tables``), its table,
            row and cells.
    """

    text: str
    kind: BlockKind = "paragraph"
    origin: str = ""
    table: TableRef | None = None


@dataclass(frozen=True)
class Loaded:
    """What a loader read from one file: its blocks, in order, and a title if the file names one."""

    path: str
    format: str
    blocks: list[Block]
    title: str | None = None


@dataclass(frozen=True)
class Span:
    """A half-open character range ``[start, end)`` in a document's text."""

    start: int
    end: int


@dataclass(frozen=True)
class Section:
    """A normalised block placed in the document's text."""

    start: int
    end: int
    kind: BlockKind
    origin: str
    table: TableRef | None = None


@dataclass(frozen=True)
class Document:
    """A loaded, normalised source file: the text citations point into.

    Attributes:
        doc_id: stable id derived from the file's content (same bytes, same id).
        path: the path the file was ingested from.
        filename: its base name.
        title: a title for people (the file's own title, else its first heading or line).
        format: ``txt``, ``md``, ``docx``, ``pdf`` or ``html``.
        text: the display text (NFC, whitespace cleaned); every span indexes into it.
        sections: each heading and paragraph with its span and origin in the file.
        content_sha256: hex digest of the file's bytes.
        meta: metadata found in the text (``period``, ``issuer``), empty strings when absent.
    """

    doc_id: str
    path: str
    filename: str
    title: str
    format: str
    text: str
    sections: list[Section]
    content_sha256: str
    meta: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Chunk:
    """One sentence of a document: the unit of retrieval and citation.

    Attributes:
        chunk_id: ``"{doc_id}:{index:05d}"``; stable for a given document content.
        doc_id: the document it belongs to.
        index: its position among the document's sentences.
        start: start of the sentence in ``Document.text``.
        end: end of the sentence (exclusive).
        text: ``Document.text[start:end]``.
        heading: the section heading it sits under, or ``""``.
        window_start: start of the context window (``window_sentences`` on each side).
        window_end: end of the context window.
        tokens: lexical tokens (syllables, and underthesea words joined by ``_``), lowercased.
        origin: where in the file the sentence came from (``"trang 3"``), or ``""``.
        context: lexical tokens of the document's title and the chunk's heading, each once: a
            field of the lexical index, for questions that name the subject of a whole section
            ("cầu Thạch Luyện") and the fact of one sentence under it ("tổng mức đầu tư").
        role: ``"heading"``, ``"question"`` (a sentence that asks, "... bị phạt bao nhiêu tiền?",
            which restates a question and never answers it), ``"table"`` (a table row) or ``"text"``.
        table: for a table row, its table, row and cells (cell spans in the document's text).
    """

    chunk_id: str
    doc_id: str
    index: int
    start: int
    end: int
    text: str
    heading: str
    window_start: int
    window_end: int
    tokens: list[str]
    origin: str = ""
    context: list[str] = field(default_factory=list)
    role: ChunkRole = "text"
    table: TableRef | None = None
