"""Eval metrics on small hand-made cases whose right score is worked out by hand."""

from __future__ import annotations

import math
import re
import string
import unicodedata

import pytest

from eval.metrics import (
    abstention_scores,
    citation_correct,
    exact_match,
    hit_at_k,
    mean,
    normalize_answer,
    numbers_in,
    numeric_match,
    percentiles,
    reciprocal_rank,
    token_f1,
    verdict_scores,
)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def squad_normalize(text: str) -> str:
    """SQuAD v1.1's ``normalize_answer``: lowercase, drop punctuation and articles, collapse spaces."""
    text = "".join(ch for ch in text.lower() if ch not in set(string.punctuation))
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


# ---------------------------------------------------------------------------------------------- answers


@pytest.mark.parametrize(
    ("text", "lang", "tokens"),
    [
        ("Diện tích 66,4 ha.", "vi", ["diện", "tích", "66.4", "ha"]),
        ("66.4 ha", "vi", ["66.4", "ha"]),  # dot and one digit: a decimal typed the English way
        ("1.109.521.000 đồng", "vi", ["1109521000", "đồng"]),
        ("06 trường hợp", "vi", ["6", "trường", "hợp"]),
        ("1.234,5", "vi", ["1234.5"]),
        ("12.345", "vi", ["12345"]),
        ("98,42%", "vi", ["98.42"]),
        ("9/10/2021", "vi", ["9", "10", "2021"]),
        ("35ha", "vi", ["35", "ha"]),
        (nfd("Uỷ ban Nhân dân"), "vi", ["ủy", "ban", "nhân", "dân"]),
        ("1,234.5 hectares", "en", ["1234.5", "hectares"]),
        ("The 12,345 organizations", "en", ["12345", "organizations"]),
        ("the a an", "vi", ["the", "a", "an"]),  # Vietnamese keeps every word
        ("1.2.3", "vi", ["1.2.3"]),  # no convention reads it: kept as written
        ("", "vi", []),
    ],
    ids=[
        "decimal-comma",
        "decimal-dot",
        "thousands-dots",
        "zero-padded",
        "both-marks",
        "thousands-dot",
        "percent",
        "date",
        "glued-unit",
        "nfd-old-tone",
        "en-both-marks",
        "en-article-thousands-comma",
        "vi-keeps-articles",
        "unreadable-number",
        "empty",
    ],
)
def test_normalize_answer(text: str, lang: str, tokens: list[str]) -> None:
    assert normalize_answer(text, lang=lang) == tokens


def test_squad_normaliser_confuses_numbers_that_ours_keeps_apart() -> None:
    # SQuAD strips punctuation, so 1234.5 and 12345 become the same string "12345"
    assert squad_normalize("1.234,5") == squad_normalize("12.345") == "12345"
    assert exact_match("1.234,5", "12.345") == 0.0


@pytest.mark.parametrize(
    ("prediction", "gold", "lang", "score"),
    [
        ("66,4 ha", "66.4 ha", "vi", 1.0),
        ("1.109.521.000 đồng", "1109521000 đồng", "vi", 1.0),
        ("06 trường hợp", "6 trường hợp", "vi", 1.0),
        ("1.234,5", "12.345", "vi", 0.0),
        ("66,4 ha", "66,5 ha", "vi", 0.0),
        (nfd("Sở Tài nguyên và Môi trường."), "sở tài nguyên và môi trường", "vi", 1.0),
        ("hoà bình", "hòa bình", "vi", 1.0),
        ("10 cuộc", ["mười cuộc", "10 cuộc thanh tra", "10 cuộc"], "vi", 1.0),
        ("10 cuộc", ["mười cuộc", "10 cuộc thanh tra"], "vi", 0.0),
        ("the 1,234.5 hectares", "1234.5 hectares", "en", 1.0),
        (None, "66,4 ha", "vi", 0.0),
    ],
    ids=[
        "decimal-comma-vs-dot",
        "thousands-dots",
        "zero-padded",
        "1234.5-is-not-12345",
        "different-value",
        "nfd-case-punctuation",
        "old-new-tone",
        "several-golds-one-matches",
        "several-golds-none-matches",
        "english",
        "abstained",
    ],
)
def test_exact_match(prediction: str | None, gold: str | list[str], lang: str, score: float) -> None:
    assert exact_match(prediction, gold, lang=lang) == score


@pytest.mark.parametrize(
    ("prediction", "gold", "score"),
    [
        ("cho thuê đất 66,4 ha", "66,4 ha", 2 * (2 / 5 * 1) / (2 / 5 + 1)),
        ("66.4 ha", "66,4 ha", 1.0),
        ("diện tích 66,4", ["66,4 ha", "diện tích 294,8 ha"], 2 * (2 / 3 * 2 / 4) / (2 / 3 + 2 / 4)),
        ("12.345 ha", "1.234,5 ha", 2 * (1 / 2 * 1 / 2) / (1 / 2 + 1 / 2)),
        ("22 tổ chức", "66,4 ha", 0.0),
        ("...", "66,4 ha", 0.0),
        ("", "", 1.0),
        (None, "66,4 ha", 0.0),
    ],
    ids=[
        "extra-words",
        "number-forms",
        "best-of-golds",
        "different-numbers-share-only-unit",
        "disjoint",
        "punctuation-only",
        "both-empty",
        "abstained",
    ],
)
def test_token_f1(prediction: str | None, gold: str | list[str], score: float) -> None:
    assert token_f1(prediction, gold) == pytest.approx(score)


@pytest.mark.parametrize("metric", [exact_match, token_f1], ids=["em", "f1"])
def test_answer_metrics_need_a_gold(metric) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="no gold answer"):
        metric("66,4 ha", [])


# ---------------------------------------------------------------------------------------------- figures


@pytest.mark.parametrize(
    ("pred_value", "pred_unit", "gold_value", "gold_unit", "matches"),
    [
        (66.4, "ha", 66.4, "ha", True),
        (98.4, "%", 98.42, "%", True),  # 0.02% off
        (66.4 * 1.004, "ha", 66.4, "ha", True),
        (66.4 * 1.006, "ha", 66.4, "ha", False),
        (66.0, "ha", 66.4, "ha", False),  # 0.6% off
        (66.4, "m2", 66.4, "ha", False),
        (66.4, None, 66.4, "ha", False),
        (66.4, "m2", 66.4, None, True),
        (66.4, None, 66.4, "", True),
        (None, "ha", 66.4, "ha", False),
        (6.0, nfd("Trường hợp"), 6.0, "trường hợp", True),
    ],
    ids=[
        "equal",
        "within-tolerance",
        "just-inside",
        "just-outside",
        "outside",
        "unit-mismatch",
        "unit-missing",
        "gold-unit-none",
        "gold-unit-empty",
        "no-value",
        "nfd-unit",
    ],
)
def test_numeric_match(
    pred_value: float | None, pred_unit: str | None, gold_value: float, gold_unit: str | None, matches: bool
) -> None:
    assert numeric_match(pred_value, pred_unit, gold_value, gold_unit) is matches


def test_numeric_match_tolerance_is_a_setting() -> None:
    assert numeric_match(66.0, "ha", 66.4, "ha", rel_tol=0.01)


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("Sở đã cho thuê đất 22 tổ chức với diện tích 66,4 ha.", [22.0, 66.4]),
        ("thu hồi 06 trường hợp, 31,32 ha ngày 9/10/2021", [6.0, 31.32]),
        ("tổng 1,1 tỷ đồng", [1.1e9]),
        ("theo Thông tư 31/2018/TT-BTNMT", []),
        ("QL91 dài 5 km", [5.0]),
        (nfd("Đạt 98,42% kế hoạch"), [98.42]),
        ("không có số", []),
    ],
    ids=["count-and-area", "date-left-out", "scale-word", "code-left-out", "name-left-out", "nfd", "none"],
)
def test_numbers_in(text: str, values: list[float]) -> None:
    assert numbers_in(text) == pytest.approx(values)


# ---------------------------------------------------------------------------------------------- retrieval

RANKED = ["s7", "s2", "s9", "s1", "s4", "s8"]


@pytest.mark.parametrize(
    ("expected", "hit1", "hit5", "rr"),
    [
        ("s9", 0.0, 1.0, 1 / 3),
        ("s7", 1.0, 1.0, 1.0),
        ({"s4", "s2"}, 0.0, 1.0, 1 / 2),
        ("s8", 0.0, 0.0, 1 / 6),  # retrieved, but below the fifth place
        ("s0", 0.0, 0.0, 0.0),
    ],
    ids=["rank-3", "rank-1", "set-first-at-2", "rank-6", "absent"],
)
def test_retrieval(expected: str | set[str], hit1: float, hit5: float, rr: float) -> None:
    assert hit_at_k(RANKED, expected, 1) == hit1
    assert hit_at_k(RANKED, expected, 5) == hit5
    assert reciprocal_rank(RANKED, expected) == pytest.approx(rr)


def test_retrieval_on_nothing_retrieved() -> None:
    assert hit_at_k([], "s1", 5) == 0.0
    assert reciprocal_rank([], "s1") == 0.0


def test_retrieval_errors() -> None:
    with pytest.raises(ValueError, match="k must be at least 1, got 0"):
        hit_at_k(RANKED, "s9", 0)
    with pytest.raises(ValueError, match="no expected id"):
        reciprocal_rank(RANKED, set())


# ---------------------------------------------------------------------------------------------- abstention


@pytest.mark.parametrize(
    ("abstained", "should", "scores"),
    [
        # 4 abstentions, 2 of them right; 3 should have been abstained on, 2 were
        (
            [True, True, False, False, True, True],
            [True, False, True, False, True, False],
            {"precision": 2 / 4, "recall": 2 / 3, "f1": 2 * (1 / 2 * 2 / 3) / (1 / 2 + 2 / 3)},
        ),
        ([False] * 6, [False] * 6, {"precision": 1.0, "recall": 1.0, "f1": 1.0}),
        (
            [False] * 6,
            [True, False, False, False, False, False],
            {"precision": 0.0, "recall": 0.0, "f1": 0.0},
        ),
        (
            [True, False, False, False, False, False],
            [False] * 6,
            {"precision": 0.0, "recall": 0.0, "f1": 0.0},
        ),
        ([True, True, False], [True, True, False], {"precision": 1.0, "recall": 1.0, "f1": 1.0}),
    ],
    ids=["six-items", "none-and-none-expected", "none-but-one-expected", "one-but-none-expected", "perfect"],
)
def test_abstention_scores(abstained: list[bool], should: list[bool], scores: dict[str, float]) -> None:
    assert abstention_scores(abstained, should) == pytest.approx(scores)


def test_abstention_scores_lengths_must_agree() -> None:
    with pytest.raises(ValueError, match="got 2 predictions for 3 gold items"):
        abstention_scores([True, False], [True, False, True])


# ---------------------------------------------------------------------------------------------- citations

QUOTE = "Trong 9 tháng, Sở đã cho thuê đất 22 tổ chức\nvới  diện tích 66,4 ha."


@pytest.mark.parametrize(
    ("quotes", "evidence", "correct"),
    [
        ([QUOTE], "cho thuê đất 22 tổ chức với diện tích 66,4 ha", True),
        (["Tỷ lệ thu gom đạt 98,42%", QUOTE], "CHO THUÊ ĐẤT 22 tổ chức", True),
        ([nfd(QUOTE)], "cho thuê đất 22 tổ chức với diện tích 66,4 ha", True),
        ([QUOTE], nfd("cho thuê đất 22 tổ chức"), True),
        (["Ủy ban nhân dân thành phố"], "uỷ ban nhân dân", True),
        ([QUOTE], "cho thuê đất 22 tổ chức với diện tích 66,5 ha", False),
        ([], "diện tích 66,4 ha", False),
        ([], None, True),
        ([QUOTE], "  ", True),
    ],
    ids=[
        "line-break-double-space",
        "second-quote-case",
        "nfd-quote",
        "nfd-evidence",
        "old-tone",
        "wrong-figure",
        "no-quotes",
        "no-evidence",
        "blank-evidence",
    ],
)
def test_citation_correct(quotes: list[str], evidence: str | None, correct: bool) -> None:
    assert citation_correct(quotes, evidence) is correct


# ---------------------------------------------------------------------------------------------- verdicts

GOLD = ["supported", "supported", "refuted", "refuted", "not_found", "not_found"]
PRED = ["supported", "refuted", "refuted", "refuted", "supported", "not_found"]
# the fourth verdict is right but cites the wrong passage
EVIDENCE_OK = [True, True, True, False, True, True]


def test_verdict_scores_by_hand() -> None:
    scores = verdict_scores(PRED, GOLD, EVIDENCE_OK)
    assert scores["accuracy"] == pytest.approx(4 / 6)
    assert scores["strict"] == pytest.approx(3 / 6)
    per_class = scores["per_class"]
    # supported: 1 right of 2 predicted, 1 found of 2
    assert per_class["supported"] == pytest.approx(
        {"precision": 1 / 2, "recall": 1 / 2, "f1": 1 / 2, "support": 2}
    )
    # refuted: 2 right of 3 predicted, both found
    assert per_class["refuted"] == pytest.approx({"precision": 2 / 3, "recall": 1.0, "f1": 0.8, "support": 2})
    # not_found: its one prediction right, 1 found of 2
    assert per_class["not_found"] == pytest.approx(
        {"precision": 1.0, "recall": 1 / 2, "f1": 2 / 3, "support": 2}
    )
    assert scores["macro_f1"] == pytest.approx((1 / 2 + 0.8 + 2 / 3) / 3)


def test_verdict_scores_without_evidence_leave_strict_unmeasured() -> None:
    assert math.isnan(verdict_scores(PRED, GOLD)["strict"])


def test_verdict_macro_f1_skips_absent_classes() -> None:
    scores = verdict_scores(["supported", "refuted", "error"], ["supported", "refuted", "refuted"])
    assert scores["per_class"]["not_found"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0.0}
    # supported 1.0; refuted: P 1/1, R 1/2 -> F1 2/3; not_found neither gold nor predicted
    assert scores["macro_f1"] == pytest.approx((1.0 + 2 / 3) / 2)
    assert scores["accuracy"] == pytest.approx(2 / 3)


def test_verdict_scores_errors() -> None:
    with pytest.raises(ValueError, match=r"gold verdicts \['true'\] are not among the labels"):
        verdict_scores(["supported"], ["true"])
    with pytest.raises(ValueError, match="got 1 predictions for 2 gold items"):
        verdict_scores(["supported"], ["supported", "refuted"])
    with pytest.raises(ValueError, match="evidence_ok"):
        verdict_scores(PRED, GOLD, [True])


def test_verdict_scores_empty_set_is_nan() -> None:
    scores = verdict_scores([], [], [])
    assert math.isnan(scores["accuracy"]) and math.isnan(scores["strict"]) and math.isnan(scores["macro_f1"])


# ---------------------------------------------------------------------------------------------- latency


def test_percentiles_linear() -> None:
    values = [float(v) for v in range(1, 101)]
    # numpy's linear interpolation: p50 at position 49.5 of 0..99, p95 at 94.05
    assert percentiles(values) == pytest.approx({"p50": 50.5, "p95": 95.05})
    assert percentiles(values, ps=(99.9,)) == pytest.approx({"p99.9": 99.901})


def test_percentiles_empty_is_nan() -> None:
    result = percentiles([])
    assert list(result) == ["p50", "p95"] and all(math.isnan(v) for v in result.values())


def test_mean() -> None:
    assert mean([1.0, 0.0, 0.5]) == pytest.approx(0.5)
    assert math.isnan(mean([]))
