"""The lexical index on rows written here: the title-and-heading field, the document field, the
chunk flags, and putting diacritics back on a question typed without them."""

from __future__ import annotations

import unicodedata

import numpy as np
import pytest

from ingest.chunk import lexical_tokens
from ingest.lexical import LexicalIndex, LexicalRow


def _row(cid: str, doc: str, text: str, context: str = "", role: str = "text") -> LexicalRow:
    return LexicalRow(cid, doc, lexical_tokens(text), list(dict.fromkeys(lexical_tokens(context))), role)


BRIDGES = LexicalIndex(
    [
        _row("a:0", "a", "Thông tin cầu Thạch Luyện", "Thông tin cầu Thạch Luyện", "heading"),
        _row("a:1", "a", "Tổng mức đầu tư dự án không quá 109,6 tỷ đồng.", "Thông tin cầu Thạch Luyện"),
        _row("b:0", "b", "Tổng mức đầu tư dự án cầu Hàm Rồng là 300 tỷ đồng.", "Dự án cầu Hàm Rồng"),
        _row("b:1", "b", "Cầu Hàm Rồng bị phạt vì chậm tiến độ thì sao?", "Dự án cầu Hàm Rồng", "question"),
        _row("c:0", "c", "Phát triển kinh tế ven biển.", "Đường ven biển"),
        _row("c:1", "c", "Phát triển hạ tầng và phát hiện vi phạm.", "Đường ven biển"),
    ]
)


def _score(index: LexicalIndex, question: str, cid: str, **kw: float) -> float:
    return float(index.scores(lexical_tokens(question), **kw)[index.position[cid]])


def test_a_term_in_the_title_counts_for_the_sentence_under_it() -> None:
    question = "Tổng mức đầu tư cầu Thạch Luyện"
    # the sentence alone: the other bridge's sentence, which names "cầu", wins
    assert _score(BRIDGES, question, "b:0") > _score(BRIDGES, question, "a:1")
    # with its title, the sentence under "cầu Thạch Luyện" wins
    assert _score(BRIDGES, question, "a:1", context_weight=0.5) > _score(
        BRIDGES, question, "b:0", context_weight=0.5
    )
    hits = BRIDGES.search(lexical_tokens(question), 2, context_weight=0.5)
    assert [cid for cid, _ in hits][:1] == ["a:1"]


def test_a_term_counts_once_from_the_field_that_gives_more() -> None:
    # "cầu" is in the heading chunk's own tokens and in its context: counted once, as the stronger
    alone = _score(BRIDGES, "cầu", "a:0")
    with_context = _score(BRIDGES, "cầu", "a:0", context_weight=0.5)
    assert with_context == pytest.approx(max(alone, 0.5 * _lucene_idf(6, 3)), rel=1e-5)


def _lucene_idf(n: int, df: int) -> float:
    return float(np.log(1 + (n - df + 0.5) / (df + 0.5)))


def test_context_matches_without_diacritics_too() -> None:
    assert _score(
        BRIDGES, "tong muc dau tu cau thach luyen", "a:1", folded=True, context_weight=0.5
    ) > _score(BRIDGES, "tong muc dau tu cau thach luyen", "b:0", folded=True, context_weight=0.5)


def test_documents_are_scored_on_their_whole_text_and_title() -> None:
    scores = BRIDGES.document_scores(lexical_tokens("Thạch Luyện"))
    assert BRIDGES.documents[int(np.argmax(scores))] == "a"
    assert list(BRIDGES.doc_index) == [BRIDGES.documents.index(d) for d in "aabbcc"]


def test_chunk_flags() -> None:
    assert list(BRIDGES.is_heading) == [True, False, False, False, False, False]
    assert list(BRIDGES.is_question) == [False, False, False, True, False, False]
    assert list(BRIDGES.has_number) == [False, True, True, False, False, False]
    assert list(BRIDGES.doc_mask({"b"})) == [False, False, True, True, False, False]


@pytest.mark.parametrize(
    ("bare", "restored"),
    [
        # a pair the reports hold beats the more frequent syllable: "phát" is seen more than "phạt"
        ("cau Ham Rong bi phat", "cầu Hàm Rồng bị phạt"),
        ("phat trien kinh te", "phát triển kinh tế"),
        # case, punctuation, numbers and words already spelled are kept; unknown words too
        (
            "Tong muc dau tu 109,6 ty dong, cầu Thach Luyen?",
            "Tổng mức đầu tư 109,6 tỷ đồng, cầu Thạch Luyện?",
        ),
        ("TONG MUC xyz", "TỔNG MỨC xyz"),
    ],
    ids=["pair", "frequent", "mixed", "upper"],
)
def test_diacritics_are_put_back(bare: str, restored: str) -> None:
    assert BRIDGES.restore_diacritics(bare) == restored


def test_restored_text_is_nfc() -> None:
    out = BRIDGES.restore_diacritics("Thach Luyen")
    assert out == unicodedata.normalize("NFC", out) == "Thạch Luyện"


def test_empty_index() -> None:
    empty = LexicalIndex([])
    assert len(empty) == 0
    assert empty.search(["cầu"], 5, context_weight=0.5) == []
    assert empty.document_scores(["cầu"]).shape == (0,)
    assert empty.restore_diacritics("cau") == "cau"
