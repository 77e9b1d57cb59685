"""Reporting periods as typed values: a month, a quarter, six or nine months, a year, a span of years.

A department reports the same measures month after month and year after year, and writes the
period in many ways: "quý II/2025", "Quý 2 năm 2025", "6 tháng đầu năm 2025", "9 tháng năm 2024",
"lũy kế đến 30/9/2025", "tháng 10/2025", "năm 2024", "giai đoạn 2021-2025", and in questions also
"Q2 2025", "first half of 2025", typed with or without diacritics. Each becomes a ``Period``: the
months it covers, from which its kind, its code ("2025-Q2") and its Vietnamese label ("Quý
II/2025") follow, so that two spellings of one period are equal and periods sort by time.

``find_periods`` finds every period a text names, with its span and whether it is the other side of
a comparison ("so với cùng kỳ năm 2024", "so với quý I/2025"): such a period is not the period of
the figures around it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ingest.normalize import fold

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_WORD_NUMBERS = {"ba": 3, "sau": 6, "chin": 9, "muoi": 10, "muoi mot": 11, "muoi hai": 12}
_ENGLISH_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_ENGLISH_MONTHS = {
    m: n
    for n, m in enumerate(
        ("january", "february", "march", "april", "may", "june", "july", "august", "september",
         "october", "november", "december"),
        start=1,
    )
}  # fmt: skip
_YEAR = r"((?:19|20)\d{2})"
_SEP = r"(?:\s*/\s*|\s+năm\s+|\s+nam\s+|,\s*năm\s+|,\s*nam\s+|\s+|\s*-\s*)"
_COUNT = r"(\d{1,2}|ba|sau|chin|muoi hai|muoi mot|muoi)"
# the patterns read the folded text (no diacritics, lower case: "quy ii nam 2025"), whose positions
# are those of the original text
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("span", re.compile(rf"(?:(?:giai doan|thoi ky|period)\s+)?(?<![\d/.-]){_YEAR}\s*[-–]\s*{_YEAR}(?![\d/-])")),
    ("cumulative", re.compile(rf"luy ke(?: tu dau nam)?(?: den| toi)?(?: het)?(?: ngay)?\s+(\d{{1,2}})/(\d{{1,2}})(?:/{_YEAR})?")),
    ("quarter", re.compile(rf"\bquy\s+(iv|iii|ii|i|[1-4])\b{_SEP}{_YEAR}")),
    ("quarter", re.compile(rf"\bq([1-4])\s*[/ -]?\s*{_YEAR}")),
    ("quarter_en", re.compile(rf"\b(first|second|third|fourth|1st|2nd|3rd|4th) quarter(?: of)?\s+{_YEAR}")),
    ("half_en", re.compile(rf"\b(first|second) half(?: of(?: the year)?)?\s+{_YEAR}")),
    ("months_en", re.compile(rf"\b(?:first )?(\d{{1,2}}|nine|six|three) months(?: of)?\s+{_YEAR}")),
    ("months", re.compile(rf"\b{_COUNT} thang (dau|cuoi)?\s*(?:nam\s+)?{_YEAR}")),
    ("months_no_year", re.compile(r"\b(\d{1,2}|sau|chin) thang (dau|cuoi) nam\b(?!\s*(?:19|20)\d{2})")),
    ("quarter_no_year", re.compile(r"\bquy\s+(iv|iii|ii|i|[1-4])\b(?!\s*(?:/|-|nam|,)?\s*(?:19|20)\d{2})")),
    ("months_in_report", re.compile(r"\b(?:luy ke|trong|sau)\s+(\d{1,2}|sau|chin) thang\b(?!\s*(?:dau|cuoi|nam|qua|toi|\d))")),
    ("to_date", re.compile(r"\b(?:tinh chung|luy ke) tu dau nam\b(?! den)")),
    ("month", re.compile(rf"\bthang\s+(\d{{1,2}}){_SEP}{_YEAR}")),
    ("month_en", re.compile(rf"\b({'|'.join(_ENGLISH_MONTHS)})\s+(?:of\s+)?{_YEAR}")),
    ("year", re.compile(rf"\b(?:nam|year|in|ca nam)\s+{_YEAR}\b")),
]
# the other side of a comparison: "so với cùng kỳ năm 2024", "so với quý I/2025", "compared with"
_COMPARED = re.compile(r"(?:so voi|so cung ky|compared (?:with|to)|than|versus|vs\.?)\s*(?:cung ky\s*)?$")
_DATE_BEFORE = re.compile(r"ngay\s+\d{1,2}\s*$")
# "đến cuối tháng 6/2025": the state at the end of a month, a stock rather than the month's flow
_AS_OF = re.compile(r"(?:den|toi) (?:het|cuoi)\s*$")
_SAME_PERIOD = re.compile(r"cung ky(?: nam truoc| nam (?:19|20)\d{2})?|same period")


@dataclass(frozen=True, order=True)
class Period:
    """The months a figure or a report covers, from the first month to the last (inclusive).

    Ordered by when it ends, then by how long it is (a quarter before the nine months that end with it).

    Attributes:
        end: the last month, as ``year * 12 + month - 1``.
        length: how many months.
    """

    end: int
    length: int

    @classmethod
    def of(cls, start_year: int, start_month: int, end_year: int, end_month: int) -> Period:
        end = end_year * 12 + end_month - 1
        return cls(end, end - (start_year * 12 + start_month - 1) + 1)

    @property
    def year(self) -> int:
        return self.end // 12

    @property
    def end_month(self) -> int:
        return self.end % 12 + 1

    @property
    def start(self) -> int:
        return self.end - self.length + 1

    @property
    def start_year(self) -> int:
        return self.start // 12

    @property
    def start_month(self) -> int:
        return self.start % 12 + 1

    @property
    def kind(self) -> str:
        """"month", "quarter", "months" (from January: six, nine, ten), "half" (July-December),
        "year", "span" (several years) or "other"."""
        if self.length == 1:
            return "month"
        if self.length == 3 and self.start_month in (1, 4, 7, 10):
            return "quarter"
        if self.length == 12 and self.start_month == 1:
            return "year"
        if self.start_month == 1 and self.length < 12:
            return "months"
        if self.length == 6 and self.start_month == 7:
            return "half"
        if self.start_month == 1 and self.end_month == 12:
            return "span"
        return "other"

    @property
    def code(self) -> str:
        """"2025-Q2", "2025-H1", "2025-9M", "2025-M10", "2025", "2021-2025"."""
        kind, y = self.kind, self.year
        if kind == "month":
            return f"{y}-M{self.end_month:02d}"
        if kind == "quarter":
            return f"{y}-Q{(self.end_month) // 3}"
        if kind == "year":
            return str(y)
        if kind == "months":
            return f"{y}-H1" if self.length == 6 else f"{y}-{self.length}M"
        if kind == "half":
            return f"{y}-H2"
        if kind == "span":
            return f"{self.start_year}-{y}"
        return f"{self.start_year}-{self.start_month:02d}..{y}-{self.end_month:02d}"

    @property
    def label(self) -> str:
        """How a report writes it: "Quý II/2025", "6 tháng đầu năm 2025", "Tháng 10/2025", "Năm 2024"."""
        kind, y = self.kind, self.year
        if kind == "month":
            return f"Tháng {self.end_month}/{y}"
        if kind == "quarter":
            return f"Quý {('I', 'II', 'III', 'IV')[self.end_month // 3 - 1]}/{y}"
        if kind == "year":
            return f"Năm {y}"
        if kind == "months":
            return f"{self.length} tháng đầu năm {y}"
        if kind == "half":
            return f"6 tháng cuối năm {y}"
        if kind == "span":
            return f"Giai đoạn {self.start_year}-{y}"
        return f"Từ tháng {self.start_month}/{self.start_year} đến tháng {self.end_month}/{y}"

    def shifted(self, *, years: int = 0, lengths: int = 0) -> Period:
        """The same months ``years`` earlier or later ("cùng kỳ năm trước": ``years=-1``), or the
        period of the same length ``lengths`` before or after ("quý trước": ``lengths=-1``)."""
        return Period(self.end + 12 * years + self.length * lengths, self.length)

    def covers(self, other: Period) -> bool:
        """Whether every month of ``other`` is within this period."""
        return self.start <= other.start and other.end <= self.end


@dataclass(frozen=True)
class Mention:
    """A period named in a text.

    Attributes:
        start: where its words start in the text.
        end: where they end (exclusive).
        period: the period.
        compared: it is the other side of a comparison ("so với cùng kỳ năm 2024").
    """

    start: int
    end: int
    period: Period
    compared: bool


def find_periods(text: str, *, within: Period | None = None) -> list[Mention]:
    """Every period a text names, in order, longest spelling first where two overlap.

    Args:
        text: any text, with or without diacritics.
        within: the report's own period, for a period written without its year ("lũy kế đến
            30/9", "9 tháng đầu năm") or relative to it ("tính chung từ đầu năm").
    """
    form = fold(text)
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(form):
            if any(m.start() < b and a < m.end() for a, b in taken):
                continue
            if kind == "month" and _DATE_BEFORE.search(form[max(0, m.start() - 12) : m.start()]):
                taken.append(m.span())  # "ngày 30 tháng 9 năm 2025" is a day, not a period
                continue
            period = _period(kind, m, within)
            if period is None:
                continue
            as_of = _AS_OF.search(form[max(0, m.start() - 12) : m.start()]) is not None
            if kind == "month" and as_of and within is not None and period.end == within.end:
                period = within  # "đến cuối tháng 6/2025" in the report of quý II/2025: as of its end
            taken.append(m.span())
            compared = _COMPARED.search(form[max(0, m.start() - 24) : m.start()]) is not None
            found.append(Mention(m.start(), m.end(), period, compared))
    return sorted(found, key=lambda x: x.start)


def parse_period(text: str) -> Period | None:
    """The first period a text names (``None`` when it names none): "Quý II năm 2025" -> 2025-Q2."""
    mentions = find_periods(text)
    return mentions[0].period if mentions else None


def names_same_period(text: str) -> bool:
    """Whether a text compares with the same period of another year ("so với cùng kỳ")."""
    return _SAME_PERIOD.search(fold(text)) is not None


def document_period(title: str, head: str) -> Period | None:
    """A report's own period: the one its title names, else the one its first paragraphs name most.

    Args:
        title: the document's title (its first heading or the file's title).
        head: the start of its text.
    """
    # a period written without its year takes the year the start of the report names most
    years = Counter(re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", f"{title} {head}"))
    common = int(years.most_common(1)[0][0]) if years else None
    year = Period.of(common, 1, common, 12) if common else None
    own = [m.period for m in find_periods(title, within=year) if not m.compared]
    if own:
        return own[0]
    periods = [m.period for m in find_periods(head, within=year) if not m.compared]
    if not periods:
        return None
    counts = Counter(periods)
    # a period with months ("9 tháng đầu năm 2021") says more than a bare year that ties with it
    return max(counts, key=lambda p: (counts[p], p.kind != "year", -periods.index(p)))


def _period(kind: str, m: re.Match[str], within: Period | None) -> Period | None:
    g = m.groups()
    year = within.year if within else None
    if kind == "to_date":
        return Period.of(within.year, 1, within.year, within.end_month) if within else None
    if kind == "quarter_no_year":
        q = _ROMAN.get(g[0]) or int(g[0])
        return Period.of(year, 3 * q - 2, year, 3 * q) if year else None
    if kind == "months_in_report":
        n = {"sau": 6, "chin": 9}.get(g[0]) or int(g[0])
        return Period.of(year, 1, year, n) if year and 2 <= n <= 12 and within and n <= within.end_month else None
    if kind == "months_no_year":
        n = {"sau": 6, "chin": 9}.get(g[0]) or int(g[0])
        if year is None or not 2 <= n <= 12:
            return None
        return Period.of(year, 13 - n, year, 12) if g[1] == "cuoi" else Period.of(year, 1, year, n)
    if kind == "span":
        a, b = int(g[0]), int(g[1])
        return Period.of(a, 1, b, 12) if a < b else None
    if kind == "cumulative":
        month, y = int(g[1]), int(g[2]) if g[2] else year
        return Period.of(y, 1, y, month) if y and 1 <= month <= 12 else None
    if kind in ("quarter", "quarter_en"):
        q = _ROMAN.get(g[0]) or _ENGLISH_ORDINALS.get(g[0]) or int(g[0])
        y = int(g[1])
        return Period.of(y, 3 * q - 2, y, 3 * q)
    if kind == "half_en":
        y = int(g[1])
        return Period.of(y, 1, y, 6) if g[0] == "first" else Period.of(y, 7, y, 12)
    if kind == "months_en":
        n = {"nine": 9, "six": 6, "three": 3}.get(g[0]) or int(g[0])
        y = int(g[1])
        return Period.of(y, 1, y, n) if 1 <= n <= 12 else None
    if kind == "months":
        n = int(g[0]) if g[0].isdigit() else _WORD_NUMBERS[g[0]]
        y = int(g[2])
        if not 2 <= n <= 12:
            return None
        return Period.of(y, 13 - n, y, 12) if g[1] == "cuoi" else Period.of(y, 1, y, n)
    if kind in ("month", "month_en"):
        month = _ENGLISH_MONTHS.get(g[0]) or int(g[0])
        y = int(g[1])
        return Period.of(y, month, y, month) if 1 <= month <= 12 else None
    y = int(g[0])
    return Period.of(y, 1, y, 12)
