"""HTML rendering: the cited words marked where they are, and no text ever taken as markup."""

from __future__ import annotations

import pytest

from ingest import DocRecord
from qa import Answer, Citation
from qa.factcheck import Verdict
from ui import render
from ui.library import FileResult

EVIL = "<script>alert('x')</script><img src=x onerror=alert(1)>"
TEXT = "Mở đầu báo cáo. Cho thuê đất 22 tổ chức với diện tích 66,4 ha. Kết thúc."
SENTENCE = "Cho thuê đất 22 tổ chức với diện tích 66,4 ha."
S0 = TEXT.index(SENTENCE)
A0 = TEXT.index("66,4 ha")


def _citation(**changes: object) -> Citation:
    fields: dict[str, object] = dict(
        doc="445385118bd22dfd", title="Báo cáo sơ kết", filename="bao-cao.txt", sentence=1,
        start=S0, end=S0 + len(SENTENCE), quote=SENTENCE, answer_start=A0, answer_end=A0 + 7,
        context=TEXT, context_start=0, score=0.839,
    )  # fmt: skip
    fields.update(changes)
    return Citation(**fields)  # type: ignore[arg-type]


def _answer(**changes: object) -> Answer:
    fields: dict[str, object] = dict(
        question="Cho thuê đất bao nhiêu ha?", answer="66,4 ha", value=66.4, unit="ha", kind="quantity",
        abstained=False, confidence=0.839, citations=[_citation()], interpreted_as="Cho thuê đất bao nhiêu ha?",
    )  # fmt: skip
    fields.update(changes)
    return Answer(**fields)  # type: ignore[arg-type]


def test_an_answer_shows_the_figure_then_the_sentence_marked_in_its_context() -> None:
    html = render.answer_html(_answer())
    assert html.index("<div class='bc-figure'>66,4 ha</div>") < html.index("bc-cite")
    assert (
        "Mở đầu báo cáo. <mark class='bc-hl'>Cho thuê đất 22 tổ chức với diện tích <strong>66,4 ha</strong>.</mark>"
        " Kết thúc." in html
    )
    assert "Độ tin cậy <b>84%</b>" in html and "Báo cáo sơ kết" in html
    assert f"href='doc/445385118bd22dfd?start={S0}&amp;end={S0 + len(SENTENCE)}#bc-hl'" in html
    assert "Hiểu câu hỏi là" not in html


def test_a_follow_up_shows_how_it_was_understood() -> None:
    html = render.answer_html(
        _answer(question="Còn giao đất thì sao?", interpreted_as="Giao đất bao nhiêu ha?")
    )
    assert "Hiểu câu hỏi là: “Giao đất bao nhiêu ha?”" in html


def test_a_verified_draft_is_shown_with_numbered_sources() -> None:
    html = render.answer_html(_answer(text="Cho thuê 66,4 ha [1].", generated=True))
    assert "<div class='bc-generated'>Cho thuê 66,4 ha [1].</div>" in html
    assert html.index("bc-generated") < html.index("[1]</div>") < html.index("bc-cite'")
    assert "bc-figure" not in html


def test_a_refused_draft_shows_the_notice_and_the_extractive_answer() -> None:
    html = render.answer_html(_answer(notice=f"không kiểm chứng được {EVIL}", text=""))
    assert html.index("bc-notice") < html.index("<div class='bc-figure'>66,4 ha</div>")
    assert "<script>" not in html and "bc-generated" not in html


def test_an_abstention_says_not_found_and_shows_related_passages() -> None:
    html = render.answer_html(
        _answer(answer=None, value=None, abstained=True, citations=[], related=[_citation(answer_start=-1)])
    )
    assert "Không tìm thấy trong các báo cáo" in html and "Có thể liên quan" in html
    assert "Mức liên quan 84%" in html and "bc-figure" not in html
    assert "Mở đầu báo cáo" not in html, "a related passage is its sentence alone"
    assert f"<div class='bc-context'>{SENTENCE}</div>" in html, "and not marked as evidence"


def test_an_abstention_shows_at_most_three_passages_and_no_zero_score() -> None:
    html = render.answer_html(
        _answer(answer=None, abstained=True, citations=[], related=[_citation(score=0.0)] * 5)
    )
    assert html.count("class='bc-cite bc-related'") == 3 and "0%" not in html


def test_a_long_context_is_trimmed_around_the_sentence() -> None:
    before, after = "Trước. " * 200, " Sau." * 200
    text = before + SENTENCE + after
    c = _citation(
        context=text, context_start=0, start=len(before), end=len(before) + len(SENTENCE), answer_start=-1
    )
    shown = render.citation_card(c)
    assert f"<mark class='bc-hl'>{SENTENCE}</mark>" in shown
    assert shown.count("Trước.") < 60 and shown.count("Sau.") < 60 and shown.count("…") == 2


def test_offsets_outside_the_context_fall_back_to_the_quote() -> None:
    shown = render.citation_card(_citation(context="khác hẳn", context_start=5000))
    assert (
        "<mark class='bc-hl'>Cho thuê đất 22 tổ chức với diện tích <strong>66,4 ha</strong>.</mark>" in shown
    )


def test_every_text_is_escaped() -> None:
    hostile = _citation(
        title=EVIL, filename=EVIL, quote=EVIL, context=EVIL, start=0, end=len(EVIL), doc="a'b"
    )
    pieces = [
        render.answer_html(_answer(answer=EVIL, interpreted_as=EVIL, citations=[hostile])),
        render.answer_html(_answer(answer=None, abstained=True, related=[hostile])),
        render.speech_html(
            EVIL, [_verdict(claim=EVIL, claimed=EVIL, explanation=EVIL, start=0, end=len(EVIL))]
        ),
        render.verdicts_table(
            [_verdict(claim=EVIL, claimed=EVIL, reported=EVIL, explanation=EVIL, citations=[hostile])]
        ),
        render.documents_table([_record(title=EVIL, period=EVIL, issuer=EVIL, filename=EVIL)]),
        render.ingest_table([FileResult(EVIL, "failed", EVIL)]),
        render.document_page(_record(title=EVIL), EVIL, 0, 8),
    ]
    for html in pieces:
        assert "<script>" not in html and "<img" not in html and "onerror=alert(1)>" not in html
        assert "&lt;script&gt;" in html
    assert "doc/a%27b?" in pieces[0]


def test_a_question_is_shown_literally_in_the_chat() -> None:
    assert render.question_text("**đất** <b>ha</b> _x_") == r"\*\*đất\*\* &lt;b&gt;ha&lt;/b&gt; \_x\_"


def _verdict(**changes: object) -> Verdict:
    claim = "Tỷ lệ thu gom đạt 99%."
    fields: dict[str, object] = dict(
        id="1.1", claim=claim, start=10, end=10 + len(claim), verdict="refuted", claimed="99%", reported="98,42%",
        explanation="Sai: báo cáo ghi 98,42%, phát biểu ghi 99%.", citations=[],
        figure_start=10 + claim.index("99%"), figure_end=10 + claim.index("99%") + 3,
    )  # fmt: skip
    fields.update(changes)
    return Verdict(**fields)  # type: ignore[arg-type]


def _record(**changes: object) -> DocRecord:
    fields: dict[str, object] = dict(
        doc_id="445385118bd22dfd", path="/srv/x.txt", filename="bao-cao.txt", title="Báo cáo sơ kết", format="txt",
        sha256="44", chunks=86, period="9 tháng đầu năm 2021", issuer="Sở TN&MT", added_at="2021-10-09T08:30:00+00:00",
    )  # fmt: skip
    fields.update(changes)
    return DocRecord(**fields)  # type: ignore[arg-type]


def test_a_speech_marks_each_figure_in_its_verdict_colour() -> None:
    speech = "Mở đầu. " + "Tỷ lệ thu gom đạt 99%." + " Diện tích 66,4 ha."
    refuted = _verdict(start=8, end=30, figure_start=speech.index("99%"), figure_end=speech.index("99%") + 3)
    supported = _verdict(
        id="2.1",
        verdict="supported",
        claimed="66,4 ha",
        figure_start=speech.index("66,4"),
        figure_end=len(speech) - 1,
    )
    html = render.speech_html(speech, [supported, refuted])
    assert (
        "<span class='bc-fig bc-refuted' title='Sai: Sai: báo cáo ghi 98,42%, phát biểu ghi 99%.'>99%<sup>1</sup></span>"
        in html
    )
    assert "<span class='bc-fig bc-supported'" in html and ">66,4 ha<sup>2</sup></span>." in html
    assert html.startswith("<div class='bc-speech'>Mở đầu. Tỷ lệ thu gom đạt ")


def test_the_verdict_table_has_the_claim_the_verdict_both_figures_and_the_source() -> None:
    verdict = _verdict(start=0, end=22, figure_start=18, figure_end=21, citations=[_citation()])
    html = render.verdicts_table([verdict])
    heads = ["Nội dung phát biểu", "Kết luận", "Số liệu phát biểu", "Số liệu báo cáo", "Nguồn"]
    assert all(f"<th>{h}</th>" in html for h in heads)
    assert "Tỷ lệ thu gom đạt <span class='bc-fig bc-refuted'>99%</span>." in html
    assert "<span class='bc-badge bc-refuted'>Sai</span>" in html and ">98,42%</td>" in html
    assert "Báo cáo sơ kết" in html and "Xem toàn văn" in html


def test_summary_counts_each_verdict() -> None:
    html = render.verdict_summary([_verdict(), _verdict(verdict="supported"), _verdict(verdict="not_found")])
    assert (
        "<b>3</b> số liệu" in html
        and "1 đúng" in html
        and "1 sai" in html
        and "1 không có trong báo cáo" in html
    )
    assert "Không thấy số liệu nào" in render.verdict_summary([])


def test_the_document_page_marks_the_sentence_to_scroll_to() -> None:
    html = render.document_page(_record(), TEXT, S0, S0 + len(SENTENCE))
    assert f"<mark id='bc-hl'>{SENTENCE}</mark>" in html and "scroll-margin-top" in html
    assert "9 tháng đầu năm 2021" in html and "Sở TN&amp;MT" in html
    assert "<mark" not in render.document_page(_record(), TEXT, 10, 5000).split("</style>")[1]


@pytest.mark.parametrize(
    ("value", "shown"), [(0.839, "84%"), (1.0, "100%"), (0.0, "0%"), (1.7, "100%"), (-0.2, "0%")]
)
def test_percent(value: float, shown: str) -> None:
    assert render.percent(value) == shown


def test_format_date() -> None:
    assert render.format_date("2021-10-09T08:30:00") == "09/10/2021 08:30"
    assert render.format_date("không phải ngày") == "không phải ngày"


def test_a_table_citation_is_shown_as_its_row_with_the_cell_marked() -> None:
    row = "Cho thuê đất, Số tổ chức 11; Cho thuê đất, Diện tích 42,75 ha."
    cells = [{"col": 1, "header": "Số tổ chức", "text": "11"}, {"col": 2, "header": "Diện tích", "text": "42,75 ha"}]
    cited = _citation(
        quote=row, context=row, start=0, end=len(row), context_start=0, answer_start=row.index("42,75"),
        answer_end=row.index("42,75") + 8, table=0, row=3, col=2, cells=cells, row_label="Cho thuê đất",
        origin="bảng 1, dòng 4",
    )  # fmt: skip
    html = render.answer_html(_answer(answer="42,75 ha", citations=[cited]))
    assert "<table class='bc-table'><tr><th></th><th>Số tổ chức</th><th>Diện tích</th></tr>" in html
    assert "<th>Cho thuê đất</th><td>11</td><td class='bc-cell-hl'><strong>42,75 ha</strong></td>" in html
    assert "Bảng 1, dòng 4" in html and "bảng 1, dòng 4" in html
