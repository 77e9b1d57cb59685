"""Vietnamese numbers, units, dates and codes: qa.numbers against written rules, the reference report and
the gold sets, and property tests for round trips, spans and decomposed Unicode."""

from __future__ import annotations

import datetime
import json
import math
import re
import unicodedata
from pathlib import Path
from typing import Any, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.numbers import (
    COUNT_NOUNS,
    SCALE_WORDS,
    Kind,
    Qualifier,
    Quantity,
    canonical_unit,
    find_quantities,
    format_number,
    format_quantity,
    parse_number,
    same_quantity,
)

SHARED = Path(__file__).resolve().parents[3] / "shared"
REPORT = SHARED / "corpus" / "cantho-stnmt-so-ket-9-thang-2021.txt"
SEED_QA = SHARED / "eval" / "seed_qa.jsonl"
SEED_CLAIMS = SHARED / "eval" / "seed_claims.jsonl"
Form = Literal["NFC", "NFD"]
FORMS: list[Form] = ["NFC", "NFD"]
PROPERTY = settings(max_examples=200, deadline=None)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def only(text: str, *, lang: str = "vi") -> Quantity:
    found = find_quantities(text, lang=lang)
    assert len(found) == 1, f"expected one quantity in {text!r}, got {found}"
    return found[0]


def reading(q: Quantity) -> tuple[Any, ...]:
    """What a quantity says, without where it was: comparable across NFC and NFD input."""
    return (
        round(q.value, 6),
        q.unit,
        q.kind,
        q.qualifier,
        q.denominator,
        q.date,
        q.date_end,
        q.upper,
        nfc(q.text),
    )


# ------------------------------------------------------------------------------ parse_number

PARSE_CASES = [
    ("decimal-comma", "66,4", "vi", 66.4),
    ("thousands-dots", "1.109.521.000", "vi", 1109521000.0),
    ("dots-and-comma", "3.402,51", "vi", 3402.51),
    ("one-thousands-dot", "1.101", "vi", 1101.0),
    ("english-decimal-in-vi", "98.42", "vi", 98.42),
    ("one-digit-after-dot", "2.5", "vi", 2.5),
    ("four-digits-after-dot", "3.1416", "vi", 3.1416),
    ("plain", "1101", "vi", 1101.0),
    ("zero-padded", "06", "vi", 6.0),
    ("leading-zero-decimal", "0,95", "vi", 0.95),
    ("zero-dot-three-digits", "0.500", "vi", 0.5),
    ("comma-three-digits-vi", "1,101", "vi", 1.101),
    ("english-grouping-in-vi", "1,109,521,000", "vi", 1109521000.0),
    ("english-full-in-vi", "1,109.5", "vi", 1109.5),
    ("en-thousands-comma", "1,101", "en", 1101.0),
    ("en-decimal", "66.4", "en", 66.4),
    ("en-grouping", "1,109,521,000", "en", 1109521000.0),
    ("en-dot-three-digits", "1.101", "en", 1.101),
    ("scale-ty", "1,1 tỷ", "vi", 1.1e9),
    ("scale-trieu", "2,5 triệu", "vi", 2.5e6),
    ("scale-nghin-ty", "3 nghìn tỷ", "vi", 3e12),
    ("scale-billion", "1.1 billion", "en", 1.1e9),
    ("negative", "-5", "vi", -5.0),
    ("spaces", "  42 ", "vi", 42.0),
]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(
    ("token", "lang", "expected"), [c[1:] for c in PARSE_CASES], ids=[c[0] for c in PARSE_CASES]
)
def test_parse_number(token: str, lang: str, expected: float, form: Form) -> None:
    value = parse_number(unicodedata.normalize(form, token), lang=lang)
    assert value is not None and math.isclose(value, expected, rel_tol=1e-12)


BAD_TOKENS = ["", "abc", "1,2,3", "1.10.100", "12..5", "1.2.3,4,5", "ha", "9/10/2021", "1e5", "∞"]


@pytest.mark.parametrize("token", BAD_TOKENS, ids=[repr(t) for t in BAD_TOKENS])
def test_parse_number_refuses_what_is_not_a_number(token: str) -> None:
    assert parse_number(token) is None


# ------------------------------------------------------------------------------ format_number

FORMAT_CASES = [
    ("decimal", 66.4, None, "66,4"),
    ("thousands", 1109521000, None, "1.109.521.000"),
    ("percent-figure", 98.42, None, "98,42"),
    ("four-digits-grouped", 1101, None, "1.101"),
    ("integral-float", 6.0, None, "6"),
    ("small", 0.95, None, "0,95"),
    ("zero", 0.0, None, "0"),
    ("grouped-decimal", 3402.51, None, "3.402,51"),
    ("negative", -1234.5, None, "-1.234,5"),
    ("rounded-half-up", 2.675, 2, "2,68"),
    ("thirds", 2 / 3, 2, "0,67"),
    ("padded-decimals", 5, 2, "5,00"),
    ("no-decimals", 1234.56, 0, "1.235"),
    ("huge", 1e16, None, "10.000.000.000.000.000"),
]


@pytest.mark.parametrize(
    ("value", "decimals", "expected"), [c[1:] for c in FORMAT_CASES], ids=[c[0] for c in FORMAT_CASES]
)
def test_format_number(value: float, decimals: int | None, expected: str) -> None:
    assert format_number(value, decimals=decimals) == expected


# ------------------------------------------------------------------------------ find_quantities

# (id, text, lang, expected fields of the one quantity found)
FIND_CASES: list[tuple[str, str, str, dict[str, Any]]] = [
    # decimal comma, thousands dot
    ("area-decimal", "diện tích 66,4 ha", "vi", dict(value=66.4, unit="ha", kind="area", text="66,4 ha")),
    (
        "money-grouped",
        "kinh phí 1.109.521.000 đồng",
        "vi",
        dict(value=1109521000, unit="đồng", kind="money", text="1.109.521.000 đồng"),
    ),
    ("count-no-separator", "cho 1101 trường hợp", "vi", dict(value=1101, unit="trường hợp", kind="count")),
    ("count-thousands-dot", "1.101 hồ sơ", "vi", dict(value=1101, unit="hồ sơ", kind="count")),
    ("en-thousands-comma", "1,101 households", "en", dict(value=1101, unit="households", kind="count")),
    # zero-padded counts
    (
        "zero-padded-case",
        "thu hồi đất 06 trường hợp với",
        "vi",
        dict(value=6, unit="trường hợp", kind="count", text="06 trường hợp"),
    ),
    ("zero-padded-cuoc", "05 cuộc theo kế hoạch", "vi", dict(value=5, unit="cuộc", kind="count")),
    # scale words
    ("scale-ty-dong", "1,1 tỷ đồng", "vi", dict(value=1.1e9, unit="đồng", kind="money", text="1,1 tỷ đồng")),
    ("scale-grouped-ty", "3.402,51 tỷ đồng", "vi", dict(value=3.40251e12, unit="đồng", kind="money")),
    ("scale-bare", "2,5 triệu", "vi", dict(value=2.5e6, unit="", kind="number")),
    ("scale-nghin-tan", "15 nghìn tấn", "vi", dict(value=15000, unit="tấn", kind="mass")),
    ("scale-ngan", "20 ngàn người", "vi", dict(value=20000, unit="người", kind="count")),
    ("scale-en-dong", "1.1 billion dong", "en", dict(value=1.1e9, unit="đồng", kind="money")),
    ("scale-usd-prefix", "$5 million", "en", dict(value=5e6, unit="USD", kind="money", text="$5 million")),
    ("ty-le-is-no-scale", "năm 2021 tỷ lệ thu gom", "vi", dict(value=2021, kind="year", text="2021")),
    # units and their variants
    ("ha", "35 ha", "vi", dict(value=35, unit="ha", kind="area")),
    ("ha-glued", "diện tích 35ha)", "vi", dict(value=35, unit="ha", kind="area", text="35ha")),
    ("hec-ta", "12 héc-ta", "vi", dict(value=12, unit="ha", kind="area")),
    ("hecta", "12 hecta", "vi", dict(value=12, unit="ha", kind="area")),
    ("hectares", "66 hectares", "en", dict(value=66, unit="ha", kind="area")),
    ("hectare", "1 hectare", "en", dict(value=1, unit="ha", kind="area")),
    ("percent-sign", "đạt 98,42%", "vi", dict(value=98.42, unit="%", kind="percent", text="98,42%")),
    ("percent-spaced", "đạt 98,42 %", "vi", dict(value=98.42, unit="%", kind="percent")),
    ("percent-words", "đạt 98 phần trăm", "vi", dict(value=98, unit="%", kind="percent")),
    ("percent-english", "98 percent", "en", dict(value=98, unit="%", kind="percent")),
    ("vnd-upper", "500.000 VNĐ", "vi", dict(value=500000, unit="đồng", kind="money")),
    ("vnd-ascii", "500.000 VND", "vi", dict(value=500000, unit="đồng", kind="money")),
    ("dong-abbreviated", "500.000đ", "vi", dict(value=500000, unit="đồng", kind="money")),
    ("trieu-dong-abbreviated", "15 trđ", "vi", dict(value=15e6, unit="đồng", kind="money")),
    ("usd", "2,5 triệu USD", "vi", dict(value=2.5e6, unit="USD", kind="money")),
    ("m2", "120 m2", "vi", dict(value=120, unit="m2", kind="area")),
    ("m2-superscript", "120 m²", "vi", dict(value=120, unit="m2", kind="area")),
    ("met-vuong", "120 mét vuông", "vi", dict(value=120, unit="m2", kind="area")),
    ("km2", "1.409 km2", "vi", dict(value=1409, unit="km2", kind="area")),
    ("km", "12,5 km", "vi", dict(value=12.5, unit="km", kind="length")),
    ("metre", "300 m", "vi", dict(value=300, unit="m", kind="length")),
    ("tan", "1.200 tấn", "vi", dict(value=1200, unit="tấn", kind="mass")),
    ("kg", "50 kg", "vi", dict(value=50, unit="kg", kind="mass")),
    ("m3", "5.000 m3/ngày", "vi", dict(value=5000, unit="m3", kind="volume", text="5.000 m3")),
    ("m3-superscript", "5.000 m³", "vi", dict(value=5000, unit="m3", kind="volume")),
    ("dong-chi-are-people", "02 đồng chí", "vi", dict(value=2, unit="đồng chí", kind="count")),
    # counts: the longest counted noun
    (
        "to-chuc",
        "giao đất 12 tổ chức với",
        "vi",
        dict(value=12, unit="tổ chức", kind="count", text="12 tổ chức"),
    ),
    (
        "cuoc-not-cuoc-thanh-tra",
        "thực hiện 10 cuộc thanh tra",
        "vi",
        dict(value=10, unit="cuộc", text="10 cuộc"),
    ),
    ("don-thu-not-don", "23 đơn thư qua đường bưu điện", "vi", dict(value=23, unit="đơn thư", kind="count")),
    ("co-so", "38 cơ sở sản xuất", "vi", dict(value=38, unit="cơ sở", kind="count")),
    ("luot", "tiếp dân 07 lượt.", "vi", dict(value=7, unit="lượt", kind="count")),
    ("ho-gia-dinh-not-ho", "150 hộ gia đình", "vi", dict(value=150, unit="hộ gia đình", kind="count")),
    ("capitalised-noun", "22 Tổ chức", "vi", dict(value=22, unit="tổ chức", kind="count")),
    ("en-count", "22 organizations", "en", dict(value=22, unit="organizations", kind="count")),
    ("unknown-word", "Hội nghị lần thứ 3 về", "vi", dict(value=3, unit="", kind="number", text="3")),
    ("giai-doan", "giai đoạn 1, diện tích", "vi", dict(value=1, unit="", kind="number")),
    # fractions of a whole
    (
        "fraction-districts",
        "của 9/9 quận, huyện;",
        "vi",
        dict(value=9, denominator=9, unit="quận, huyện", kind="fraction", text="9/9 quận, huyện"),
    ),
    (
        "fraction-cases",
        "giải quyết 15/23 vụ việc khiếu nại",
        "vi",
        dict(value=15, denominator=23, unit="vụ việc", kind="fraction", text="15/23 vụ việc"),
    ),
    ("fraction-bare", "đạt 1/2", "vi", dict(value=1, denominator=2, unit="", kind="fraction")),
    # in words, as a speech says it
    (
        "fraction-words",
        "giải quyết 18 trên tổng số 23 vụ việc khiếu nại",
        "vi",
        dict(value=18, denominator=23, unit="vụ việc", kind="fraction", text="18 trên tổng số 23 vụ việc"),
    ),
    (
        "fraction-words-short",
        "cho 8 trên 9 quận, huyện.",
        "vi",
        dict(value=8, denominator=9, unit="quận, huyện", kind="fraction"),
    ),
    ("fraction-en", "8 out of 9 districts", "en", dict(value=8, denominator=9, kind="fraction")),
    (
        "fraction-words-trong",
        "giải quyết 15 trong tổng số 23 vụ việc",
        "vi",
        dict(value=15, denominator=23, unit="vụ việc", kind="fraction", text="15 trong tổng số 23 vụ việc"),
    ),
    # "trên" before a number alone is still "more than"
    (
        "over-not-fraction",
        "diện tích trên 10 ha",
        "vi",
        dict(value=10, unit="ha", kind="area", qualifier="over"),
    ),
    # dates
    (
        "date-slash",
        "Sáng ngày 9/10/2021, Sở",
        "vi",
        dict(
            kind="date",
            date=datetime.date(2021, 10, 9),
            date_end=None,
            text="9/10/2021",
            value=datetime.date(2021, 10, 9).toordinal(),
        ),
    ),
    ("date-zero-padded", "ngày 05/3/2021", "vi", dict(kind="date", date=datetime.date(2021, 3, 5))),
    ("date-dotted", "ngày 05.03.2021", "vi", dict(kind="date", date=datetime.date(2021, 3, 5))),
    (
        "date-long",
        "Thông tư ngày 26 tháng 12 năm 2018 của Bộ",
        "vi",
        dict(kind="date", date=datetime.date(2018, 12, 26), text="ngày 26 tháng 12 năm 2018"),
    ),
    (
        "date-month-slash",
        "trong tháng 9/2021",
        "vi",
        dict(
            kind="date",
            date=datetime.date(2021, 9, 1),
            date_end=datetime.date(2021, 9, 30),
            text="tháng 9/2021",
        ),
    ),
    (
        "date-month-words",
        "trong tháng 9 năm 2021",
        "vi",
        dict(kind="date", date=datetime.date(2021, 9, 1), date_end=datetime.date(2021, 9, 30)),
    ),
    (
        "date-month-february",
        "tháng 2/2020",
        "vi",
        dict(kind="date", date=datetime.date(2020, 2, 1), date_end=datetime.date(2020, 2, 29)),
    ),
    (
        "date-quarter",
        "trong quý 3/2021",
        "vi",
        dict(kind="date", date=datetime.date(2021, 7, 1), date_end=datetime.date(2021, 9, 30)),
    ),
    (
        "date-quarter-roman",
        "quý IV năm 2021",
        "vi",
        dict(kind="date", date=datetime.date(2021, 10, 1), date_end=datetime.date(2021, 12, 31)),
    ),
    (
        "date-range-days",
        "diễn ra từ ngày 12-13/3/2021 tại",
        "vi",
        dict(
            kind="date",
            date=datetime.date(2021, 3, 12),
            date_end=datetime.date(2021, 3, 13),
            text="12-13/3/2021",
        ),
    ),
    (
        "date-range-months",
        "từ 12/3 - 13/4/2021",
        "vi",
        dict(kind="date", date=datetime.date(2021, 3, 12), date_end=datetime.date(2021, 4, 13)),
    ),
    ("date-en-mdy", "on October 9, 2021", "en", dict(kind="date", date=datetime.date(2021, 10, 9))),
    ("date-en-dmy", "on 9 October 2021", "en", dict(kind="date", date=datetime.date(2021, 10, 9))),
    (
        "date-en-month",
        "in March 2021",
        "en",
        dict(kind="date", date=datetime.date(2021, 3, 1), date_end=datetime.date(2021, 3, 31)),
    ),
    # years
    ("year-after-nam", "Kế hoạch sử dụng đất năm 2021 của", "vi", dict(value=2021, kind="year", text="2021")),
    ("year-alone", "tầm nhìn đến 2030 đã", "vi", dict(value=2030, kind="year")),
    ("year-before-noun-with-cue", "năm 2021 người dân", "vi", dict(value=2021, kind="year")),
    (
        "year-range",
        "kỳ cuối 2016-2020 (đã",
        "vi",
        dict(value=2016, upper=2020, kind="year", text="2016-2020"),
    ),
    ("year-range-parenthesised", "kỳ (2020-2024) đảm bảo", "vi", dict(value=2020, upper=2024, kind="year")),
    (
        "year-range-before-name",
        "giai đoạn 2017-2021 Khu đô thị",
        "vi",
        dict(value=2017, upper=2021, kind="year"),
    ),
    ("four-digits-counted", "2000 hộ", "vi", dict(value=2000, unit="hộ", kind="count")),
    # numeric ranges
    ("range-area", "từ 10-15 ha", "vi", dict(value=10, upper=15, unit="ha", kind="area", text="10-15 ha")),
    ("range-percent", "10 - 15%", "vi", dict(value=10, upper=15, unit="%", kind="percent")),
    ("range-scaled", "10-15 tỷ đồng", "vi", dict(value=1e10, upper=1.5e10, unit="đồng", kind="money")),
    ("range-area-beyond-years", "2000-3000 ha", "vi", dict(value=2000, upper=3000, unit="ha", kind="area")),
    # document codes
    (
        "code-resolution",
        "Nghị quyết 04/NQ-HĐND ngày",
        "vi",
        dict(value=4, unit="", kind="code", text="04/NQ-HĐND"),
    ),
    (
        "code-circular",
        "Thông tư số 31/2018/TT-BTNMT",
        "vi",
        dict(value=31, kind="code", text="31/2018/TT-BTNMT"),
    ),
    ("code-decree", "Nghị định số 91/2019/NĐ-CP", "vi", dict(value=91, kind="code", text="91/2019/NĐ-CP")),
    ("code-directive", "Chỉ thị 16/CT-TTg của", "vi", dict(value=16, kind="code", text="16/CT-TTg")),
    (
        "code-space-after-hyphen",
        "Nghị định số 120/2020/NĐ- CP ngày",
        "vi",
        dict(value=120, kind="code", text="120/2020/NĐ- CP"),
    ),
    ("code-so", "Nghị quyết số 50/NQ-HĐND,", "vi", dict(value=50, kind="code", text="50/NQ-HĐND")),
    ("code-digits-in-sign", "Luật số 45/2021/QH15", "vi", dict(value=45, kind="code", text="45/2021/QH15")),
    # qualifiers
    (
        "approx-khoang",
        "số lượng khoảng 40 nền để",
        "vi",
        dict(value=40, unit="nền", qualifier="approx", text="khoảng 40 nền"),
    ),
    (
        "approx-percent",
        "đạt khoảng 98,42%.",
        "vi",
        dict(value=98.42, unit="%", qualifier="approx", text="khoảng 98,42%"),
    ),
    ("over-hon", "hơn 1.000 hộ", "vi", dict(value=1000, unit="hộ", qualifier="over")),
    (
        "over-tren-glued-unit",
        "trồng lúa (trên 10ha)",
        "vi",
        dict(value=10, unit="ha", qualifier="over", text="trên 10ha"),
    ),
    (
        "under-glued",
        "trồng lúa (dưới10ha)",
        "vi",
        dict(value=10, unit="ha", qualifier="under", text="dưới10ha"),
    ),
    ("under-gan", "gần 500 ha", "vi", dict(value=500, unit="ha", qualifier="under")),
    ("approx-gan-nhu", "gần như 100%", "vi", dict(value=100, unit="%", qualifier="approx")),
    ("approx-xap-xi", "xấp xỉ 98%", "vi", dict(value=98, unit="%", qualifier="approx", text="xấp xỉ 98%")),
    ("under-chua-den", "chưa đến 5 ha", "vi", dict(value=5, qualifier="under")),
    ("under-it-hon", "ít hơn 5 ha", "vi", dict(value=5, qualifier="under")),
    (
        "capitalised-qualifier",
        "Khoảng 40 nền",
        "vi",
        dict(value=40, qualifier="approx", text="Khoảng 40 nền"),
    ),
    (
        "en-more-than",
        "more than 20 organizations",
        "en",
        dict(value=20, unit="organizations", qualifier="over", text="more than 20 organizations"),
    ),
    ("en-about", "about 66 hectares", "en", dict(value=66, unit="ha", qualifier="approx")),
    ("en-fewer-than", "fewer than 5 cases", "en", dict(value=5, unit="cases", qualifier="under")),
    ("fraction-qualified", "hơn 2/3 số hộ", "vi", dict(value=2, denominator=3, qualifier="over")),
]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(
    ("text", "lang", "expected"), [c[1:] for c in FIND_CASES], ids=[c[0] for c in FIND_CASES]
)
def test_find_one_quantity(text: str, lang: str, expected: dict[str, Any], form: Form) -> None:
    source = unicodedata.normalize(form, text)
    q = only(source, lang=lang)
    assert source[q.start : q.end] == q.text
    for field, want in expected.items():
        got = getattr(q, field)
        if field == "text":
            assert nfc(got) == want
        elif isinstance(want, float | int) and not isinstance(want, bool) and got is not None:
            assert math.isclose(got, want, rel_tol=1e-9), f"{field}: {got} != {want}"
        else:
            assert got == want, f"{field}: {got!r} != {want!r}"
    if "qualifier" not in expected:
        assert q.qualifier == ""


# (id, text, expected (kind, value, unit) in order)
SEVERAL_CASES = [
    (
        "recovered-land",
        "Thực hiện thu hồi đất 06 trường hợp với diện tích 21,32 ha;",
        [("count", 6, "trường hợp"), ("area", 21.32, "ha")],
    ),
    (
        "inspections",
        "10 cuộc thanh tra (05 cuộc theo kế hoạch, 05 cuộc đột xuất)",
        [("count", 10, "cuộc"), ("count", 5, "cuộc"), ("count", 5, "cuộc")],
    ),
    ("five-years", "5 năm (2021 - 2025) của", [("count", 5, "năm"), ("year", 2021, "")]),
    (
        "code-then-date",
        "Nghị quyết 04/NQ-HĐND ngày 05/3/2021.",
        [("code", 4, ""), ("date", datetime.date(2021, 3, 5).toordinal(), "")],
    ),
    (
        "code-then-long-date",
        "Nghị định số 91/2019/NĐ-CP ngày 19 tháng 11 năm 2019 của",
        [("code", 91, ""), ("date", datetime.date(2019, 11, 19).toordinal(), "")],
    ),
    ("months-then-year", "9 tháng đầu năm 2021", [("count", 9, "tháng"), ("year", 2021, "")]),
    (
        "quarter-and-number",
        "trong quý 2 và quý 3/2021",
        [("number", 2, ""), ("date", datetime.date(2021, 7, 1).toordinal(), "")],
    ),
]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in SEVERAL_CASES], ids=[c[0] for c in SEVERAL_CASES]
)
def test_find_several_quantities(text: str, expected: list[tuple[str, float, str]], form: Form) -> None:
    found = find_quantities(unicodedata.normalize(form, text))
    assert [(q.kind, q.value, q.unit) for q in found] == [(k, pytest.approx(v), u) for k, v, u in expected]


NOTHING_CASES = [
    ("covid", "đại dịch Covid-19 còn diễn biến"),
    ("covid-upper", "phòng, chống dịch COVID-19 trên"),
    ("covid-spaced", "dịch Covid 19"),
    ("sars", "virus SARS-CoV-2"),
    ("road-name", "(QL91)"),
    ("interchange", "Trần Hoàng Na - IC3;"),
    ("letters-only", "Dự án VILG"),
    ("glued-right", "khoản 3a điều"),
    ("time", "lúc 8h30 và 14:30"),
    ("day-without-year", "ngày 9/9"),
    ("invalid-date", "ngày 31/2/2021"),
    ("invalid-month", "ngày 12/13/2021"),
    ("empty", ""),
]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("text", [c[1] for c in NOTHING_CASES], ids=[c[0] for c in NOTHING_CASES])
def test_find_nothing(text: str, form: Form) -> None:
    assert find_quantities(unicodedata.normalize(form, text)) == []


@pytest.mark.parametrize(
    "text",
    ["31/2018/TT-BTNMT", "04/2014/QĐ-UBND ngày", "107/2020/NĐ-CP", "120/2020/NĐ- CP"],
    ids=["circular", "decision", "decree", "spaced-decree"],
)
def test_digits_inside_a_code_are_not_read_again(text: str) -> None:
    found = find_quantities(text)
    assert [q.kind for q in found] == ["code"]


def test_spans_point_into_decomposed_input() -> None:
    text = nfd("Tiếp nhận và xử lý 23 đơn thư; diện tích 66,4 ha")
    found = find_quantities(text)
    assert [nfc(q.text) for q in found] == ["23 đơn thư", "66,4 ha"]
    for q in found:
        assert text[q.start : q.end] == q.text


# ------------------------------------------------------------------------------ format_quantity

FORMAT_QUANTITY_CASES = [
    ("area", Quantity(66.4, "ha", "area", "", 0, 0), "66,4 ha"),
    ("percent", Quantity(98.42, "%", "percent", "", 0, 0), "98,42%"),
    ("approx-percent", Quantity(98.42, "%", "percent", "", 0, 0, "approx"), "khoảng 98,42%"),
    ("money", Quantity(1109521000, "đồng", "money", "", 0, 0), "1.109.521.000 đồng"),
    ("count", Quantity(6, "trường hợp", "count", "", 0, 0), "6 trường hợp"),
    ("fraction", Quantity(15, "vụ việc", "fraction", "", 0, 0, denominator=23), "15/23 vụ việc"),
    ("range", Quantity(10, "ha", "area", "", 0, 0, upper=15), "10-15 ha"),
    ("date", Quantity(0, "", "date", "", 0, 0, date=datetime.date(2021, 10, 9)), "9/10/2021"),
    (
        "month",
        Quantity(
            0, "", "date", "", 0, 0, date=datetime.date(2021, 9, 1), date_end=datetime.date(2021, 9, 30)
        ),
        "tháng 9/2021",
    ),
    (
        "quarter",
        Quantity(
            0, "", "date", "", 0, 0, date=datetime.date(2021, 7, 1), date_end=datetime.date(2021, 9, 30)
        ),
        "quý 3/2021",
    ),
    (
        "days",
        Quantity(
            0, "", "date", "", 0, 0, date=datetime.date(2021, 3, 12), date_end=datetime.date(2021, 3, 13)
        ),
        "12-13/3/2021",
    ),
    ("year", Quantity(2021, "", "year", "", 0, 0), "2021"),
    ("years", Quantity(2016, "", "year", "", 0, 0, upper=2020), "2016-2020"),
    ("code", Quantity(31, "", "code", "31/2018/TT-BTNMT", 0, 16), "31/2018/TT-BTNMT"),
]


@pytest.mark.parametrize(
    ("q", "expected"), [c[1:] for c in FORMAT_QUANTITY_CASES], ids=[c[0] for c in FORMAT_QUANTITY_CASES]
)
def test_format_quantity(q: Quantity, expected: str) -> None:
    assert format_quantity(q) == expected


# ------------------------------------------------------------------------------ units and tables

UNIT_CASES = [
    ("héc-ta", "ha"),
    ("hecta", "ha"),
    ("hectares", "ha"),
    ("hectare", "ha"),
    ("Ha", "ha"),
    ("VNĐ", "đồng"),
    ("vnđ", "đồng"),
    ("đ", "đồng"),
    ("dong", "đồng"),
    ("đồng", "đồng"),
    ("tỷ đồng", "đồng"),
    ("phần trăm", "%"),
    ("phan tram", "%"),
    ("percent", "%"),
    ("%", "%"),
    ("m²", "m2"),
    ("m2", "m2"),
    ("mét vuông", "m2"),
    ("km2", "km2"),
    ("km", "km"),
    ("tấn", "tấn"),
    ("kg", "kg"),
    ("m³", "m3"),
    ("mét khối", "m3"),
    ("USD", "USD"),
    ("Trường hợp", "trường hợp"),
    ("quận, huyện", "quận, huyện"),
    ("organizations", "organizations"),
    ("bàn ghế", None),
    ("", None),
]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(("word", "expected"), UNIT_CASES, ids=[c[0] or "empty" for c in UNIT_CASES])
def test_canonical_unit(word: str, expected: str | None, form: Form) -> None:
    assert canonical_unit(unicodedata.normalize(form, word)) == expected


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (98.42, 98.4, True),
        (66.4, 66.4, True),
        (21.32, 31.32, False),
        (10, 12, False),
        (0, 0, True),
        (1e9, 1.1e9, False),
    ],
    ids=["rounded", "equal", "refuted-area", "refuted-count", "zeros", "scale"],
)
def test_same_quantity(a: float, b: float, same: bool) -> None:
    assert same_quantity(a, b) is same


def test_tables() -> None:
    assert len(COUNT_NOUNS) >= 60
    sizes = [len(noun.split()) for noun in COUNT_NOUNS]
    assert sizes == sorted(sizes, reverse=True), "multi-syllable nouns must come first"
    for noun in ("trường hợp", "tổ chức", "hộ gia đình", "cuộc", "đơn thư", "vụ việc", "quận, huyện", "nền"):
        assert noun in COUNT_NOUNS
    assert all(noun == nfc(noun.lower()) for noun in COUNT_NOUNS)
    assert SCALE_WORDS["nghìn"] == SCALE_WORDS["ngàn"] == SCALE_WORDS["thousand"] == 1e3
    assert SCALE_WORDS["triệu"] == SCALE_WORDS["million"] == 1e6
    assert SCALE_WORDS["tỷ"] == SCALE_WORDS["tỉ"] == SCALE_WORDS["billion"] == 1e9


# ------------------------------------------------------------------------------ real data


@pytest.fixture(scope="module")
def report_quantities() -> list[tuple[str, Quantity]]:
    found = []
    for line in REPORT.read_text(encoding="utf-8").splitlines():
        for q in find_quantities(line):
            assert line[q.start : q.end] == q.text
            found.append((line, q))
    return found


REPORT_FIGURES = [
    ("66,4 ha", "area", 66.4, "ha"),
    ("21,32 ha", "area", 21.32, "ha"),
    ("98,42%", "percent", 98.42, "%"),
    ("khoảng 98,42%", "percent", 98.42, "%"),
    ("1.109.521.000 đồng", "money", 1109521000, "đồng"),
    ("10 cuộc", "count", 10, "cuộc"),
    ("06 trường hợp", "count", 6, "trường hợp"),
    ("1101 trường hợp", "count", 1101, "trường hợp"),
    ("23 đơn thư", "count", 23, "đơn thư"),
    ("35ha", "area", 35, "ha"),
    ("dưới10ha", "area", 10, "ha"),
    ("9/10/2021", "date", datetime.date(2021, 10, 9).toordinal(), ""),
    ("12-13/3/2021", "date", datetime.date(2021, 3, 12).toordinal(), ""),
    ("31/2018/TT-BTNMT", "code", 31, ""),
    ("15/23 vụ việc", "fraction", 15, "vụ việc"),
    ("9/9 quận, huyện", "fraction", 9, "quận, huyện"),
    ("2016-2020", "year", 2016, ""),
]


@pytest.mark.parametrize(
    ("text", "kind", "value", "unit"), REPORT_FIGURES, ids=[f[0] for f in REPORT_FIGURES]
)
def test_reference_report_figures(
    report_quantities: list[tuple[str, Quantity]], text: str, kind: str, value: float, unit: str
) -> None:
    matches = [q for _, q in report_quantities if q.text == text]
    assert matches, f"{text!r} not found in the report"
    assert all((q.kind, q.unit) == (kind, unit) and math.isclose(q.value, value) for q in matches)


def test_reference_report_reads_no_figure_inside_a_name(
    report_quantities: list[tuple[str, Quantity]],
) -> None:
    names = re.compile(r"Covid-19|COVID-19|QL91|IC3")
    assert len(names.findall(REPORT.read_text(encoding="utf-8"))) >= 10
    for line, q in report_quantities:
        inside = [m.group() for m in names.finditer(line) if m.start() < q.end and q.start < m.end()]
        assert inside == [], f"{q.text!r} read inside {inside}"


def test_reference_report_reads_the_same_decomposed(report_quantities: list[tuple[str, Quantity]]) -> None:
    decomposed = [
        reading(q)
        for line in REPORT.read_text(encoding="utf-8").splitlines()
        for q in find_quantities(nfd(line))
    ]
    assert decomposed == [reading(q) for _, q in report_quantities]


def _gold(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("item", [i for i in _gold(SEED_QA) if i["evidence"]], ids=lambda i: i["id"])
def test_gold_answers_are_read_from_their_evidence(item: dict[str, Any]) -> None:
    found = find_quantities(item["evidence"])
    if item["value"] is not None:
        assert any(
            q.unit == item["unit"]
            and math.isclose(q.value, item["value"])
            and nfc(q.text).replace(" ", "").endswith(item["answer"].replace(" ", ""))
            for q in found
        ), found
    elif item["type"] == "date":
        assert any(q.kind == "date" and q.text == item["answer"] for q in found), found


@pytest.mark.parametrize("item", [i for i in _gold(SEED_CLAIMS) if i["evidence"]], ids=lambda i: i["id"])
def test_gold_claims_agree_or_differ_with_their_evidence(item: dict[str, Any]) -> None:
    claimed = find_quantities(item["claim"])
    evidence = find_quantities(item["evidence"])
    pairs = [(e, c) for e in evidence for c in claimed if c.unit == e.unit and c.kind == e.kind]
    assert pairs
    if item["verdict"] == "supported":
        assert all(
            any(same_quantity(e.value, c.value) for c in claimed if c.unit == e.unit) for e in evidence
        )
    else:
        assert any(not same_quantity(e.value, c.value) for e, c in pairs)


# ------------------------------------------------------------------------------ properties

cents = st.integers(min_value=0, max_value=10**15).map(lambda n: n / 100)  # 0 to 1e13, two decimals
whole = st.integers(min_value=0, max_value=10**13).map(float)


@PROPERTY
@given(st.one_of(cents, whole))
def test_format_then_parse_round_trip(value: float) -> None:
    assert parse_number(format_number(value)) == value


@PROPERTY
@given(st.one_of(cents, whole), st.integers(min_value=0, max_value=4))
def test_format_with_decimals_then_parse(value: float, decimals: int) -> None:
    parsed = parse_number(format_number(value, decimals=decimals))
    assert parsed is not None and abs(parsed - value) <= 0.5 * 10**-decimals + 1e-6 * value


_UNITS_BY_KIND: dict[Kind, list[str]] = {
    "area": ["ha", "m2", "km2"],
    "percent": ["%"],
    "money": ["đồng", "USD"],
    "length": ["km", "m"],
    "mass": ["tấn", "kg"],
    "volume": ["m3", "lít"],
}
QUALIFIERS: tuple[Qualifier, ...] = ("", "approx", "over", "under")
qualifiers = st.sampled_from(QUALIFIERS)
days = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31))


@st.composite
def quantities(draw: st.DrawFn) -> Quantity:
    kinds: list[Kind] = [*_UNITS_BY_KIND, "count", "number", "fraction", "date", "year"]
    kind = draw(st.sampled_from(kinds))
    if kind in _UNITS_BY_KIND or kind == "count":
        unit = draw(st.sampled_from(COUNT_NOUNS if kind == "count" else _UNITS_BY_KIND[kind]))
        value = draw(cents)
        upper = draw(st.none() | cents.filter(lambda v: v > value))
        return Quantity(value, unit, kind, "", 0, 0, draw(qualifiers), upper=upper)
    if kind == "number":
        return Quantity(draw(cents), "", "number", "", 0, 0, draw(qualifiers))
    if kind == "fraction":
        denominator = draw(st.integers(min_value=1, max_value=999_999))
        numerator = draw(st.integers(min_value=0, max_value=denominator))
        unit = draw(st.sampled_from(("", *COUNT_NOUNS)))
        return Quantity(float(numerator), unit, "fraction", "", 0, 0, denominator=float(denominator))
    if kind == "date":
        first = draw(days)
        last = draw(st.none() | days.filter(lambda d: d > first))
        return Quantity(float(first.toordinal()), "", "date", "", 0, 0, date=first, date_end=last)
    first_year = draw(st.integers(min_value=1900, max_value=2099))
    last_year = draw(st.none() | st.integers(min_value=first_year + 1, max_value=2100))
    return Quantity(
        float(first_year), "", "year", "", 0, 0, upper=None if last_year is None else float(last_year)
    )


@PROPERTY
@given(quantities(), st.sampled_from(["Theo báo cáo, {} trong năm.", "{}", "đạt {};", "({})"]))
def test_format_then_find_round_trip(q: Quantity, frame: str) -> None:
    text = frame.format(format_quantity(q))
    found = [f for f in find_quantities(text) if f.start >= frame.index("{}")][:1]
    assert found, text
    back = found[0]
    assert (back.kind, back.unit, back.qualifier) == (q.kind, q.unit, q.qualifier), text
    assert math.isclose(back.value, q.value, rel_tol=1e-12, abs_tol=1e-9), text
    assert (back.denominator, back.date, back.date_end) == (q.denominator, q.date, q.date_end), text
    assert (back.upper is None) == (q.upper is None), text
    if q.upper is not None and back.upper is not None:
        assert math.isclose(back.upper, q.upper, rel_tol=1e-12), text


# sentences made of the pieces the reader cares about, joined in ways it may not expect
# fmt: off
_PIECES = [
    "ngày", "tháng", "năm", "quý", "khoảng", "hơn", "dưới", "gần", "trên", "xấp xỉ", "more than", "about",
    "tỷ", "triệu", "nghìn", "đồng", "VNĐ", "đ", "ha", "héc-ta", "%", "phần trăm", "m2", "m²", "km", "tấn",
    "trường hợp", "tổ chức", "quận, huyện", "vụ việc", "hộ", "cuộc", "Covid", "NQ-HĐND", "TT-BTNMT",
    "NĐ- CP", "QL", "IC", "Thủy", "thuỷ", "hoà", "Đ/c", "October", "tỷ lệ", "đồng chí", "$", "US$",
]
# fmt: on
_NUMBERS = st.one_of(
    st.integers(min_value=0, max_value=3000).map(str),
    st.integers(min_value=0, max_value=99).map(lambda n: f"{n:02d}"),
    st.one_of(cents, whole).map(format_number),
    st.from_regex(r"[0-9]{1,4}([.,][0-9]{1,4}){0,3}", fullmatch=True),
)
_JOINS = st.sampled_from(["", " ", " ", ", ", "/", "-", " - ", "\n", ".", "(", ")", "–", ":"])
sentences = st.lists(st.tuples(st.one_of(st.sampled_from(_PIECES), _NUMBERS), _JOINS), max_size=14).map(
    lambda parts: "".join(piece + join for piece, join in parts)
)


@PROPERTY
@given(st.one_of(st.text(), sentences), st.sampled_from(["vi", "en"]))
def test_any_text_reads_without_error_and_spans_hold(text: str, lang: str) -> None:
    found = find_quantities(text, lang=lang)
    previous_end = 0
    for q in found:
        assert text[q.start : q.end] == q.text and q.start < q.end
        assert q.start >= previous_end, "quantities are in order and do not overlap"
        previous_end = q.end
        assert math.isfinite(q.value)


@PROPERTY
@given(st.one_of(sentences, st.text()))
def test_decomposed_input_reads_like_composed(text: str) -> None:
    assert [reading(q) for q in find_quantities(nfd(text))] == [
        reading(q) for q in find_quantities(nfc(text))
    ]


def test_trong_before_a_period_is_no_fraction() -> None:
    # "15 trong tổng số 23" is a fraction; "5 trong 9 tháng" is a figure and a period
    found = find_quantities("đạt 5 trong 9 tháng")
    assert [q.kind for q in found] == ["number", "count"]
