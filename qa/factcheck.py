"""Speech fact-checking: every figure in a speech checked against the reports.

A speech is split into sentences (underthesea); a sentence with a checkable figure (count,
measure, percentage, money, date, fraction, document number) is a claim, and each of its figures
is checked on its own: the figure becomes a question ("cho thuê đất ... 66,4 ha" -> how many ha were
leased?), the answer machinery finds the report's figure that measures the same thing (same unit
or counted noun, same clause topic), and the two are compared with ``qa.compare``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ingest import segment
from ingest.normalize import clean
from ingest.periods import find_periods
from ingest.store import DocRecord
from qa.answer import Candidate, Extractor, IdfFn, KnownFn, citation
from qa.compare import matches
from qa.glossary import Glossary
from qa.numbers import Quantity, find_quantities
from qa.question import for_claim, is_checkable
from qa.ranker import Ranker
from qa.records import Answer, Citation, Comparison
from qa.retrieve import Mode, Retriever
from qa.timeline import period_of

VerdictKind = Literal["supported", "refuted", "not_found"]
_SEVERITY = {"refuted": 2, "not_found": 1, "supported": 0}
# candidates this close to the best are equally good readings of the report (the fitted ranker
# stores its own, chosen on the train claims)
_TIE = 0.02


@dataclass(frozen=True)
class Claim:
    """A sentence of the speech that states at least one checkable figure.

    Attributes:
        id: position-based id ("1", "2", ...) or the caller's.
        text: the sentence.
        start: where it starts in the speech.
        end: where it ends (exclusive).
        figures: its checkable figures, spans relative to ``text``.
    """

    id: str
    text: str
    start: int
    end: int
    figures: list[Quantity]


@dataclass(frozen=True)
class Verdict:
    """The check of one figure of a claim.

    Attributes:
        id: ``"<claim id>.<figure number>"``.
        claim: the claim sentence.
        start: the claim's start in the speech.
        end: the claim's end.
        verdict: ``supported``, ``refuted`` or ``not_found``.
        claimed: the figure as the speech words it.
        reported: the report's figure as the report words it (``None`` when not found).
        explanation: one line in Vietnamese.
        citations: the evidence (same shape as an answer's).
        figure_start: the figure's start in the speech.
        figure_end: the figure's end.
    """

    id: str
    claim: str
    start: int
    end: int
    verdict: VerdictKind
    claimed: str
    reported: str | None
    explanation: str
    citations: list[Citation] = field(default_factory=list)
    figure_start: int = 0
    figure_end: int = 0

    def as_json(self) -> dict[str, Any]:
        """The JSON shape of ``baocao check --json`` and ``POST /api/check``."""
        return {
            "id": self.id,
            "claim": self.claim,
            "start": self.start,
            "end": self.end,
            "verdict": self.verdict,
            "claimed": self.claimed,
            "reported": self.reported,
            "explanation": self.explanation,
            "citations": [c.as_json() for c in self.citations],
            "figure_start": self.figure_start,
            "figure_end": self.figure_end,
        }


def claim_verdict(verdicts: Sequence[Verdict]) -> Verdict | None:
    """The verdict that decides a whole claim: any refuted figure, else any not found, else supported."""
    return max(verdicts, key=lambda v: _SEVERITY[v.verdict], default=None)


def claim_figures(text: str, lang: str) -> list[Quantity]:
    """The checkable figures of a sentence; the numbers of the period it names ("Quý I/2025",
    "6 tháng đầu năm 2024") say when, they are not claims, unless they are all it states."""
    periods = find_periods(text)
    figures = [q for q in find_quantities(text, lang=lang) if is_checkable(q)]
    outside = [q for q in figures if not any(m.start <= q.start and q.end <= m.end for m in periods)]
    # "diễn ra vào tháng 3/2021": a claim whose only figure is a period claims that period
    return outside or figures


def split_claims(speech: str, *, lang: str = "vi") -> list[Claim]:
    """The sentences of a speech that state checkable figures, with their spans in the speech."""
    claims: list[Claim] = []
    pos = 0
    for paragraph in speech.split("\n"):
        offset = pos
        pos += len(paragraph) + 1
        for start, end in segment.sentence_spans(paragraph):
            text = paragraph[start:end]
            figures = claim_figures(text, lang)
            if figures:
                claims.append(Claim(str(len(claims) + 1), text, offset + start, offset + end, figures))
    return claims


class Checker:
    """Checks claims against one index."""

    def __init__(
        self,
        retriever: Retriever,
        glossary: Glossary,
        *,
        idf: IdfFn,
        known: KnownFn,
        manifest: Callable[[], dict[str, DocRecord]],
        doc_text: Callable[[str], str],
        min_score: float,
        tolerance_pct: float,
        top_k: int,
        depth: int,
        mode: Mode = "hybrid",
        ranker: Ranker | None = None,
        tie: float | None = None,
        compare: Callable[[str], Answer] | None = None,
    ) -> None:
        self.retriever = retriever
        # the answer to a comparison question, for claims of change ("tăng 15% so với cùng kỳ")
        self.compare = compare
        self.glossary = glossary
        self.idf = idf
        self.known = known
        self.manifest = manifest
        self.doc_text = doc_text
        self.min_score = min_score
        self.tolerance_pct = tolerance_pct
        self.top_k = top_k
        self.depth = depth
        self.mode: Mode = mode
        self.ranker = ranker
        self.tie = _TIE if tie is None else tie

    def check_speech(self, speech: str) -> list[Verdict]:
        """Every figure of every claim in a speech, checked, in the speech's order."""
        speech = clean(speech) if "\r" in speech else speech
        lang = "en" if self.glossary.is_english(speech[:2000]) else "vi"
        return [v for claim in split_claims(speech, lang=lang) for v in self.check_claim(claim, lang=lang)]

    def check_text(self, text: str, claim_id: str) -> list[Verdict]:
        """Check one claim given as text (a line of a claims file); no figure -> no verdicts."""
        claim, lang = self.claim_of(text, claim_id)
        return self.check_claim(claim, lang=lang) if claim else []

    def claim_of(self, text: str, claim_id: str) -> tuple[Claim | None, str]:
        """One claim sentence as a ``Claim`` (``None`` when it states no checkable figure), and its language."""
        lang = "en" if self.glossary.is_english(text) else "vi"
        figures = claim_figures(text, lang)
        return (Claim(claim_id, text, 0, len(text), figures) if figures else None), lang

    def check_claim(self, claim: Claim, *, lang: str = "vi") -> list[Verdict]:
        """Check each figure of a claim against the reports; over reports of several periods, a
        claim that names its period ("quý II/2025") is checked against that period's figures only."""
        manifest = self.manifest()
        several = len({r.period for r in manifest.values() if r.period}) > 1
        period = next((m.period for m in find_periods(claim.text) if not m.compared), None) if several else None
        change = _CHANGE_CLAIM.search(claim.text) if several and self.compare else None
        out = []
        for vid, figure, found in self.figure_candidates(claim):
            if change is not None and change.start() <= figure.start < change.end():
                judged = self._judge_change(claim, vid, figure, change)
                if judged is not None:
                    out.append(judged)
                    continue
            kept = [c for c in found if c.score >= self.min_score]
            # a claim of one period is read against that period's figures, when the reports
            # state any (however weakly: another period's figure never confirms it); reports
            # whose periods say nothing of it are read as before. A date is itself a time: the
            # period around it only helps it
            of_period = [c for c in kept if period is not None and period_of(c, manifest) == period]
            if figure.kind in ("date", "year"):
                kept = of_period or kept
            elif period is not None and any(period_of(c, manifest) == period for c in found):
                kept = of_period
            out.append(self._judge(claim, vid, figure, kept, manifest, lang))
        return out

    def _judge_change(self, claim: Claim, vid: str, figure: Quantity, change: re.Match[str]) -> Verdict | None:
        """A claimed change between two periods against the change their figures make: a
        percentage (within half a point, one point when "khoảng"), an amount, or percentage points."""
        assert self.compare is not None
        question = f"{claim.text[: change.start()]} tăng bao nhiêu so với {change.group('versus')}".strip()
        comparison = self.compare(question).comparison
        if comparison is None or comparison.difference is None:
            return None
        word = change.group("word").lower()
        sign = -1.0 if word == "giảm" else 1.0
        points = "điểm phần trăm" in change.group(0).lower()
        approx = change.group("approx") is not None
        if figure.unit == "%" and not points:
            computed = comparison.percent_change
            holds = computed is not None and abs(sign * (figure.value or 0.0) - computed) <= (1.0 if approx else 0.5)
        else:
            # an amount in the figures' own scale ("tăng 4 cuộc"), or percentage points of a rate
            computed = comparison.difference if points else _scaled(comparison)
            holds = computed is not None and abs(sign * (figure.value or 0.0) - computed) <= 0.005 * max(1.0, abs(computed))
        a, b = comparison.earlier, comparison.later
        pct = f" ({comparison.percent_change:+.1f}%)".replace(".", ",") if comparison.percent_change is not None else ""
        computed_text = f"{b.period}: {b.answer}; {a.period}: {a.answer}; chênh lệch {comparison.difference_text or comparison.difference}{pct}"
        return Verdict(
            id=vid,
            claim=claim.text,
            start=claim.start,
            end=claim.end,
            verdict="supported" if holds else "refuted",
            claimed=figure.text,
            reported=computed_text,
            explanation=("Đúng" if holds else "Sai") + f": theo báo cáo, {computed_text}; phát biểu ghi {word} {figure.text}.",
            citations=[b.citation, a.citation],
            figure_start=claim.start + figure.start,
            figure_end=claim.start + figure.end,
        )

    def figure_candidates(self, claim: Claim) -> list[tuple[str, Quantity, list[Candidate]]]:
        """Each figure of a claim with every report figure that may measure the same thing, best first."""
        manifest = self.manifest()
        out = []
        hits = None
        text = claim.text
        if len({r.period for r in manifest.values() if r.period}) > 1:
            # over several periods' reports the months a claim names are checked by its figures'
            # periods, not matched as words: "Chín tháng đầu năm 2024" is "9 tháng năm 2024"
            # there. A year is written one way, and names its document as a word does
            for m in (m for m in find_periods(text) if m.period.kind != "year"):
                # commas, not spaces: the figures keep their offsets through ``clean``
                text = text[: m.start] + "," * (m.end - m.start) + text[m.end :]
        for n, figure in enumerate(claim.figures, 1):
            question = for_claim(text, figure, claim.figures, self.glossary)
            if hits is None:
                hits = self.retriever.search(question, self.top_k, depth=self.depth, mode=self.mode)
            # a claim's figure is of a known type: only report figures of that type can answer it
            found = [
                c
                for c in Extractor(
                    question,
                    self.idf,
                    self.known,
                    manifest,
                    self.ranker.asked(question.text) if self.ranker else None,
                ).candidates(hits, self.doc_text, self.ranker)
                if c.fits
            ]
            out.append((f"{claim.id}.{n}", figure, found))
        return out

    def judge(
        self,
        claim: Claim,
        vid: str,
        figure: Quantity,
        found: list[Candidate],
        *,
        lang: str = "vi",
        tie: float | None = None,
    ) -> Verdict:
        """The verdict on one figure given the report figures that answer it (already thresholded);
        ``tie`` overrides how close to the best a candidate must be to count as a reading."""
        return self._judge(claim, vid, figure, found, self.manifest(), lang, tie)

    def _judge(
        self,
        claim: Claim,
        vid: str,
        figure: Quantity,
        found: list[Candidate],
        manifest: dict[str, DocRecord],
        lang: str,
        tie: float | None = None,
    ) -> Verdict:
        tie = self.tie if tie is None else tie

        def verdict(kind: VerdictKind, reported: Candidate | None, explanation: str) -> Verdict:
            return Verdict(
                id=vid,
                claim=claim.text,
                start=claim.start,
                end=claim.end,
                verdict=kind,
                claimed=figure.text,
                reported=reported.text.strip() if reported else None,
                explanation=explanation,
                citations=[self._cite(reported, manifest)] if reported else [],
                figure_start=claim.start + figure.start,
                figure_end=claim.start + figure.end,
            )

        if not found:
            return verdict(
                "not_found",
                None,
                f"Không tìm thấy trong các báo cáo số liệu nào đo điều này ({figure.text}).",
            )
        best = found[0]
        for c in (c for c in found if c.score >= best.score - tie):
            reported = _quantity_of(c)
            if reported is not None and matches(
                figure, reported, tolerance_pct=self.tolerance_pct, lang=lang
            ):
                return verdict(
                    "supported", c, f"Đúng: báo cáo ghi {c.text.strip()}, phát biểu ghi {figure.text}."
                )
        return verdict("refuted", best, f"Sai: báo cáo ghi {best.text.strip()}, phát biểu ghi {figure.text}.")

    def _cite(self, c: Candidate, manifest: dict[str, DocRecord]) -> Citation:
        doc = c.hit.chunk.doc_id
        return citation(c.hit, manifest.get(doc), self.doc_text(doc), answer=(c.start, c.end), score=c.score)


# a claim of change between two periods: "tăng 12,2% so với cùng kỳ năm 2024", "giảm 3 cuộc so với quý I"
_CHANGE_CLAIM = re.compile(
    r"(?P<word>tăng|giảm)\s+(?:thêm\s+)?(?P<approx>khoảng\s+|gần\s+|hơn\s+)?[\d.,]+\s*(?:%|điểm phần trăm|[^\s\d.,;]+)?"
    r"\s+so với\s+(?P<versus>[^.;]+)",
    re.IGNORECASE,
)


def _scaled(comparison: Comparison) -> float | None:
    """A comparison's difference in the scale its figures are written in (28,4 for "28,4 tỷ đồng")."""
    text = comparison.difference_text.split(" ")[0] if comparison.difference_text else ""
    found = find_quantities(text) if text else []
    if not found or found[0].value is None or comparison.difference is None:
        return comparison.difference
    return found[0].value if comparison.difference >= 0 else -found[0].value


def _quantity_of(c: Candidate) -> Quantity | None:
    found = find_quantities(c.text)
    return found[0] if found else None
