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

    def shown(self) -> str:
        """What the user is shown: the verified draft, else the report's wording, else "not found"."""
        if self.text:
            return self.text
        return NOT_FOUND if self.answer is None else self.answer

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
        }
