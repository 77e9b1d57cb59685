"""Typed records that leave ``qa``: citations, answers, claims and verdicts."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


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

    def as_json(self) -> dict[str, Any]:
        """The JSON shape of ``baocao ask --json`` and ``POST /api/ask``."""
        return {
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
