"""Typed records that leave ``qa``: citations, answers, claims and verdicts."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

NOT_FOUND = "Không tìm thấy thông tin này trong các báo cáo."


@dataclass(frozen=True)
class Citation:
    """Where an answer comes from: one sentence of one document.

    Attributes:
        doc: the document's id.
        title: the document's title.
        filename: the file it was ingested from.
        sentence: the sentence's position in the document.
        start: start of the sentence in the document's text.
        end: end of the sentence (exclusive).
        quote: the document's text between ``start`` and ``end``, exactly.
        answer_start: start of the answer's words in the document (``-1`` when the whole sentence is cited).
        answer_end: end of the answer's words.
        context: the sentence with its neighbours (the window), for display.
        context_start: where ``context`` starts in the document.
        score: how strongly this sentence supports the answer (0-1).
        table: for a table row, the table's index in the document (0-based), else -1.
        row: the row's index in its table, else -1.
        col: the column of the cell the answer is in, else -1.
        cells: the row's cells, ``{"col", "header", "text"}`` each (``text``: the value and its unit
            as ``quote`` writes them), for showing the row as a table.
        row_label: what the table row is about ("Cho thuê đất").
        origin: where in the file the sentence stands, for people ("trang 3", "trang 2 (OCR 91%)",
            "bảng 1, dòng 4").
    """

    doc: str
    title: str
    filename: str
    sentence: int
    start: int
    end: int
    quote: str
    answer_start: int = -1
    answer_end: int = -1
    context: str = ""
    context_start: int = 0
    score: float = 0.0
    table: int = -1
    row: int = -1
    col: int = -1
    cells: list[dict[str, Any]] = field(default_factory=list)
    row_label: str = ""
    origin: str = ""

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SeriesPoint:
    """One period's figure of a measure.

    Attributes:
        period: the period's label ("Quý II/2025").
        code: its code ("2025-Q2"), for sorting and for programs.
        answer: the figure as the report words it ("36,05 ha").
        value: the parsed figure, or ``None``.
        unit: its canonical unit, or ``None``.
        citation: where the report states it.
    """

    period: str
    code: str
    answer: str
    value: float | None
    unit: str | None
    citation: Citation

    def as_json(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "code": self.code,
            "answer": self.answer,
            "value": self.value,
            "unit": self.unit,
            "citation": self.citation.as_json(),
        }


@dataclass(frozen=True)
class Comparison:
    """A measure's figures in two periods and the change between them.

    Attributes:
        earlier: the base period's figure ("cùng kỳ năm trước", "quý trước").
        later: the asked period's figure.
        difference: later minus earlier, or ``None`` when either is not a number.
        percent_change: the difference as a percentage of the earlier figure, or ``None``.
        stated: where a report states the change itself ("tăng 12,5% so với cùng kỳ"), or ``None``.
        stated_text: that statement's words.
        agrees: whether the stated change equals the computed one (``None`` when none is stated).
        difference_text: the difference in the figures' own scale and words ("28,4 tỷ đồng").
    """

    earlier: SeriesPoint
    later: SeriesPoint
    difference: float | None
    percent_change: float | None
    stated: Citation | None = None
    stated_text: str = ""
    agrees: bool | None = None
    difference_text: str = ""

    def summary(self) -> str:
        """"Quý II/2025: 36,05 ha; Quý I/2025: 20,5 ha; tăng 15,55 (+75,9%)"."""
        parts = [f"{self.later.period}: {self.later.answer}", f"{self.earlier.period}: {self.earlier.answer}"]
        if self.difference is not None:
            parts.append(self.change_text())
        if self.stated_text and self.agrees is False:
            parts.append(f"báo cáo ghi: \"{self.stated_text}\" (khác với mức tính được)")
        return "; ".join(parts)

    def change_text(self) -> str:
        """"tăng 28,4 tỷ đồng (+29,2%)", "giảm 5 tổ chức (-10,6%)", "không đổi"; "" without a difference."""
        if self.difference is None:
            return ""
        word = "tăng" if self.difference > 0 else "giảm" if self.difference < 0 else "không đổi"
        change = f"{word} {self.difference_text or vn_number(abs(self.difference))}" if self.difference else word
        if self.percent_change is not None:
            change += f" ({self.percent_change:+.1f}%)".replace(".", ",")
        return change

    def as_json(self) -> dict[str, Any]:
        return {
            "earlier": self.earlier.as_json(),
            "later": self.later.as_json(),
            "difference": self.difference,
            "percent_change": None if self.percent_change is None else round(self.percent_change, 2),
            "stated": self.stated.as_json() if self.stated else None,
            "stated_text": self.stated_text,
            "agrees": self.agrees,
            "difference_text": self.difference_text,
        }


def vn_number(x: float) -> str:
    """A figure written the Vietnamese way: 1.234,5."""
    text = f"{x:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


@dataclass(frozen=True)
class Answer:
    """The answer to one question, or an abstention with the nearest passages.

    Attributes:
        question: the question as asked.
        answer: the report's own wording ("66,4 ha"), or ``None`` when abstaining.
        value: the parsed figure in ``unit``, or ``None``.
        unit: canonical unit or counted noun, or ``None``.
        kind: the answer type the question asked for.
        abstained: the reports do not say (``answer`` is ``None``).
        confidence: 0-1.
        citations: the evidence, best first.
        related: when abstaining, passages that may be related ("có thể liên quan").
        interpreted_as: the question actually answered (a follow-up rewritten in full).
        id: the caller's id, echoed back.
        text: what the user is shown when it is not the extractive answer: an LLM's draft whose
            every figure and citation the grounding guard verified (``generated``).
        generated: ``text`` is the LLM's verified draft.
        figures_checked: each figure of the LLM's draft (``qa.grounding.FigureCheck.as_json()``),
            also when the draft was refused.
        notice: one line for the user about the generation: refused, timed out, unreachable.
        llm_error: why the LLM's draft is not shown, or ``None``: "unverified: ..." (what the
            grounding guard found) or "server: ..." (the server's error).
        period: the label of the period the answer's figure is of ("Quý III/2025"), or "".
        period_shown: the reports cover several periods of this measure, so the answer says which.
        series: the measure's figure in every period, oldest first, when a series was asked.
        comparison: the figures of two periods and the change, when a comparison was asked.
        periods_covered: when abstaining for a period, the periods the reports do state it for.
    """

    question: str
    answer: str | None
    value: float | None
    unit: str | None
    kind: str
    abstained: bool
    confidence: float
    citations: list[Citation] = field(default_factory=list)
    related: list[Citation] = field(default_factory=list)
    interpreted_as: str = ""
    id: str | None = None
    text: str = ""
    generated: bool = False
    figures_checked: list[dict[str, Any]] = field(default_factory=list)
    notice: str = ""
    llm_error: str | None = None
    period: str = ""
    period_shown: bool = False
    series: list[SeriesPoint] | None = None
    comparison: Comparison | None = None
    periods_covered: list[str] = field(default_factory=list)

    def shown(self) -> str:
        """What the user is shown: the verified draft, else the comparison, else the report's
        wording (after its period when the reports cover several), else "not found"."""
        if self.text:
            return self.text
        if self.answer is None:
            return NOT_FOUND
        if self.comparison is not None:
            return self.comparison.summary()
        return f"{self.period}: {self.answer}" if self.period_shown and self.period else self.answer

    def as_json(self) -> dict[str, Any]:
        """The JSON shape of ``baocao ask --json`` and ``POST /api/ask``."""
        return {
            "text": self.shown(),
            "generated": self.generated,
            "figures_checked": self.figures_checked,
            "notice": self.notice,
            "llm_error": self.llm_error,
            "id": self.id,
            "question": self.question,
            "answer": self.answer,
            "value": self.value,
            "unit": self.unit,
            "kind": self.kind,
            "abstained": self.abstained,
            "confidence": round(self.confidence, 3),
            "interpreted_as": self.interpreted_as,
            "citations": [c.as_json() for c in self.citations],
            "related": [c.as_json() for c in self.related],
            "period": self.period,
            "periods_covered": self.periods_covered,
            "comparison": self.comparison.as_json() if self.comparison else None,
            "series": [p.as_json() for p in self.series] if self.series is not None else None,
        }
