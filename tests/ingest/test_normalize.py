import unicodedata

import pytest

from ingest.normalize import clean, fold, has_diacritics, match_form, unify_tones


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Ho\u0300a  bi\u0300nh", "Hòa bình"),
        ("thu\u00adgom", "thugom"),
        ("66,4\u00a0ha", "66,4 ha"),
        ("dòng 1\r\ndòng 2", "dòng 1\ndòng 2"),
        ("đoạn 1\n\n\n  \nđoạn 2", "đoạn 1\n\nđoạn 2"),
        ("\ufeffzero\u200bwidth", "zerowidth"),
    ],
    ids=["nfd", "soft-hyphen", "nbsp", "crlf", "blank-lines", "invisible"],
)
def test_clean(raw: str, expected: str) -> None:
    assert clean(raw) == expected


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("hoà", "hòa"),
        ("Uỷ ban", "Ủy ban"),
        ("thuỷ", "thủy"),
        ("khoẻ", "khỏe"),
        ("hoàn", "hoàn"),
        ("quý", "quý"),
    ],
    ids=["hoa", "uy-ban", "thuy", "khoe", "final-consonant", "qu-y"],
)
def test_tone_placement_unified_for_matching(old: str, new: str) -> None:
    assert match_form(old) == match_form(new)
    assert match_form(unicodedata.normalize("NFD", old)) == match_form(new)


def test_unify_keeps_other_text() -> None:
    text = "Tỷ lệ thu gom đạt 98,42%"
    assert unify_tones(text) == text


def test_fold_and_diacritics() -> None:
    assert fold("Cho thuê ĐẤT") == "cho thue dat"
    assert not has_diacritics("cho thue dat bao nhieu ha")
    assert has_diacritics("cho thuê")
