"""Vietnamese numbers, units, dates and document codes in running text.

Reports write numbers the Vietnamese way: a decimal comma and a thousands dot ("66,4 ha",
"1.109.521.000 đồng"), zero-padded counts ("06 trường hợp"), scale words ("1,1 tỷ đồng"), fractions of
a whole ("9/9 quận, huyện"), day-first dates ("9/10/2021") and document codes full of digits
("31/2018/TT-BTNMT"). ``find_quantities`` reads all of them into ``Quantity`` records, each with its
exact span in the input, so that answers can quote the figure and fact-checks can compare values in
one canonical unit.

The reader is a handful of regular expressions compiled at import time, tried in order of priority
(codes, dates, years, fractions, then plain numbers); a later reading never takes characters an
earlier one claimed. It never raises: text it cannot read yields fewer quantities.
"""

from __future__ import annotations

import calendar
import datetime
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Context, Decimal
from functools import lru_cache

from ingest.normalize import fold, match_form
from qa.units import (
    COUNT_NOUNS,
    COUNT_NOUNS_EN,
    DATE_CUES,
    MONTHS_EN,
    QUALIFIER_WORDS,
    QUALIFIERS,
    QUARTERS,
    SCALE_NOT_BEFORE,
    SCALE_WORDS,
    UNIT_KINDS,
    UNIT_NOT_BEFORE,
    UNITS,
    YEAR_CUES,
    Kind,
    Qualifier,
)

__all__ = [
    "COUNT_NOUNS",
    "COUNT_NOUNS_EN",
    "SCALE_WORDS",
    "UNITS",
    "UNIT_KINDS",
    "Kind",
    "Qualifier",
    "Quantity",
    "canonical_unit",
    "find_quantities",
    "format_number",
    "format_quantity",
    "parse_number",
    "same_quantity",
]


@dataclass(frozen=True)
class Quantity:
    """One figure found in a text, in its canonical unit.

    Attributes:
        value: the value in the canonical unit, scale words applied ("1,1 tỷ đồng" -> 1.1e9); for a date
            its ordinal (``date.toordinal()``); for a fraction "15/23" the numerator 15; for a code its
            leading number.
        unit: the canonical unit ("ha", "m2", "km2", "km", "m", "tấn", "kg", "m3", "lít", "%", "đồng",
            "USD"), or for a count the counted noun in lowercase NFC ("tổ chức", "cuộc", "trường hợp";
            "organizations"), or "" when bare.
        kind: what the figure measures: "area", "money", "count", "date", "code", ...
        text: the exact wording in the input, qualifier included: "khoảng 98,42%".
        start: where ``text`` starts in the input.
        end: where it ends (exclusive): ``input[start:end] == text``.
        qualifier: "approx" (khoảng, xấp xỉ), "over" (hơn, trên), "under" (dưới, gần) or "".
        denominator: the whole of a fraction: "15/23 vụ việc" -> 23.
        date: the day of a date, or the first day of a month, quarter or range.
        date_end: the last day of a month, quarter or range ("12-13/3/2021" -> 2021-03-13).
        upper: the upper bound of a range: "2016-2020" -> 2020, "10-15 ha" -> 15.
    """

    value: float
    unit: str
    kind: Kind
    text: str
    start: int
    end: int
    qualifier: Qualifier = ""
    denominator: float | None = None
    date: datetime.date | None = None
    date_end: datetime.date | None = None
    upper: float | None = None


# ---------------------------------------------------------------------------------------------- patterns

_SP = r"[^\S\n]"  # a space that is not a line break
_GAP = rf"{_SP}{{0,3}}"  # between a number and its unit: none ("35ha") to a few (double spaces in reports)
_NUM = r"[0-9]+(?:[.,][0-9]+)*"
_NUM_RE = re.compile(_NUM)
_GROUPED = {".": re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+"), ",": re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+")}


def _alternation(words: Iterable[str]) -> str:
    """Longest first, so that "m2" is tried before "m"; spaces match any run of spaces."""
    ordered = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(word).replace(r"\ ", _SP + "+") for word in ordered)


def _word_end(word: str) -> str:
    return r"(?!\w)" if word[-1].isalnum() else ""


def _unit_pattern() -> str:
    parts = []
    for variant in sorted(UNITS, key=len, reverse=True):
        guard = ""
        if variant in UNIT_NOT_BEFORE:
            after = "|".join(re.escape(word) + _word_end(word) for word in UNIT_NOT_BEFORE[variant])
            guard = rf"(?!{_SP}*(?:{after}))"
        parts.append(re.escape(variant).replace(r"\ ", _SP + "+") + _word_end(variant) + guard)
    return "|".join(parts)


_UNIT_RE = re.compile(rf"{_GAP}({_unit_pattern()})", re.IGNORECASE)
_SCALE_RE = re.compile(
    rf"{_GAP}({_alternation(SCALE_WORDS)})(?!\w)(?!{_SP}+(?:{_alternation(SCALE_NOT_BEFORE)})(?!\w))",
    re.IGNORECASE,
)
_QUALIFIER_RE = re.compile(rf"(?<!\w)({_alternation(QUALIFIERS)}){_SP}*$", re.IGNORECASE)
_YEAR_CUE_RE = re.compile(rf"(?<!\w)(?:{_alternation(YEAR_CUES)}){_SP}+$", re.IGNORECASE)
_DATE_CUE_RE = re.compile(rf"(?<!\w)(?:{_alternation(DATE_CUES)}){_SP}+$", re.IGNORECASE)
_CURRENCY_PREFIX_RE = re.compile(r"(?:US\$|\$)[^\S\n]?$")
# "Covid 19" written with a space is still the name of the disease
_NAME_BEFORE_RE = re.compile(rf"(?<!\w)covid{_SP}*$", re.IGNORECASE)
_NOUN_TOKEN_RE = re.compile(rf"{_GAP}(\w+|,)")
_RANGE_NEXT_RE = re.compile(rf"{_GAP}[-–]{_GAP}({_NUM})")

# document codes: "04/NQ-HĐND", "31/2018/TT-BTNMT", "120/2020/NĐ- CP"; the sign starts with a capital
_SIGN = r"[A-ZĐÐ][A-Za-zĐđÐ0-9]*"
_CODE_RE = re.compile(
    rf"(?<![\w/.,])([0-9]{{1,6}})(?:/[0-9]{{2,4}})?/({_SIGN}(?:{_SP}?[-–]{_SP}?{_SIGN})*)(?!\w)"
)

_NOT_BEFORE = r"(?<![0-9/.,])"
_NOT_AFTER = r"(?![0-9/]|[.,][0-9])"
_D = r"[0-9]{1,2}"
_Y = r"[0-9]{4}"
_DASH = rf"{_SP}*[-–]{_SP}*"
# ranges of days: "12-13/3/2021", "12/3 - 13/4/2021", "31/12/2020 - 2/1/2021"
_FULL_RANGE_RE = re.compile(
    rf"{_NOT_BEFORE}(?P<d1>{_D})/(?P<m1>{_D})/(?P<y1>{_Y}){_DASH}(?P<d2>{_D})/(?P<m2>{_D})/(?P<y2>{_Y}){_NOT_AFTER}"
)
_MONTHS_RANGE_RE = re.compile(
    rf"{_NOT_BEFORE}(?P<d1>{_D})/(?P<m1>{_D}){_DASH}(?P<d2>{_D})/(?P<m2>{_D})/(?P<y2>{_Y}){_NOT_AFTER}"
)
_DAYS_RANGE_RE = re.compile(
    rf"{_NOT_BEFORE}(?P<d1>{_D}){_DASH}(?P<d2>{_D})(?P<sep>[/.])(?P<m2>{_D})(?P=sep)(?P<y2>{_Y}){_NOT_AFTER}"
)
# "ngày 26 tháng 12 năm 2018"
_LONG_DATE_RE = re.compile(
    rf"(?<!\w)(?:ngày{_SP}+)?(?P<d>{_D}){_SP}+tháng{_SP}+(?P<m>{_D}){_SP}*,?{_SP}*năm{_SP}+(?P<y>{_Y})(?![0-9])",
    re.IGNORECASE,
)
# "9/10/2021", "05.3.2021", "05-3-2021"
_DATE_RE = re.compile(rf"{_NOT_BEFORE}(?P<d>{_D})(?P<sep>[/.\-])(?P<m>{_D})(?P=sep)(?P<y>{_Y}){_NOT_AFTER}")
_MONTH_OR_YEAR = rf"(?:{_SP}*[/\-]{_SP}*|{_SP}+năm{_SP}+)"
_QUARTER_RE = re.compile(
    rf"(?<!\w)quý{_SP}+(?P<q>iv|i{{1,3}}|[1-4]){_MONTH_OR_YEAR}(?P<y>{_Y})(?![0-9])", re.IGNORECASE
)
_MONTH_RE = re.compile(rf"(?<!\w)tháng{_SP}+(?P<m>{_D}){_MONTH_OR_YEAR}(?P<y>{_Y})(?![0-9])", re.IGNORECASE)
# "9/2021" standing alone is a month; "3/2021" after "quý" was read above
_BARE_MONTH_RE = re.compile(rf"(?<![0-9/.,\w])(?P<m>{_D})/(?P<y>{_Y}){_NOT_AFTER}")
# English month names count only when capitalised, so that "may 2021" in a sentence is not May
_MONTH_NAME = "|".join(
    alt for name in sorted(MONTHS_EN, key=len, reverse=True) for alt in (name.title(), name.upper())
)
_EN_MDY_RE = re.compile(
    rf"(?<!\w)(?P<mon>{_MONTH_NAME})(?!\w)\.?{_SP}+(?P<d>{_D})(?:st|nd|rd|th)?,?{_SP}+(?P<y>{_Y})(?![0-9])"
)
_EN_DMY_RE = re.compile(
    rf"(?<![\w/.,])(?P<d>{_D})(?:st|nd|rd|th)?{_SP}+(?:of{_SP}+)?(?P<mon>{_MONTH_NAME})(?!\w)\.?,?{_SP}+"
    rf"(?P<y>{_Y})(?![0-9])"
)
_EN_MONTH_RE = re.compile(rf"(?<!\w)(?P<mon>{_MONTH_NAME})(?!\w)\.?,?{_SP}+(?P<y>{_Y})(?![0-9])")
_YEAR_RANGE_RE = re.compile(rf"(?<![\w/.,])(?P<a>{_Y}){_SP}*[-–—]{_SP}*(?P<b>{_Y}){_NOT_AFTER}")
# "từ năm 2016 đến năm 2020", "from 2005 to 2010": a period in words
_YEAR_SPAN_RE = re.compile(
    rf"(?<!\w)(?:từ|from){_SP}+(?:(?:năm|the year){_SP}+)?(?P<a>{_Y}){_SP}+(?:đến|tới|to|until){_SP}+"
    rf"(?:(?:năm|the year){_SP}+)?(?P<b>{_Y}){_NOT_AFTER}(?!\w)",
    re.IGNORECASE,
)
# "15/23", and in words: "18 trên tổng số 23", "15 trong tổng số 23", "8 trên 9", "8 out of 9"
# ("trong" only before "số": "trong 9 tháng" is a period, not a whole)
_FRACTION_RE = re.compile(
    rf"(?<![0-9/.,:])(?P<n>[0-9]{{1,6}})(?:/|{_SP}+(?:trên(?:{_SP}+tổng{_SP}+số)?"
    rf"|trong(?:{_SP}+tổng)?{_SP}+số|out{_SP}+of){_SP}+)"
    rf"(?P<d>[0-9]{{1,6}}){_NOT_AFTER}"
)

_YEAR_MIN, _YEAR_MAX = 1900, 2100
_OLD_YEAR_MIN = 1000
_QUALIFIER_WINDOW = 32  # characters before a number searched for "khoảng", "more than", ...
_CUE_WINDOW = 12


@lru_cache(maxsize=8192)
def _key(word: str) -> str:
    return match_form(word)


def _noun_tokens(noun: str) -> tuple[str, ...]:
    return tuple(_key(token) for token in re.findall(r"\w+|,", noun))


_NOUNS: dict[tuple[str, ...], str] = {_noun_tokens(noun): match_form(noun) for noun in COUNT_NOUNS}
_MAX_NOUN_TOKENS = max(map(len, _NOUNS))
_SCALES = {" ".join(word.split()): factor for word, factor in SCALE_WORDS.items()}
_FOLDED_UNITS = {fold(variant): canonical for variant, (canonical, _, _) in UNITS.items()}
_DECIMAL_CONTEXT = Context(prec=1000, rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------------------------------------- numbers


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _parse_digits(token: str, lang: str) -> float | None:
    """Digits with dots and commas, read by the convention of ``lang``; None if no convention fits."""
    dots, commas = token.count("."), token.count(",")
    if not dots and not commas:
        return _finite(float(token))
    if dots and commas:
        # both marks: the last one is the decimal mark ("3.402,51", or typed the English way "1,109.5")
        decimal_mark = "." if token.rfind(".") > token.rfind(",") else ","
        group_mark = "," if decimal_mark == "." else "."
        whole, _, fraction = token.rpartition(decimal_mark)
        if decimal_mark in whole or not _GROUPED[group_mark].fullmatch(whole):
            return None
        return _finite(float(whole.replace(group_mark, "") + "." + fraction))
    mark = "." if dots else ","
    if dots + commas > 1:
        # several marks of one kind can only group thousands: "1.109.521.000", "1,109,521,000"
        return _finite(float(token.replace(mark, ""))) if _GROUPED[mark].fullmatch(token) else None
    whole, fraction = token.split(mark)
    # decimal comma: in Vietnamese "1.101" is one thousand one hundred one, but "98.42" was typed the
    # English way and is a decimal; in English it is the comma that groups thousands
    group_mark = "," if lang == "en" else "."
    if mark == group_mark and len(fraction) == 3 and len(whole) <= 3 and not whole.startswith("0"):
        return _finite(float(whole + fraction))
    return _finite(float(whole + "." + fraction))


_PARSE_RE = re.compile(rf"\s*([+\-−]?)\s*({_NUM})(?:\s*({_alternation(SCALE_WORDS)}))?\s*", re.IGNORECASE)


def parse_number(token: str, *, lang: str = "vi") -> float | None:
    """Read one written number, with an optional scale word.

    Args:
        token: the number as written: "66,4", "1.109.521.000", "06", "1,1 tỷ".
        lang: "vi" (decimal comma, thousands dot) or "en" (decimal point, thousands comma). A dot
            followed by one, two or more than three digits is a decimal point in both.

    Returns:
        The value, or None if ``token`` is not a number: "66,4" -> 66.4; "1.101" -> 1101.0;
        "98.42" -> 98.42; "3.402,51" -> 3402.51; "2,5 triệu" -> 2500000.0; with lang="en",
        "1,101" -> 1101.0.
    """
    match = _PARSE_RE.fullmatch(unicodedata.normalize("NFC", token))
    if match is None:
        return None
    value = _parse_digits(match.group(2), lang)
    if value is None:
        return None
    if match.group(3):
        value *= _SCALES[" ".join(match.group(3).lower().split())]
    return -value if match.group(1) in ("-", "−") else value


def format_number(value: float, *, decimals: int | None = None) -> str:
    """Write a number the Vietnamese way: thousands dot, decimal comma.

    Args:
        value: the number.
        decimals: digits after the comma, rounded half up; None writes as many as the value needs.

    Returns:
        The number as text: 66.4 -> "66,4"; 1109521000 -> "1.109.521.000"; 1101 -> "1.101";
        ``format_number(2 / 3, decimals=2)`` -> "0,67".
    """
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    exact = Decimal(value) if isinstance(value, int) else Decimal(repr(float(value)))
    if decimals is not None:
        exact = exact.quantize(Decimal((0, (1,), -max(decimals, 0))), context=_DECIMAL_CONTEXT)
    text = format(abs(exact), "f")
    whole, _, fraction = text.partition(".")
    if decimals is None:
        fraction = fraction.rstrip("0")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    sign = "-" if exact < 0 else ""  # a value rounded to zero is "0", never "-0"
    return sign + ".".join(groups) + ("," + fraction if fraction else "")


def same_quantity(a: float, b: float, *, rel_tol: float = 0.005) -> bool:
    """True if two values agree to within ``rel_tol``, relative (0.5% by default).

    98.42 and 98.4 agree; 21.32 and 31.32 do not. A fact-check compares a speech's figure with the
    report's this way, so that a rounded figure still counts as the same.
    """
    return math.isclose(a, b, rel_tol=rel_tol, abs_tol=1e-9)


def canonical_unit(word: str) -> str | None:
    """The canonical unit for a unit word or counted noun, or None if it is neither.

    Args:
        word: a unit as written, with or without diacritics, optionally after a scale word.

    Returns:
        "héc-ta", "hectares", "ha" -> "ha"; "VNĐ", "đ", "dong", "tỷ đồng" -> "đồng"; "phần trăm",
        "percent" -> "%"; "m²" -> "m2"; "Trường hợp" -> "trường hợp"; "organizations" -> "organizations".
    """
    key = " ".join(match_form(word).split())
    for scale in sorted(_SCALES, key=len, reverse=True):
        if key.startswith(scale + " "):
            key = key[len(scale) + 1 :]
            break
    if key in UNITS:
        return UNITS[key][0]
    noun = _NOUNS.get(_noun_tokens(key))
    if noun is not None:
        return noun
    if key in COUNT_NOUNS_EN:
        return key
    return _FOLDED_UNITS.get(fold(key))


# ---------------------------------------------------------------------------------------------- reading


def _composed(text: str) -> tuple[str, list[int] | None]:
    """The NFC form of ``text`` and, when it differs, the offset in ``text`` of each of its characters."""
    if unicodedata.is_normalized("NFC", text):
        return text, None
    pieces: list[str] = []
    offsets: list[int] = []
    start = 0
    while start < len(text):
        # a base character with the combining marks after it composes on its own
        end = start + 1
        while end < len(text) and unicodedata.combining(text[end]):
            end += 1
        piece = unicodedata.normalize("NFC", text[start:end])
        pieces.append(piece)
        offsets.extend([start] * len(piece))
        start = end
    return "".join(pieces), offsets


def _make_date(year: str | int, month: str | int, day: str | int) -> datetime.date | None:
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:  # 31/2/2021 is not a day
        return None


def _month_span(year: int, month: int, months: int = 1) -> tuple[datetime.date, datetime.date] | None:
    first = _make_date(year, month, 1)
    last_month = month + months - 1
    if first is None or not 1 <= last_month <= 12:
        return None
    return first, datetime.date(year, last_month, calendar.monthrange(year, last_month)[1])


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


class _Reader:
    """One pass over one composed text: the candidates of each kind, in priority order."""

    def __init__(self, text: str, lang: str) -> None:
        self.text = text
        self.lang = lang
        self.taken = bytearray(len(text))
        self.found: list[Quantity] = []

    def free(self, start: int, end: int) -> bool:
        return self.taken.find(1, start, end) == -1

    def add(self, quantity: Quantity) -> None:
        self.taken[quantity.start : quantity.end] = b"\x01" * (quantity.end - quantity.start)
        self.found.append(quantity)

    def add_match(
        self,
        match: re.Match[str],
        kind: Kind,
        value: float,
        *,
        date: datetime.date | None = None,
        date_end: datetime.date | None = None,
        upper: float | None = None,
    ) -> None:
        start, end = match.span()
        if self.free(start, end):
            quantity = Quantity(
                value, "", kind, match.group(0), start, end, date=date, date_end=date_end, upper=upper
            )
            self.add(quantity)

    def add_dates(
        self, span: tuple[datetime.date | None, datetime.date | None] | None, match: re.Match[str]
    ) -> None:
        """Add the days from ``span[0]`` to ``span[1]`` if both are days, in order."""
        first, last = span or (None, None)
        if first is None or last is None or last < first:
            return
        end = last if last != first else None
        self.add_match(match, "date", float(first.toordinal()), date=first, date_end=end)

    # -- the passes, highest priority first

    def codes(self) -> None:
        for match in _CODE_RE.finditer(self.text):
            if sum(ch.isupper() for ch in match.group(2)) >= 2:
                self.add_match(match, "code", float(match.group(1)))

    def dates(self) -> None:
        text = self.text
        for match in _FULL_RANGE_RE.finditer(text):
            self.add_dates(
                (
                    _make_date(match["y1"], match["m1"], match["d1"]),
                    _make_date(match["y2"], match["m2"], match["d2"]),
                ),
                match,
            )
        for match in _MONTHS_RANGE_RE.finditer(text):
            self.add_dates(
                (
                    _make_date(match["y2"], match["m1"], match["d1"]),
                    _make_date(match["y2"], match["m2"], match["d2"]),
                ),
                match,
            )
        for match in _DAYS_RANGE_RE.finditer(text):
            self.add_dates(
                (
                    _make_date(match["y2"], match["m2"], match["d1"]),
                    _make_date(match["y2"], match["m2"], match["d2"]),
                ),
                match,
            )
        for pattern in (_LONG_DATE_RE, _DATE_RE):
            for match in pattern.finditer(text):
                day = _make_date(match["y"], match["m"], match["d"])
                self.add_dates((day, day), match)
        for pattern in (_EN_MDY_RE, _EN_DMY_RE):
            for match in pattern.finditer(text):
                day = _make_date(match["y"], MONTHS_EN[match["mon"].lower()], match["d"])
                self.add_dates((day, day), match)
        for match in _QUARTER_RE.finditer(text):
            quarter = QUARTERS[match["q"].lower()]
            self.add_dates(_month_span(int(match["y"]), 3 * quarter - 2, 3), match)
        for pattern in (_MONTH_RE, _BARE_MONTH_RE):
            for match in pattern.finditer(text):
                year = int(match["y"])
                if _YEAR_MIN <= year <= _YEAR_MAX or pattern is _MONTH_RE:
                    self.add_dates(_month_span(year, int(match["m"])), match)
        for match in _EN_MONTH_RE.finditer(text):
            self.add_dates(_month_span(int(match["y"]), MONTHS_EN[match["mon"].lower()]), match)

    def year_ranges(self) -> None:
        for match in _YEAR_SPAN_RE.finditer(self.text):
            first, last = int(match["a"]), int(match["b"])
            # the words frame the years: older ones ("từ năm 1870 đến 1939") are read too
            if _OLD_YEAR_MIN <= first < last <= _YEAR_MAX and not _UNIT_RE.match(self.text, match.end()):
                self.add_match(match, "year", float(first), upper=float(last))
        for match in _YEAR_RANGE_RE.finditer(self.text):
            first, last = int(match["a"]), int(match["b"])
            if not (_YEAR_MIN <= first < last <= _YEAR_MAX):
                continue
            # "2000-3000 ha" is a range of areas, read with the numbers below
            if _SCALE_RE.match(self.text, match.end()) or _UNIT_RE.match(self.text, match.end()):
                continue
            self.add_match(match, "year", float(first), upper=float(last))

    def fractions(self) -> None:
        text = self.text
        for match in _FRACTION_RE.finditer(text):
            start, end = match.span()
            numerator, whole = int(match["n"]), int(match["d"])
            if not whole > 0 or numerator > whole or not self.free(start, end):
                continue
            if whole <= 12 and _DATE_CUE_RE.search(text, max(0, start - _CUE_WINDOW), start):
                continue  # "ngày 9/9" is a day without its year, not nine ninths
            noun = self._noun(end)
            if noun is None and end < len(text) and _is_word_char(text[end]):
                continue
            first, qualifier = self._qualifier(start)
            if first is None:
                continue
            unit, end = noun or ("", end)
            self.add(
                Quantity(
                    float(numerator),
                    unit,
                    "fraction",
                    text[first:end],
                    first,
                    end,
                    qualifier,
                    denominator=float(whole),
                )
            )

    def numbers(self) -> None:
        for match in _NUM_RE.finditer(self.text):
            if self.free(*match.span()):
                quantity = self._number(match.start(), match.end())
                if quantity is not None:
                    self.add(quantity)

    # -- helpers

    def _qualifier(self, start: int) -> tuple[int | None, Qualifier]:
        """Where a quantity starting at ``start`` begins with its qualifier; None if glued to a word."""
        text = self.text
        match = _QUALIFIER_RE.search(text, max(0, start - _QUALIFIER_WINDOW), start)
        if match is not None and self.free(match.start(), start):
            qualifier = QUALIFIERS.get(" ".join(match.group(1).lower().split()), "")
            if qualifier:
                return match.start(), qualifier
        if start > 0 and _is_word_char(text[start - 1]):
            return None, ""  # "QL91", "IC3": a number glued to a name is part of the name
        return start, ""

    def _noun(self, pos: int, *, lowercase_only: bool = False) -> tuple[str, int] | None:
        """The counted noun at ``pos`` (longest match) and where it ends."""
        tokens: list[tuple[str, int]] = []
        while len(tokens) < _MAX_NOUN_TOKENS:
            match = _NOUN_TOKEN_RE.match(self.text, pos)
            if match is None:
                break
            tokens.append((match.group(1), match.end()))
            pos = match.end()
        if not tokens or (lowercase_only and not tokens[0][0].islower()):
            return None
        keys = tuple(_key(token) for token, _ in tokens)
        for size in range(len(tokens), 0, -1):
            noun = _NOUNS.get(keys[:size])
            if noun is not None:
                return noun, tokens[size - 1][1]
        first = tokens[0][0].lower()
        return (first, tokens[0][1]) if first in COUNT_NOUNS_EN else None

    def _unit(self, pos: int) -> tuple[float, str, Kind, float, int] | None:
        """Scale word, unit and counted noun at ``pos``: (scale, unit, kind, factor, end), or None."""
        scale, unit, factor = 1.0, "", 1.0
        kind: Kind = "number"
        match = _SCALE_RE.match(self.text, pos)
        if match is not None:
            scale, pos = _SCALES[" ".join(match.group(1).lower().split())], match.end()
        match = _UNIT_RE.match(self.text, pos)
        if match is not None:
            unit, kind, factor = UNITS[" ".join(match.group(1).lower().split())]
            return scale, unit, kind, factor, match.end()
        return (scale, unit, kind, factor, pos) if scale != 1.0 else None

    def _number(self, start: int, end: int) -> Quantity | None:
        text, size = self.text, len(self.text)
        before = text[start - 1] if start else ""
        after = text[end] if end < size else ""
        if (before and before in "/:") or (after and after in "/:"):
            return None  # part of a date, a time or a code that did not read
        if before in ("-", "–") and start >= 2 and text[start - 2].isalpha():
            return None  # "Covid-19", "SARS-CoV-2"
        if _NAME_BEFORE_RE.search(text, max(0, start - 8), start):
            return None
        value = _parse_digits(text[start:end], self.lang)
        if value is None:
            return None
        first = start
        prefix = _CURRENCY_PREFIX_RE.search(text, max(0, start - 4), start)
        if prefix is not None and self.free(prefix.start(), start):
            first = prefix.start()
        first_with_qualifier, qualifier = self._qualifier(first)
        if first_with_qualifier is None:
            return None

        upper: float | None = None
        tail_at = end
        follow = _RANGE_NEXT_RE.match(text, end)
        if follow is not None:
            second = _parse_digits(follow.group(1), self.lang)
            # a range needs a unit after it: "10-15 ha"; a bare "5-7" is two numbers
            if (
                second is not None
                and second > value
                and (self._unit(follow.end()) or self._noun(follow.end()))
                and not (follow.end() < size and text[follow.end()] in "/:")
            ):
                upper, tail_at = second, follow.end()

        scale, unit, factor, stop = 1.0, "", 1.0, tail_at
        kind: Kind = "number"
        read = self._unit(tail_at)
        if read is not None:
            scale, unit, kind, factor, stop = read
        if prefix is not None and first != start:
            unit, kind = "USD", "money"
        token = text[start:end]
        year_like = (
            token.isdigit()
            and len(token) == 4
            and (
                _YEAR_MIN <= value <= _YEAR_MAX
                # an older year when a cue says so: "năm 1886", "in 1773"
                or (
                    _OLD_YEAR_MIN <= value < _YEAR_MIN
                    and _YEAR_CUE_RE.search(text, max(0, start - _CUE_WINDOW), start) is not None
                )
            )
            and read is None
            and first == start
            and not qualifier
            and upper is None
        )
        if kind == "number" and not unit:
            # a year keeps its reading before a capitalised word: "giai đoạn 2017-2021 Khu đô thị"
            noun = self._noun(stop, lowercase_only=year_like)
            if noun is not None and not (
                year_like and _YEAR_CUE_RE.search(text, max(0, start - _CUE_WINDOW), start)
            ):
                unit, kind, stop = noun[0], "count", noun[1]
        if stop == end and after and _is_word_char(after):
            return None  # "3a", "5G": a number glued to letters that are no unit
        if not self.free(first_with_qualifier, stop):
            return None
        if year_like and kind == "number":
            return Quantity(value, "", "year", token, start, end)
        multiplier = scale * factor
        return Quantity(
            value * multiplier,
            unit,
            kind,
            text[first_with_qualifier:stop],
            first_with_qualifier,
            stop,
            qualifier,
            upper=None if upper is None else upper * multiplier,
        )


def find_quantities(text: str, *, lang: str = "vi") -> list[Quantity]:
    """Every number, measure, date, year, fraction and document code in a text, in order.

    Args:
        text: any text, composed or decomposed Unicode.
        lang: "vi" or "en": how a lone separator is read ("1,101" is 1.101 in Vietnamese, 1101 in
            English). Dates are read day first in both, as Vietnamese reports write them.

    Returns:
        The quantities, ordered by position; ``text[q.start:q.end] == q.text`` for each. Examples:
        "diện tích 66,4 ha" -> 66.4 "ha" (area); "06 trường hợp" -> 6 "trường hợp" (count);
        "1,1 tỷ đồng" -> 1.1e9 "đồng" (money); "9/9 quận, huyện" -> fraction 9 of 9;
        "ngày 9/10/2021" -> date 2021-10-09; "31/2018/TT-BTNMT" -> code; "Covid-19" -> nothing.
    """
    composed, offsets = _composed(text)
    reader = _Reader(composed, "en" if lang == "en" else "vi")
    reader.codes()
    reader.dates()
    reader.year_ranges()
    reader.fractions()
    reader.numbers()
    found = sorted(reader.found, key=lambda quantity: quantity.start)
    if offsets is None:
        return found
    mapped = []
    for quantity in found:
        start = offsets[quantity.start]
        end = len(text) if quantity.end >= len(offsets) else offsets[quantity.end]
        if start < end:
            mapped.append(replace(quantity, text=text[start:end], start=start, end=end))
    return mapped


# ---------------------------------------------------------------------------------------------- writing


def _format_day(day: datetime.date) -> str:
    return f"{day.day}/{day.month}/{day.year}"


def _format_dates(first: datetime.date, last: datetime.date | None) -> str:
    if last is None or last == first:
        return _format_day(first)
    month_end = calendar.monthrange(last.year, last.month)[1]
    if first.day == 1 and last.day == month_end and first.year == last.year:
        if first.month == last.month:
            return f"tháng {first.month}/{first.year}"
        if last.month - first.month == 2 and first.month % 3 == 1:
            return f"quý {first.month // 3 + 1}/{first.year}"
    if first.year != last.year:
        return f"{_format_day(first)} - {_format_day(last)}"
    if first.month != last.month:
        return f"{first.day}/{first.month} - {_format_day(last)}"
    return f"{first.day}-{_format_day(last)}"


def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else format_number(value)


def format_quantity(q: Quantity) -> str:
    """Write a quantity the Vietnamese way, so that ``find_quantities`` reads it back.

    Returns:
        "66,4 ha", "98,42%", "khoảng 40 nền", "1.109.521.000 đồng", "9/10/2021", "tháng 9/2021",
        "12-13/3/2021", "2016-2020", "15/23 vụ việc"; a code is written as it was found.
    """
    if q.kind == "code" or (q.kind == "date" and q.date is None) or not math.isfinite(q.value):
        return q.text
    if q.kind == "date" and q.date is not None:
        return _format_dates(q.date, q.date_end)
    if q.kind == "year":
        return f"{int(q.value)}" + (
            f"-{int(q.upper)}" if q.upper is not None and math.isfinite(q.upper) else ""
        )
    prefix = QUALIFIER_WORDS[q.qualifier] + " " if q.qualifier else ""
    if q.kind == "fraction" and q.denominator is not None:
        # a fraction of a whole is written without grouping dots: "15/23", "120/1500"
        figure = f"{_plain(q.value)}/{_plain(q.denominator)}"
    else:
        figure = format_number(q.value)
        if q.upper is not None:
            figure += f"-{format_number(q.upper)}"
    if not q.unit:
        return prefix + figure
    return prefix + figure + ("%" if q.unit == "%" else " " + q.unit)
