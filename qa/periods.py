"""Answers over many reports of one measure: the period of a figure, the period a question asks for,
comparisons between two periods and a measure's figures as a series.

A department's quarterly, six-month, nine-month and annual reports state the same measures with
different figures. A figure's period is the one its sentence names before it ("Riêng quý
III/2025, cho thuê đất 5 tổ chức ..."; "tính chung từ đầu năm ..."), else its section heading's,
else its report's. A comparison's other side ("so với cùng kỳ năm 2024") is never the figure's
period.

The question is read once (``read_question``): the period it names, the other side of a
comparison it asks for ("so với cùng kỳ năm trước", "so với quý 1", "tăng hay giảm"), whether it
asks for a series ("qua các quý", "theo thời gian", "xu hướng"), and its words without those, which
are what retrieval and the answer stage match: "Quý 2 năm 2025 cho thuê đất bao nhiêu ha?" asks
2025-Q2 for "cho thuê đất bao nhiêu ha?", and a figure of another quarter is never its answer
however well its words match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ingest.normalize import fold
from ingest.periods import Mention, Period, find_periods

# "so với cùng kỳ (năm trước)", "same period last year"
_SAME_PERIOD = re.compile(r"(?:so voi |compared (?:with|to) (?:the )?)?(?:cung ky(?: nam truoc)?|same period(?: (?:of )?last year)?)")
# "so với quý trước", "so với kỳ trước", "previous quarter"
_PREVIOUS = re.compile(
    r"(?<!cung ky )(?:so voi |compared (?:with|to) (?:the )?)?(?:(?:quy|ky|thang|nam) (?:truoc|lien truoc)|previous (?:quarter|period|month|year)|last (?:quarter|month))"
)
# asking for a change: "tăng hay giảm", "tăng bao nhiêu", "thay đổi thế nào", "how much did ... change"
_CHANGE = re.compile(
    r"\b(?:tang hay giam|tang giam|tang bao nhieu|giam bao nhieu|thay doi|chenh lech|increase|decrease|change|compared|grow|rise|fall"
    # "so với kế hoạch", "so với dự toán": against a plan, not another period
    r"|so voi(?! (?:ke hoach|chi tieu|du toan|muc tieu|nghi quyet|yeu cau|tong so)))\b"
)
# asking for a series: "qua các quý", "theo thời gian", "xu hướng", "over time", "by quarter"
_SERIES = re.compile(
    r"\b(?:(?:qua|theo|trong) (?:cac|tung|moi) (?:ky bao cao|ky|quy|nam|thang)|theo thoi gian|xu huong|dien bien"
    r"|over time|trend|(?:by|per|each|every) (?:quarter|year|period|month)|across (?:the )?(?:quarters|years|periods)|quarterly|yearly|annually)\b"
)
_SERIES_KIND = {
    "quy": "quarter",
    "quarter": "quarter",
    "quarters": "quarter",
    "nam": "year",
    "year": "year",
    "years": "year",
    "thang": "month",
    "month": "month",
    "quarterly": "quarter",
    "yearly": "year",
    "annually": "year",
}
# words left dangling once the period is taken out: "thì sao", "là bao nhiêu so với"
_DANGLING = re.compile(r"\s*(?:\bthì sao\b|\bthi sao\b|\bthế nào\b|\bthe nao\b|\bra sao\b|\bin\b|\bof\b|\bduring\b|\btrong\b|\bvào\b|\bvao\b)\s*\??\s*$")
_SPACES = re.compile(r"\s{2,}")
_PLAN = re.compile(r"\b(?:ke hoach|chi tieu|muc tieu|du kien|phan dau|target|plan|goal)\b")
_ASKS = re.compile(r"\b(?:bao nhieu|may|how (?:many|much)|what|la gi)\b")
_ENGLISH = re.compile(r"\b(?:the|of|what|how|trend|over|by|each|across|did|was|were)\b")


@dataclass(frozen=True)
class AskedPeriod:
    """What a question asks about time.

    Attributes:
        period: the period it names for its answer, or ``None``.
        versus: the other side of a comparison it names ("so với quý I/2025"), or ``None``.
        same_period: it compares with the same period of the year before ("so với cùng kỳ").
        previous: it compares with the period before ("so với quý trước").
        change: it asks for a change between two periods.
        series: it asks for the figures of every period ("qua các quý").
        series_kind: the kind of period a series asks for ("quarter", "year", "month"), or "".
        plan: it asks for a plan or a target ("kế hoạch", "chỉ tiêu"), which reports state for
            periods after their own.
        rest: the question without its words of time, for retrieval and matching.
    """

    period: Period | None
    versus: Period | None
    same_period: bool
    previous: bool
    change: bool
    series: bool
    series_kind: str
    plan: bool
    rest: str

    @property
    def compares(self) -> bool:
        return self.versus is not None or self.same_period or self.previous or (self.change and self.period is not None)

    @property
    def any(self) -> bool:
        return self.period is not None or self.compares or self.series


def read_question(question: str, *, series: bool = False) -> AskedPeriod:
    """What a question asks about time, and its words without it.

    Args:
        question: the question as typed (Vietnamese or English, with or without diacritics).
        series: the caller asks for a series whatever the words (``--all-periods``).
    """
    form = fold(question)
    mentions = find_periods(question)
    own = next((m.period for m in mentions if not m.compared), None)
    # "so với quý 1": a period written without its year takes the asked one's
    mentions = find_periods(question, within=own) if own else mentions
    versus = next((m.period for m in mentions if m.compared), None)
    if versus is not None and own is not None and versus.kind == "year" and own.kind != "year" and _SAME_PERIOD.search(form):
        versus = own.shifted(years=versus.year - own.year)  # "so với cùng kỳ năm 2024": the same months
    # the period's words and the word that leads them in ("riêng quý III", "trong năm 2024")
    cut = [(_lead_in(form, m.start), m.end) for m in mentions]
    same = _SAME_PERIOD.search(form)
    previous = _PREVIOUS.search(form)
    change = _CHANGE.search(form) is not None
    # every phrase that asks for a series says what kind ("xu hướng ... qua từng năm")
    series_phrases = list(_SERIES.finditer(form))
    kind = next(
        (_SERIES_KIND[w] for m in series_phrases for w in reversed(m.group(0).split()) if w in _SERIES_KIND), ""
    )
    wants_series = series_phrases[0] if series_phrases else None
    for m in (same, previous, *series_phrases):
        if m:
            cut.append(m.span())
    cut += [(m.start(), m.end()) for m in _CHANGE.finditer(form)]
    cut += [(m.start(), m.end()) for m in re.finditer(r"\bhow did\b", form)]
    rest = _without(question, cut)
    rest = _DANGLING.sub("?", rest) if rest.strip() else question
    if (wants_series or change) and not _ASKS.search(fold(rest)):
        # "diện tích cho thuê đất qua các quý": a series or a change is of a figure
        rest = f"how much {rest}" if _ENGLISH.search(form) else f"{rest.rstrip('?')} bao nhiêu?"
    return AskedPeriod(
        period=own,
        versus=versus,
        same_period=same is not None,
        previous=previous is not None,
        change=change or same is not None or previous is not None or versus is not None,
        series=series or wants_series is not None,
        series_kind=kind,
        plan=_PLAN.search(form) is not None,
        rest=rest,
    )


_LEAD_IN = re.compile(r"(?:\b(?:rieng|trong|tinh den|den het|den|vao|cua)\s+|\b(?:in|during|for|of|at the end of)(?:\s+the)?\s+|\bthe\s+)$")


def _lead_in(form: str, start: int) -> int:
    m = _LEAD_IN.search(form[max(0, start - 20) : start])
    return start - (len(m.group(0)) if m else 0)


def figure_period(sentence: str, at: int, end: int, heading: str, report: Period | None) -> Period | None:
    """The period of the figure at ``at:end`` in a sentence: the period written right after it
    ("88,5% năm 2021"), else the nearest the sentence names before it (not a comparison's other
    side), else its heading's, else its report's."""
    mentions = [m for m in _mentions(sentence, report) if not m.compared]
    after = next((m for m in mentions if end <= m.start <= end + 2 and not sentence[end : m.start].strip()), None)
    if after is not None:
        return after.period
    before = [m for m in mentions if m.end <= at]
    if before:
        return before[-1].period
    own = [m for m in _mentions(heading, report) if not m.compared] if heading else []
    return own[0].period if own else report


@lru_cache(maxsize=8192)
def _mentions(text: str, report: Period | None) -> tuple[Mention, ...]:
    """The periods a sentence names (cached: every candidate of a sentence asks)."""
    return tuple(find_periods(text, within=report))


def _without(text: str, spans: list[tuple[int, int]]) -> str:
    keep = []
    pos = 0
    for a, b in sorted(spans):
        if a >= pos:
            keep.append(text[pos:a])
            pos = b
        else:
            pos = max(pos, b)
    keep.append(text[pos:])
    out = _SPACES.sub(" ", " ".join(k.strip(" ,") for k in keep if k.strip(" ,"))).strip()
    return re.sub(r"\s+([?,.])", r"\1", out)
