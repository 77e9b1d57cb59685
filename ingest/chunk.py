"""Documents from loaded blocks, and sentence chunks from documents.

Granularity: one chunk per sentence, with a window of neighbouring sentences kept as character
offsets (the sentence-window scheme of llama-index's SentenceWindowNodeParser). Answers are
sentence-level: a question about "66,4 ha" must cite the one sentence that says it, and an embedding
of a single sentence is sharper than one of a 512-token block where four facts blur together. The
window gives the reader (and the answer's context) the surrounding text without diluting the vector.
A chunk never cuts a sentence, and its span points into the document's display text.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import Path

from ingest import segment
from ingest.meta import extract_meta
from ingest.normalize import clean
from ingest.records import Chunk, ChunkRole, Document, Loaded, Section, TableRef

_DOC_ID_CHARS = 16
_WORDLIKE = re.compile(r"\w")
# a sentence that ends in a question mark, before any closing emphasis, quote or bracket
_ASKS = re.compile(r"\?[\s*_\"'”»)\]]*$")


def document_id(content: bytes) -> str:
    """Stable id of a document: the first 16 hex digits of the SHA-256 of its bytes."""
    return hashlib.sha256(content).hexdigest()[:_DOC_ID_CHARS]


def build_document(loaded: Loaded, content: bytes) -> Document:
    """Normalise a loaded file's blocks into one display text, keeping each block's span and origin.

    Args:
        loaded: what the loader read.
        content: the file's bytes (its hash is the document's id).

    Returns:
        The document; its ``text`` is the blocks' cleaned text joined by blank lines.
    """
    parts: list[str] = []
    sections: list[Section] = []
    pos = 0
    for block in loaded.blocks:
        text = clean(block.text)
        if not text:
            continue
        if parts:
            pos += 2  # the "\n\n" between blocks
        table = block.table
        if table is not None:
            # a row's sentence is written clean (ingest.tables); its cells' spans move with it
            if text != block.text:
                table = replace(table, cells=())
            table = replace(table, cells=tuple(replace(c, start=pos + c.start, end=pos + c.end) for c in table.cells))
        sections.append(Section(pos, pos + len(text), block.kind, block.origin, table))
        parts.append(text)
        pos += len(text)
    text = "\n\n".join(parts)
    digest = hashlib.sha256(content).hexdigest()
    filename = Path(loaded.path).name
    title = _full_title(clean(loaded.title or "") or _first_line(text) or filename, text)
    return Document(
        doc_id=digest[:_DOC_ID_CHARS],
        path=loaded.path,
        filename=filename,
        title=title[:200],
        format=loaded.format,
        text=text,
        sections=sections,
        content_sha256=digest,
        meta=extract_meta(text, title),
    )


# a title that only names the kind of document ("BÁO CÁO") is followed by what it is about
_DOCUMENT_KINDS = frozenset(
    {"báo cáo", "kế hoạch", "tờ trình", "quyết định", "nghị quyết", "thông báo", "chương trình", "đề án", "công văn"}
)


def _full_title(title: str, text: str) -> str:
    """The title, with the line after it when it only names the kind of document: "BÁO CÁO" /
    "Tình hình thực hiện nhiệm vụ Quý II năm 2025" -> "BÁO CÁO Tình hình thực hiện ..."."""
    if title.strip().lower() not in _DOCUMENT_KINDS:
        return title
    at = text.find(title)
    rest = text[at + len(title) :] if at >= 0 else ""
    following = next((line.strip() for line in rest.split("\n") if line.strip()), "")
    return f"{title} {following}" if following else title


def _first_line(text: str) -> str:
    line = text.split("\n", 1)[0].strip()
    return line if len(line) <= 200 else line[:197].rsplit(" ", 1)[0] + "…"


def chunk_document(doc: Document, *, window_sentences: int) -> list[Chunk]:
    """Split a document into sentence chunks, each carrying its heading, span and window.

    Args:
        doc: the normalised document.
        window_sentences: sentences of context on each side of a chunk.

    Returns:
        One chunk per sentence in document order; headings are chunks too. Each carries the
        lexical tokens of the document's title and its heading (``context``) and its ``role``.
    """
    spans: list[tuple[int, int, str, str, ChunkRole, TableRef | None]] = []
    heading = ""
    for section in doc.sections:
        body = doc.text[section.start : section.end]
        if section.kind == "heading":
            heading = body.replace("\n", " ")
            spans.append((section.start, section.end, heading, section.origin, "heading", None))
            continue
        if section.kind == "table_row":
            # a table row is one fact sentence, never split
            spans.append((section.start, section.end, heading, section.origin, "table", section.table))
            continue
        for start, end in segment.sentence_spans(body):
            sentence = body[start:end]
            if not _WORDLIKE.search(sentence):
                continue  # "/.", "---": nothing a question could be about
            role: ChunkRole = "question" if _ASKS.search(sentence) else "text"
            spans.append((section.start + start, section.start + end, heading, section.origin, role, None))
    contexts: dict[str, list[str]] = {}
    chunks = []
    for i, (start, end, under, origin, role, table) in enumerate(spans):
        lo = spans[max(0, i - window_sentences)][0]
        hi = spans[min(len(spans) - 1, i + window_sentences)][1]
        text = doc.text[start:end]
        if under not in contexts:
            # once per section: every sentence under a heading shares its context
            contexts[under] = list(dict.fromkeys(lexical_tokens(f"{doc.title}\n{under}")))
        chunks.append(
            Chunk(
                chunk_id=f"{doc.doc_id}:{i:05d}",
                doc_id=doc.doc_id,
                index=i,
                start=start,
                end=end,
                text=text,
                heading=under,
                window_start=lo,
                window_end=hi,
                tokens=lexical_tokens(text),
                origin=origin,
                context=contexts[under],
                role=role,
                table=table,
            )
        )
    return chunks


def lexical_tokens(text: str) -> list[str]:
    """Tokens for BM25: every syllable plus every multi-syllable underthesea word (``cho_thuê``).

    Indexing both makes a query match whether or not it is segmented the same way as the report.
    """
    compounds = [w for w in segment.words(text) if "_" in w]
    return segment.syllables(text) + compounds
