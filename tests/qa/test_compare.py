"""Comparison rules of the fact-checker, table-driven."""

from __future__ import annotations

import pytest

from qa.compare import matches, precision
from qa.numbers import find_quantities


def _q(text: str, lang: str = "vi"):  # type: ignore[no-untyped-def]
    found = find_quantities(text, lang=lang)
    assert found, f"no figure in {text!r}"
    return found[0]


@pytest.mark.parametrize(
    ("claimed", "reported", "expected"),
    [
        ("22 tổ chức", "22 tổ chức", True),
        ("25 tổ chức", "22 tổ chức", False),
        ("6 trường hợp", "06 trường hợp", True),
        ("1101 trường hợp", "1.101 trường hợp", True),
        ("66,4 ha", "66,4 ha", True),
        ("31,32 ha", "21,32 ha", False),
        ("66 ha", "66,4 ha", True),
        ("67 ha", "66,4 ha", False),
        ("1,1 tỷ đồng", "1.109.521.000 đồng", True),
        ("1,2 tỷ đồng", "1.109.521.000 đồng", False),
        ("1.109.521.000 đồng", "1.109.521.000 VNĐ", True),
        ("98.42%", "98,42%", True),
        ("99%", "98,42%", False),
        ("98,42 phần trăm", "98,42%", True),
        ("khoảng 98%", "98,42%", True),
        ("khoảng 90%", "98,42%", False),
        ("khoảng 40 nền", "40 nền", True),
        ("hơn 60 ha", "66,4 ha", True),
        ("hơn 70 ha", "66,4 ha", False),
        ("trên 20 tổ chức", "22 tổ chức", True),
        ("dưới 70 ha", "66,4 ha", True),
        ("dưới 60 ha", "66,4 ha", False),
        ("gần 67 ha", "66,4 ha", True),
        ("gần 100 ha", "66,4 ha", False),
        ("ngày 9/10/2021", "ngày 9 tháng 10 năm 2021", True),
        ("ngày 10/9/2021", "9/10/2021", False),
        ("ngày 12/3/2021", "từ ngày 12-13/3/2021", True),
        ("vào tháng 3/2021", "từ ngày 12-13/3/2021", True),
        ("vào tháng 4/2021", "từ ngày 12-13/3/2021", False),
        ("ngày 10-12/3/2021", "từ ngày 12-13/3/2021", False),
        ("15/23 vụ việc", "15/23 vụ việc", True),
        ("15/25 vụ việc", "15/23 vụ việc", False),
        ("15 trên tổng số 23 vụ việc", "15/23 vụ việc", True),
        ("18 trên tổng số 23 vụ việc", "15/23 vụ việc", False),
        ("Thông tư 31/2018/TT-BTNMT", "Thông tư số 31/2018/TT-BTNMT", True),
        ("Nghị quyết 50/NQ-HĐND", "Nghị quyết số 51/NQ-HĐND", False),
    ],
    ids=lambda v: str(v),
)
def test_comparison_rules(claimed: str, reported: str, expected: bool) -> None:
    assert matches(_q(claimed), _q(reported), tolerance_pct=5.0) is expected


@pytest.mark.parametrize(
    ("claimed", "reported", "expected"),
    [
        ("66.4 hectares", "66,4 ha", True),
        ("about 98 percent", "98,42%", True),
        ("more than 70 hectares", "66,4 ha", False),
    ],
    ids=["en-decimal-point", "en-about", "en-more-than"],
)
def test_english_figures(claimed: str, reported: str, expected: bool) -> None:
    assert matches(_q(claimed, "en"), _q(reported), tolerance_pct=5.0, lang="en") is expected


@pytest.mark.parametrize(
    ("text", "step"),
    [("66,4 ha", 0.1), ("1,1 tỷ đồng", 1e8), ("99%", 1.0), ("1.109.521.000 đồng", 1.0), ("98,42%", 0.01)],
    ids=["decimal-comma", "scale-word", "integer", "thousands-dots", "two-decimals"],
)
def test_precision_of_a_claim(text: str, step: float) -> None:
    assert precision(_q(text)) == pytest.approx(step)


def test_tolerance_is_a_setting() -> None:
    assert not matches(_q("khoảng 95%"), _q("98,42%"), tolerance_pct=2.0)
    assert matches(_q("khoảng 95%"), _q("98,42%"), tolerance_pct=5.0)
