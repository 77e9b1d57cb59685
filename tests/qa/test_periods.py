"""Many reports over time: periods read in their Vietnamese and English spellings, a question's
period answered only from that period's figures, the latest period when none is named, comparisons
and series, over the fictional department's reports of 2024-2025 (``tests/data/periods``)."""

from __future__ import annotations

import json

import pytest

from baocao.settings import Settings
from eval import runner
from ingest import Index
from ingest.periods import Period, document_period, find_periods, parse_period
from qa import Engine
from qa.periods import figure_period, read_question
from tests.conftest import PERIODS


@pytest.mark.parametrize(
    ("text", "code", "label"),
    [
        ("Báo cáo tình hình thực hiện nhiệm vụ quý II năm 2025", "2025-Q2", "Quý II/2025"),
        ("trong quý II/2025", "2025-Q2", "Quý II/2025"),
        ("Quý 2 năm 2025", "2025-Q2", "Quý II/2025"),
        ("quy 2 nam 2025", "2025-Q2", "Quý II/2025"),
        ("Q2 2025", "2025-Q2", "Quý II/2025"),
        ("the second quarter of 2025", "2025-Q2", "Quý II/2025"),
        ("6 tháng đầu năm 2025", "2025-H1", "6 tháng đầu năm 2025"),
        ("first half of 2025", "2025-H1", "6 tháng đầu năm 2025"),
        ("9 tháng năm 2024", "2024-9M", "9 tháng đầu năm 2024"),
        ("lũy kế đến 30/9/2025", "2025-9M", "9 tháng đầu năm 2025"),
        ("tháng 10/2025", "2025-M10", "Tháng 10/2025"),
        ("Tháng 10 năm 2025", "2025-M10", "Tháng 10/2025"),
        ("năm 2024", "2024", "Năm 2024"),
        ("giai đoạn 2021-2025", "2021-2025", "Giai đoạn 2021-2025"),
        ("6 tháng cuối năm 2024", "2024-H2", "6 tháng cuối năm 2024"),
    ],
)
def test_a_period_in_its_spellings(text: str, code: str, label: str) -> None:
    period = parse_period(text)
    assert period is not None and period.code == code and period.label == label


def test_a_date_is_no_period_and_a_comparison_is_marked() -> None:
    assert find_periods("Bình Sơn, ngày 08 tháng 7 năm 2025") == []
    mentions = find_periods("Trong quý 2 năm 2025 cấp 1.575 giấy, tăng 19,3% so với quý I/2025")
    assert [(m.period.code, m.compared) for m in mentions] == [("2025-Q2", False), ("2025-Q1", True)]


def test_the_end_of_the_reports_last_month_is_the_reports_period() -> None:
    q2 = parse_period("quý II/2025")
    # a rate "đến cuối tháng 6/2025" in the report of quý II/2025 is the state at its end
    (as_of,) = find_periods("Đến cuối tháng 6/2025, tỷ lệ thu gom đạt 93,1%", within=q2)
    assert as_of.period == q2
    # the month's own figure, and the end of a month inside the report, stay months
    assert [m.period.code for m in find_periods("Trong tháng 6/2025, cấp 120 giấy", within=q2)] == ["2025-M06"]
    assert [m.period.code for m in find_periods("đến cuối tháng 5/2025 đạt 92%", within=q2)] == ["2025-M05"]


def test_periods_order_and_shift() -> None:
    q2 = Period.of(2025, 4, 2025, 6)
    assert q2.shifted(lengths=-1).code == "2025-Q1" and q2.shifted(years=-1).code == "2024-Q2"
    assert sorted([Period.of(2025, 1, 2025, 9), q2, Period.of(2025, 7, 2025, 9)])[0] == q2
    assert Period.of(2025, 1, 2025, 9).covers(Period.of(2025, 7, 2025, 9))


def test_a_report_period_from_its_title_else_its_opening() -> None:
    assert document_period("BÁO CÁO Tổng kết công tác năm 2024 và phương hướng năm 2025", "").code == "2024"
    head = "Hội nghị sơ kết 9 tháng đầu năm và triển khai nhiệm vụ quý IV năm 2021. Trong 9 tháng đầu năm 2021 ..."
    assert document_period("Hội nghị sơ kết 9 tháng đầu năm", head).code == "2021-9M"


def test_a_figure_takes_the_period_its_sentence_names() -> None:
    report = Period.of(2025, 1, 2025, 9)
    sentence = "Lũy kế 9 tháng, cho thuê đất 40 tổ chức; riêng trong quý III/2025, cho thuê đất 12 tổ chức."
    assert figure_period(sentence, sentence.index("40"), sentence.index("40") + 2, "", report) == report
    at = sentence.index("12 tổ")
    assert figure_period(sentence, at, at + 2, "", report).code == "2025-Q3"
    listed = "tăng từ 88,5% năm 2021 lên 89,7% năm 2022"
    at = listed.index("89,7%")
    assert figure_period(listed, at, at + 5, "", report).code == "2022"


def test_a_question_is_read_for_its_period_comparison_and_series() -> None:
    asked = read_question("Quý 2 năm 2025 cho thuê đất bao nhiêu ha?")
    assert asked.period.code == "2025-Q2" and asked.rest == "cho thuê đất bao nhiêu ha?" and not asked.compares
    asked = read_question("Thu tiền sử dụng đất 6 tháng đầu năm 2025 so với cùng kỳ năm 2024 thì sao?")
    assert asked.versus.code == "2024-H1" and asked.same_period
    asked = read_question("Diện tích cho thuê đất qua các quý năm 2025")
    assert asked.series and asked.series_kind == "quarter" and asked.period.code == "2025"
    # every series phrase counts: "xu hướng" asks for a series, "qua từng năm" for its kind
    asked = read_question("Xu hướng số cuộc thanh tra, kiểm tra qua từng năm giai đoạn 2021-2025")
    assert asked.series and asked.series_kind == "year" and asked.period.code == "2021-2025"
    assert "từng năm" not in asked.rest
    # a bare span of years is a period; a document's number is not
    asked = read_question("Number of first-time land certificates issued per year, 2021-2025")
    assert asked.series_kind == "year" and asked.period.code == "2021-2025"
    assert find_periods("Quyết định số 12/2021-2025") == []


@pytest.fixture(scope="module")
def engine(periods_settings: Settings, cached_embedder) -> Engine:  # type: ignore[no-untyped-def]
    return Engine(Index.open(periods_settings, embedder=cached_embedder), periods_settings)


def test_docs_carry_their_periods(engine: Engine) -> None:
    periods = sorted(r.period for r in engine.index.manifest().values())
    assert "Quý II/2025" in periods and "Giai đoạn 2021-2025" in periods and "Tháng 10/2025" in periods


def test_the_asked_quarter_is_answered_from_its_own_figures(engine: Engine) -> None:
    answer = engine.ask("Quý 2 năm 2025 cho thuê đất bao nhiêu ha?")
    assert answer.answer == "36,05 ha" and answer.period == "Quý II/2025"
    assert answer.shown() == "Quý II/2025: 36,05 ha"
    assert answer.citations[0].filename == "bao-cao-quy-2-2025.md"


def test_a_figure_of_its_own_period_beside_another_periods_answers_in_the_short_noun(engine: Engine) -> None:
    # "Năm 2024 toàn tỉnh cấp 5.210 giấy chứng nhận ...; riêng trong quý IV/2024 cấp được 1.290 giấy"
    answer = engine.ask("Quý IV/2024 cấp được bao nhiêu giấy chứng nhận quyền sử dụng đất lần đầu?")
    assert answer.answer == "1.290 giấy" and answer.value == 1290 and answer.period == "Quý IV/2024"
    assert answer.unit == "giấy chứng nhận"
    # the short noun counts only the noun the sentence said in full: not another "giấy ..."
    other = engine.ask("Quý IV/2024 cấp được bao nhiêu giấy phép môi trường?")
    assert other.answer != "1.290 giấy"


def test_the_reports_words_an_english_question_quotes_must_be_in_the_evidence(engine: Engine) -> None:
    # quý III/2025 states only land leased ("cho thuê đất ... 35,40 ha"), not land allocated
    answer = engine.ask("How many hectares of land were allocated (giao đất) in Q3 2025?")
    assert answer.abstained and answer.answer is None


def test_a_missing_quarter_abstains_and_names_the_covered_periods(engine: Engine) -> None:
    answer = engine.ask("Quý III/2024 cho thuê đất bao nhiêu ha?")
    assert answer.abstained and answer.period == "Quý III/2024"
    assert "Quý I/2024" in answer.periods_covered and "Quý III/2024" not in answer.periods_covered
    assert "Quý III/2024" in answer.notice


def test_without_a_period_the_latest_figure_is_given_with_its_period(engine: Engine) -> None:
    answer = engine.ask("Cho thuê đất bao nhiêu ha?")
    assert answer.period == "Năm 2025" and answer.period_shown and answer.shown().startswith("Năm 2025: ")
    assert {c.filename for c in answer.related} - {"bao-cao-nam-2025.md"}


def test_a_comparison_gives_both_figures_and_the_change(engine: Engine) -> None:
    answer = engine.ask("Thu tiền sử dụng đất quý II/2025 so với quý I/2025 tăng hay giảm?")
    c = answer.comparison
    assert c is not None and (c.earlier.code, c.later.code) == ("2025-Q1", "2025-Q2")
    assert (c.earlier.answer, c.later.answer) == ("97,2 tỷ đồng", "125,6 tỷ đồng")
    assert c.difference_text == "28,4 tỷ đồng" and round(c.percent_change, 1) == 29.2
    assert "tăng 28,4 tỷ đồng" in answer.shown()


def test_a_stated_change_that_disagrees_is_shown_beside_the_computed_one(engine: Engine) -> None:
    # the 2025 report says "tăng 15,2% so với năm 2024"; 2.145,3 ha -> 2.310,5 ha is +7,7%
    answer = engine.ask("Diện tích đo đạc bản đồ địa chính năm 2025 tăng bao nhiêu so với năm 2024?")
    c = answer.comparison
    assert c is not None and round(c.percent_change, 1) == 7.7
    assert c.agrees is False and "15,2%" in c.stated_text


def test_a_series_lists_every_quarter_in_order(engine: Engine) -> None:
    answer = engine.ask("Diện tích cho thuê đất qua các quý năm 2025")
    assert [(p.code, p.answer) for p in answer.series or []] == [
        ("2025-Q1", "31,20 ha"), ("2025-Q2", "36,05 ha"), ("2025-Q3", "35,40 ha")
    ]  # fmt: skip
    assert answer.as_json()["series"][2]["citation"]["filename"] == "bao-cao-9-thang-2025.md"


def test_a_claim_is_checked_against_its_own_period(engine: Engine) -> None:
    [verdict] = engine.check_claim("Quý I/2025, Sở đã tham mưu cho thuê đất 36,05 ha.", claim_id="1")
    assert verdict.verdict == "refuted" and verdict.reported == "31,20 ha"  # 36,05 ha is quý II's
    # the claim's months in other words than the report's ("Chín tháng đầu năm" for "9 tháng năm")
    [verdict] = engine.check_claim("Chín tháng đầu năm 2024, Sở đã cấp 25 giấy phép môi trường.", claim_id="2")
    assert verdict.verdict == "refuted" and verdict.reported == "21 giấy phép"
    # 412,7 tỷ đồng is 2024's: another period's figure never confirms a claim of 2023
    [verdict] = engine.check_claim("Năm 2023, thu tiền sử dụng đất của tỉnh đạt 412,7 tỷ đồng.", claim_id="3")
    assert verdict.verdict != "supported"


def test_a_claim_of_change_is_checked_against_the_two_periods(engine: Engine) -> None:
    verdicts = engine.check_claim("Thu tiền sử dụng đất quý II/2025 tăng 29% so với quý I/2025.", claim_id="1")
    assert [v.verdict for v in verdicts if v.claimed == "29%"] == ["supported"]  # 97,2 -> 125,6: +29,2%
    verdicts = engine.check_claim("Diện tích đo đạc bản đồ địa chính năm 2025 tăng 15,2% so với năm 2024.", claim_id="2")
    refuted = [v for v in verdicts if v.claimed == "15,2%"]
    assert refuted and refuted[0].verdict == "refuted" and "+7,7%" in (refuted[0].reported or "")
    assert {c.filename for c in refuted[0].citations} == {"bao-cao-nam-2025.md", "bao-cao-nam-2024.md"}


# measured on the dev split (heuristic ranker): accuracy 0.797 and wrong period 0.017 (one question
# of 59) when the period answers were built; 0.915 and 0.0 once a shortened counted noun, a
# clause of its own period, "đến cuối tháng", every series phrase and bare year spans were read.
# The issue's target is 0.90 and no wrong period; the guard leaves two questions' room
DEV_ACCURACY, DEV_WRONG_PERIOD = 0.88, 0.0


def test_the_period_gold_dev_split(engine: Engine) -> None:
    gold = [g for g in runner.read_jsonl(PERIODS / "qa.jsonl") if g["split"] == "dev"]
    run = runner.run_periods(engine, gold, "hybrid")
    print(json.dumps({k: round(v, 3) for k, v in run.metrics.items()}))
    assert run.metrics["accuracy"] >= DEV_ACCURACY
    assert run.metrics["wrong_period_rate"] <= DEV_WRONG_PERIOD
