import unicodedata
from pathlib import Path

from ingest.chunk import build_document, chunk_document, document_id
from ingest.records import Block, Loaded
from tests.conftest import REPORT


def _doc(blocks: list[Block], content: bytes = b"x"):  # type: ignore[no-untyped-def]
    return build_document(Loaded(path="/tmp/r.txt", format="txt", blocks=blocks), content)


def test_spans_point_at_sentences_and_never_cut_one() -> None:
    text = REPORT.read_text(encoding="utf-8")
    doc = _doc([Block(p) for p in text.split("\n\n")], text.encode())
    chunks = chunk_document(doc, window_sentences=2)
    assert len(chunks) > 50
    for c in chunks:
        assert doc.text[c.start : c.end] == c.text
        assert c.window_start <= c.start < c.end <= c.window_end
        assert c.text.strip() == c.text
    # the sentences cover the paragraphs: no text is lost between them
    covered = "".join(c.text for c in chunks).replace(" ", "")
    assert covered == doc.text.replace(" ", "").replace("\n", "")
    target = next(c for c in chunks if "66,4 ha" in c.text)
    assert "cho thuê đất 22 tổ chức" in target.text
    assert target.text.startswith("Thực hiện thu hồi đất 06 trường hợp")


def test_headings_are_carried() -> None:
    doc = _doc(
        [
            Block("I. KẾT QUẢ", "heading"),
            Block("Câu một. Câu hai."),
            Block("II. NHIỆM VỤ", "heading"),
            Block("Câu ba."),
        ]
    )
    chunks = chunk_document(doc, window_sentences=1)
    by_text = {c.text: c for c in chunks}
    assert by_text["Câu hai."].heading == "I. KẾT QUẢ"
    assert by_text["Câu ba."].heading == "II. NHIỆM VỤ"
    assert by_text["Câu một."].window_start == by_text["I. KẾT QUẢ"].start


def test_ids_are_stable_and_content_derived() -> None:
    a = _doc([Block("Câu một.")], b"same")
    b = _doc([Block("Câu một.")], b"same")
    assert a.doc_id == b.doc_id == document_id(b"same")
    assert [c.chunk_id for c in chunk_document(a, window_sentences=2)] == [f"{a.doc_id}:00000"]


def test_nfd_input_gives_nfc_text() -> None:
    doc = _doc([Block(unicodedata.normalize("NFD", "Cho thuê đất 22 tổ chức."))])
    assert doc.text == "Cho thuê đất 22 tổ chức."


def test_metadata_extracted_from_text(tmp_path: Path) -> None:
    text = REPORT.read_text(encoding="utf-8")
    doc = _doc([Block(text)], text.encode())
    assert doc.meta["period"] == "9 tháng đầu năm 2021"
    assert doc.meta["issuer"].startswith("Sở Tài nguyên và Môi trường")


def test_chunks_carry_their_title_and_heading_tokens_and_role() -> None:
    doc = _doc(
        [
            Block("Cầu Thạch Luyện", "heading"),
            Block("Tổng mức đầu tư bao nhiêu?"),
            Block("Quy mô", "heading"),
            Block("Tổng mức đầu tư không quá 109,6 tỷ đồng. Cầu rộng 17 m **?**"),
        ]
    )
    assert doc.title == "Cầu Thạch Luyện"
    by_text = {c.text: c for c in chunk_document(doc, window_sentences=1)}
    assert [c.role for c in by_text.values()] == ["heading", "question", "heading", "text", "question"]
    fact = by_text["Tổng mức đầu tư không quá 109,6 tỷ đồng."]
    # the title's and the heading's tokens, each once, in the lexical index's form
    assert {"cầu", "thạch", "luyện", "quy", "mô", "quy_mô"} <= set(fact.context)
    assert len(fact.context) == len(set(fact.context))
    under_title = by_text["Tổng mức đầu tư bao nhiêu?"].context
    assert {"cầu", "thạch", "luyện"} <= set(under_title) and "quy" not in under_title
