"""One measure across many reports: the answer for the asked period, the latest period's answer,
a comparison of two periods, or the figures of every period as a series.

The candidates of one question (``qa.answer.Extractor.candidates``, scored and best first) are
grouped by their figure's period (``qa.periods.figure_period``); each period's group is decided on
its own, as if the reports of that period were the only ones (``qa.answer.decide``). So a question
that names a period is answered only from that period's figures, and a period no report states
the measure for abstains and names the periods that do.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import lru_cache

from ingest.normalize import fold, match_form
from ingest.periods import Mention, Period, find_periods, parse_period
from ingest.store import DocRecord
from qa.answer import Candidate
from qa.features import FEATURES
from qa.numbers import find_quantities
from qa.periods import AskedPeriod, figure_period
from qa.records import Answer, Citation, Comparison, SeriesPoint, vn_number

Decide = Callable[..., Answer]  # (candidates, leniency=1.0) -> the answer among them
# a series point of a period the top answer's measure is known for may be less certain than an
# answer on its own: it must reach this share of the answer threshold, in the same unit
_SERIES_LENIENCY = 0.5
_SENTENCE_COVERAGE = FEATURES.index("sentence_cov")
_LATEST_SAME_MEASURE = 0.5
_PLAN_WORDS = re.compile(r"\b(?:ke hoach|chi tieu|muc tieu|phan dau|du kien|du toan|den nam|dinh huong|tam nhin|nhiem vu)\b")
# a period's answer counts as the same measure's when its best candidate scores at least this share
# of the question's best candidate: a weaker figure of another period is another measure
_SAME_MEASURE = 0.5
# a change the report states: "tăng 12,5% so với", "giảm 3 cuộc so với", "bằng 105% so với cùng kỳ"
_STATED = re.compile(
    r"(?P<word>tăng|giảm|bằng|đạt)\s+(?:thêm\s+|khoảng\s+)?(?P<figure>[\d.,]+\s*(?:%|[^\s,;.]+)?)(?:[^;.]{0,40}?)\s+so với",
    re.IGNORECASE,
)
_PERCENT_TOLERANCE = 0.5  # percentage points between a stated and a computed change


@lru_cache(maxsize=4096)
def report_period(label: str) -> Period | None:
    """A report's period from the label its manifest record keeps."""
    return parse_period(label) if label else None


def period_of(c: Candidate, manifest: dict[str, DocRecord]) -> Period | None:
    """The period of a candidate's figure."""
    chunk = c.hit.chunk
    record = manifest.get(chunk.doc_id)
    at = c.start - chunk.start
    return figure_period(chunk.text, at, at + c.end - c.start, chunk.heading, report_period(record.period if record else ""))


def _vouched(c: Candidate, period: Period, manifest: dict[str, DocRecord]) -> bool:
    """Whether a candidate's own sentence names the period (not as a comparison's other side) and
    holds every term of the question."""
    if c.features[_SENTENCE_COVERAGE] < 1.0:
        return False
    chunk = c.hit.chunk
    record = manifest.get(chunk.doc_id)
    report = report_period(record.period if record else "")
    return any(m.period == period and not m.compared for m in _period_words(chunk.text, report))


def in_period_words(c: Candidate, manifest: dict[str, DocRecord]) -> bool:
    """Whether a candidate is a number of a period's words ("6" of "6 tháng đầu năm 2025")."""
    chunk = c.hit.chunk
    record = manifest.get(chunk.doc_id)
    at, end = c.start - chunk.start, c.end - chunk.start
    return any(m.start <= at and end <= m.end for m in _period_words(chunk.text, report_period(record.period if record else "")))


@lru_cache(maxsize=8192)
def _period_words(text: str, report: Period | None) -> tuple[Mention, ...]:
    return tuple(find_periods(text, within=report))


def answer_over_time(
    asked: AskedPeriod,
    found: Sequence[Candidate],
    decide: Decide,
    manifest: dict[str, DocRecord],
) -> Answer:
    """The answer to a question about one measure over the reports' periods.

    Args:
        asked: what the question asks about time (``qa.periods.read_question``).
        found: its candidates, scored, best first.
        decide: the answer among some of the candidates (``qa.answer.decide`` bound to the question).
        manifest: committed documents (their periods).
    """
    groups: dict[Period | None, list[Candidate]] = {}
    periods = [period_of(c, manifest) for c in found]
    if not asked.any and len({p for p in periods if p is not None}) <= 1:
        return with_period(decide(found), found, manifest)
    for c, period in zip(found, periods, strict=True):
        if in_period_words(c, manifest):
            continue  # "6" of "6 tháng đầu năm 2025" is no figure
        if period is not None and not asked.plan and _planned(c, period, manifest):
            continue  # "đến năm 2030 đạt 98%" in a 2025 report is a target, not a figure of 2030
        groups.setdefault(period, []).append(c)
    found = [c for g in groups.values() for c in g]
    found.sort(key=lambda c: -c.score)
    dated = [p for p in groups if p is not None]
    top = found[0].score if found else 0.0
    answers = {p: decide(groups[p]) for p in dated}
    answered = {
        p: a for p, a in answers.items() if not a.abstained and groups[p][0].score >= _SAME_MEASURE * top
    }
    covered = [p.label for p in sorted(answered)]
    if asked.series:
        overall = decide(found)
        for p in dated:
            if p not in answered and groups[p][0].unit == overall.unit:
                point = decide(groups[p], leniency=_SERIES_LENIENCY)
                if not point.abstained and point.unit == overall.unit:
                    answered[p] = point
        return _series(asked, answered, overall)
    if asked.compares:
        return _compare(asked, answered, covered, decide(found), groups, decide)
    if asked.period is not None:
        # the asked period's figures compete only among themselves: a figure of another period,
        # however like the question, is out already
        chosen = answers.get(asked.period)
        group = groups.get(asked.period, [])
        if chosen is not None and chosen.abstained and _vouched(group[0], asked.period, manifest):
            # a figure in a clause of its own period beside another period's ("năm 2024 cấp 5.210
            # giấy chứng nhận; riêng quý IV/2024 cấp 1.290 giấy") shares the measure's words with
            # the other clause: a sentence that names the asked period and says every word of the
            # question vouches for it, as in a series
            chosen = decide(group, leniency=_SERIES_LENIENCY)
        if chosen is None or chosen.abstained:
            return _abstain(decide([]), asked.period, covered)
        return replace(chosen, period=asked.period.label, period_shown=True)
    best = decide(found)
    # another period's answer counts for the latest only when it is the same measure: as likely as
    # the best answer, in its unit, from a report of the same issuer
    answered = {
        p: a
        for p, a in answered.items()
        if groups[p][0].score >= _LATEST_SAME_MEASURE * top and a.unit == best.unit and _same_issuer(a, best, manifest)
    }
    if not answered:
        return with_period(best, found, manifest)
    latest = max(answered, key=_recency)
    others = [answered[p].citations[0] for p in sorted(answered, key=_recency, reverse=True) if p != latest and answered[p].citations]
    return replace(answered[latest], period=latest.label, period_shown=len(answered) > 1, related=others)


def _same_issuer(a: Answer, b: Answer, manifest: dict[str, DocRecord]) -> bool:
    """Whether two answers come from reports of one issuer (or either does not say)."""
    if not a.citations or not b.citations:
        return False
    x, y = manifest.get(a.citations[0].doc), manifest.get(b.citations[0].doc)
    if not (x and y and x.issuer and y.issuer):
        return True
    # "Sở Tài nguyên và Môi trường" is "Sở Tài nguyên và Môi trường tỉnh Bình Sơn" said shorter
    i, j = match_form(x.issuer), match_form(y.issuer)
    return i.startswith(j) or j.startswith(i)


def _planned(c: Candidate, period: Period, manifest: dict[str, DocRecord]) -> bool:
    """Whether a figure is a plan or a target: of a period after its report's, in a sentence
    that says so ("đến năm 2030 đạt 98%", "kế hoạch năm 2025 thu 440 tỷ đồng")."""
    record = manifest.get(c.hit.chunk.doc_id)
    report = report_period(record.period if record else "")
    return report is not None and period.end > report.end and _PLAN_WORDS.search(fold(c.hit.chunk.text)) is not None


def _recency(p: Period) -> tuple[int, bool, int]:
    """The latest period first; of two that end together, the one of a year's reports over a
    span of years ("Năm 2025" over "Giai đoạn 2021-2025"), then the longer (the year over its
    last quarter)."""
    return (p.end, p.kind != "span", p.length)


def with_period(answer: Answer, found: Sequence[Candidate], manifest: dict[str, DocRecord]) -> Answer:
    """An answer with the label of its figure's period."""
    period = period_of_answer(answer, found, manifest)
    return replace(answer, period=period.label if period else "")


def period_of_answer(answer: Answer, found: Sequence[Candidate], manifest: dict[str, DocRecord]) -> Period | None:
    """The period of the candidate an answer states."""
    if answer.abstained or not answer.citations:
        return None
    c = answer.citations[0]
    best = next((x for x in found if x.hit.chunk.doc_id == c.doc and x.start == c.answer_start), None)
    return period_of(best, manifest) if best else None


def _abstain(base: Answer, period: Period, covered: list[str]) -> Answer:
    listed = ", ".join(covered)
    notice = (
        f"Các báo cáo không có số liệu {period.label}."
        + (f" Có số liệu cho: {listed}." if covered else "")
    )
    return replace(base, period=period.label, periods_covered=covered, notice=notice)


def _point(period: Period, answer: Answer) -> SeriesPoint:
    return SeriesPoint(period.label, period.code, answer.answer or "", answer.value, answer.unit, answer.citations[0])


def _series(asked: AskedPeriod, answered: dict[Period, Answer], overall: Answer) -> Answer:
    """Every period's figure, oldest first: of the asked kind of period ("qua các quý") and
    within the asked period ("qua các quý năm 2025")."""
    chosen = sorted(
        p
        for p in answered
        if (not asked.series_kind or p.kind == asked.series_kind)
        and (asked.period is None or asked.period.covers(p))
        and answered[p].citations
    )
    # one measure: the figures in the unit most periods state it in ("ha", not "tổ chức")
    units = Counter(answered[p].unit for p in chosen)
    unit = max(units, key=lambda u: (units[u], u == answered[chosen[-1]].unit)) if units else None
    chosen = [p for p in chosen if answered[p].unit == unit]
    points = [_point(p, answered[p]) for p in chosen]
    if not points:
        return replace(overall, answer=None, value=None, unit=None, abstained=True, citations=[], series=[])
    latest = answered[chosen[-1]]
    return replace(latest, period=chosen[-1].label, period_shown=True, series=points, related=[])


def _compare(
    asked: AskedPeriod,
    answered: dict[Period, Answer],
    covered: list[str],
    overall: Answer,
    groups: dict[Period | None, list[Candidate]],
    decide: Decide,
) -> Answer:
    """Two periods' figures, the difference and the percent change; a change the later report
    states itself is cited too, and said when it disagrees with the computed one."""
    later = asked.period or (max(answered, key=_recency) if answered else None)
    if later is None:
        return replace(overall, answer=None, value=None, unit=None, abstained=True, citations=[])
    earlier = asked.versus
    if earlier is None:
        same, previous = later.shifted(years=-1), later.shifted(lengths=-1)
        earlier = same if asked.same_period or (not asked.previous and same in answered) else previous
    missing = [p for p in (later, earlier) if p not in answered]
    if missing:
        return _abstain(replace(overall, answer=None, value=None, unit=None, abstained=True, citations=[]), missing[0], covered)
    a, b = answered[earlier], answered[later]
    if a.unit != b.unit:
        # the base period's figure of the same measure: its best candidate in the later one's unit
        a = decide([c for c in groups.get(earlier, []) if c.unit == b.unit])
        if a.abstained:
            return _abstain(replace(overall, answer=None, value=None, unit=None, abstained=True, citations=[]), earlier, covered)
    difference = percent = None
    if a.value is not None and b.value is not None and a.unit == b.unit:
        difference = round(b.value - a.value, 6)
        percent = 100.0 * difference / a.value if a.value else None
    stated, stated_text, agrees = _stated_change(b, percent, difference)
    comparison = Comparison(
        _point(earlier, a), _point(later, b), difference, percent, stated, stated_text, agrees, _as_worded(difference, b)
    )
    citations = [*b.citations[:1], *a.citations[:1]]
    return replace(b, period=later.label, period_shown=True, comparison=comparison, citations=citations)


def _as_worded(difference: float | None, answer: Answer) -> str:
    """A difference in the scale and words of the answer's figure: 28,4 tỷ đồng, not 28400000000."""
    if difference is None or answer.value is None or not answer.answer:
        return ""
    m = re.match(r"\s*([\d.,]+)\s*(.*)", answer.answer)
    found = find_quantities(m.group(1)) if m else []
    number = found[0].value if found and found[0].value else None
    if m is None or not number:
        return ""
    scale = answer.value / number
    return f"{vn_number(abs(difference) / scale)} {m.group(2)}".strip()


def _stated_change(
    answer: Answer, percent: float | None, difference: float | None
) -> tuple[Citation | None, str, bool | None]:
    """The change the later figure's sentence states ("tăng 12,5% so với cùng kỳ"), and whether it
    agrees with the computed change."""
    if not answer.citations:
        return None, "", None
    c = answer.citations[0]
    after = c.answer_end - c.start if c.answer_end >= 0 else 0
    for m in _STATED.finditer(c.quote, after):
        if m.start() - after > 60:
            break
        found = find_quantities(m.group("figure"))
        if not found or found[0].value is None:
            continue
        is_percent = found[0].unit == "%"
        if is_percent or found[0].unit == answer.unit:  # "tăng 5 tổ chức" is not a change of hectares
            return _agreement(c, m, found[0].value, is_percent, percent, difference)
    return None, "", None


def _agreement(
    c: Citation, m: re.Match[str], value: float, is_percent: bool, percent: float | None, difference: float | None
) -> tuple[Citation | None, str, bool | None]:
    word = m.group("word").lower()
    if is_percent and percent is not None:
        stated = value - 100.0 if word in ("bằng", "đạt") else -value if word == "giảm" else value
        return c, m.group(0), abs(stated - percent) <= _PERCENT_TOLERANCE
    if not is_percent and difference is not None and word in ("tăng", "giảm"):
        stated = -value if word == "giảm" else value
        return c, m.group(0), abs(stated - difference) <= 1e-6 * max(1.0, abs(difference))
    return c, m.group(0), None
