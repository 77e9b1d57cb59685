"""Running gold sets through the engine: per-item results and their metrics, per retrieval mode."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval import metrics
from qa.engine import Engine
from qa.retrieve import Mode

RANK_DEPTH = 10


@dataclass
class ItemResult:
    """One gold item as the system answered it."""

    id: str
    question: str
    expected: Any
    got: Any
    correct: bool
    evidence_ok: bool
    latency_ms: float
    retrieved: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Run:
    """The results of one gold set in one mode, with its metrics."""

    kind: str
    mode: str
    items: list[ItemResult]
    metrics: dict[str, float]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The objects of a JSON-lines file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _ranks(
    engine: Engine, question: str, mode: Mode, matches_sentence: Any, doc: str | None
) -> tuple[int | None, int | None, list[str]]:
    hits = engine.retrieve(question, mode=mode, k=RANK_DEPTH)
    sentence_rank = next((i + 1 for i, h in enumerate(hits) if matches_sentence(h.chunk.text)), None)
    doc_rank = None
    if doc is not None:
        manifest = engine.index.manifest()
        doc_rank = next(
            (
                i + 1
                for i, h in enumerate(hits)
                if manifest.get(h.chunk.doc_id) and manifest[h.chunk.doc_id].filename == doc
            ),
            None,
        )
    return sentence_rank, doc_rank, [h.chunk.text for h in hits[:5]]


def _rank_metrics(prefix: str, ranks: Sequence[int | None]) -> dict[str, float]:
    n = max(len(ranks), 1)
    return {
        f"{prefix}_hit@1": sum(1 for r in ranks if r is not None and r <= 1) / n,
        f"{prefix}_hit@5": sum(1 for r in ranks if r is not None and r <= 5) / n,
        f"{prefix}_mrr": sum(1.0 / r for r in ranks if r is not None) / n,
    }


def run_qa(engine: Engine, gold: Sequence[dict[str, Any]], mode: Mode) -> Run:
    """Ask every gold question; score answers, abstentions, citations and retrieval."""
    items: list[ItemResult] = []
    sentence_ranks: list[int | None] = []
    doc_ranks: list[int | None] = []
    for g in gold:
        started = time.perf_counter()
        answer = engine.ask(g["question"], mode=mode)
        latency = (time.perf_counter() - started) * 1000
        should_abstain = g.get("answer") is None
        if should_abstain:
            correct = answer.abstained
        elif answer.abstained:
            correct = False
        else:
            correct = metrics.answer_matches(answer.answer, answer.value, answer.unit, g)
        # the candidates behind the answer: is the gold answer among them (the oracle), and is the
        # best one right (what the confidence is calibrated against, answered or not)
        _, found = engine.candidates(g["question"], mode=mode)
        oracle = any(metrics.answer_matches(c.text.strip(), c.value, c.unit, g) for c in found)
        top_right = bool(found) and metrics.answer_matches(found[0].text.strip(), found[0].value, found[0].unit, g)
        evidence_ok = should_abstain or metrics.citation_correct(
            [c.quote for c in answer.citations], g.get("evidence")
        )
        evidence = g.get("evidence")
        if evidence:
            s_rank, d_rank, retrieved = _ranks(
                engine, g["question"], mode, lambda t, e=evidence: e in t, g.get("doc")
            )
            sentence_ranks.append(s_rank)
            doc_ranks.append(d_rank)
        else:
            retrieved = [c.quote for c in answer.related]
        items.append(
            ItemResult(
                id=str(g.get("id")),
                question=g["question"],
                expected=g.get("answer"),
                got=answer.answer,
                correct=bool(correct),
                evidence_ok=bool(evidence_ok),
                latency_ms=latency,
                retrieved=retrieved,
                extra={
                    "abstained": answer.abstained,
                    "should_abstain": should_abstain,
                    "value": answer.value,
                    "unit": answer.unit,
                    "confidence": answer.confidence,
                    "oracle": oracle,
                    "top_right": top_right,
                    "variant": g.get("variant", ""),
                    "type": g.get("type", ""),
                    "generated": answer.generated,
                    "draft_refused": (answer.llm_error or "").startswith("unverified"),
                    "figures": len(answer.figures_checked),
                    "unsupported": sum(not f["supported"] for f in answer.figures_checked),
                    "generated_right": answer.generated and _draft_holds(answer.text, g),
                },
            )
        )
    numeric = [i for i, g in zip(items, gold, strict=True) if g.get("value") is not None]
    answered = [i for i in items if not i.extra["should_abstain"]]
    m: dict[str, float] = {
        "accuracy": _mean([i.correct for i in items]),
        "numeric_accuracy": _mean([i.correct for i in numeric]),
        "exact_match": _mean([metrics.exact_match(i.got, i.expected) for i in answered]),
        "token_f1": _mean([metrics.token_f1(i.got, i.expected) for i in answered]),
        "citation_correct": _mean([i.evidence_ok for i in answered if not i.extra["abstained"]]),
        # answered, and not right: the figure a user would be misled by, over all questions
        "wrong_rate": _mean([not i.extra["abstained"] and not i.correct for i in items]),
        "candidate_oracle": _mean([i.extra["oracle"] for i in answered]),
    }
    ece, _ = metrics.expected_calibration_error(
        [i.extra["confidence"] for i in items], [i.extra["top_right"] for i in items]
    )
    m["calibration_error"] = ece
    abst = metrics.abstention_scores(
        [i.extra["abstained"] for i in items], [i.extra["should_abstain"] for i in items]
    )
    m.update({f"abstention_{k}": v for k, v in abst.items()})
    m.update(_rank_metrics("sentence", sentence_ranks))
    m.update(_rank_metrics("document", doc_ranks))
    m.update({f"latency_{k}_ms": v for k, v in metrics.percentiles([i.latency_ms for i in items]).items()})
    if engine.composer is not None:
        m.update(_llm_metrics(items))
    return Run("qa", mode, items, m)


def _draft_holds(text: str, g: dict[str, Any]) -> bool:
    """A generated answer is right when one of its figures is the gold answer (or, for a free-text
    answer, it holds the gold wording); an absent fact is never answered by a draft."""
    if g.get("answer") is None:
        return False
    from ingest.normalize import match_form
    from qa.numbers import find_quantities

    if any(metrics.answer_matches(q.text, q.value, q.unit, g) for q in find_quantities(text)):
        return True
    return match_form(str(g["answer"])) in match_form(text)


def _llm_metrics(items: Sequence[ItemResult]) -> dict[str, float]:
    """The generated answers: how often a draft is shown, how often it is right, and the guard's
    rates (drafts refused of the drafts written; figures unsupported of the figures written)."""
    drafts = [i for i in items if i.extra["generated"] or i.extra["draft_refused"]]
    figures = sum(i.extra["figures"] for i in items)
    return {
        "generated_rate": _mean([i.extra["generated"] for i in items]),
        "generated_accuracy": _mean([i.extra["generated_right"] for i in items if i.extra["generated"]]),
        "guard_refused_rate": _mean([i.extra["draft_refused"] for i in drafts]),
        "guard_unsupported_figures": sum(i.extra["unsupported"] for i in items) / figures if figures else 0.0,
    }


def run_claims(engine: Engine, gold: Sequence[dict[str, Any]], mode: Mode) -> Run:
    """Check every gold claim; score verdicts per class and with their evidence."""
    from qa.factcheck import claim_verdict

    items = []
    for n, g in enumerate(gold, 1):
        started = time.perf_counter()
        checks = engine.check_claim(g["claim"], claim_id=str(g.get("id") or n), mode=mode)
        latency = (time.perf_counter() - started) * 1000
        decisive = claim_verdict(checks)
        verdict = decisive.verdict if decisive else "not_found"
        quotes = [c.quote for v in checks for c in v.citations]
        evidence_ok = metrics.citation_correct(quotes, g.get("evidence"))
        items.append(
            ItemResult(
                id=str(g.get("id") or n),
                question=g["claim"],
                expected=g["verdict"],
                got=verdict,
                correct=verdict == g["verdict"],
                evidence_ok=evidence_ok,
                latency_ms=latency,
                retrieved=quotes[:5],
                extra={"reported": decisive.reported if decisive else None},
            )
        )
    scores = metrics.verdict_scores(
        [i.got for i in items], [i.expected for i in items], [i.evidence_ok for i in items]
    )
    m: dict[str, float] = {
        "verdict_accuracy": scores["accuracy"],
        "verdict_strict": scores["strict"],
        "verdict_macro_f1": scores["macro_f1"],
    }
    for label, s in scores["per_class"].items():
        m.update({f"{label}_{k}": float(v) for k, v in s.items() if k != "support"})
    m.update({f"latency_{k}_ms": v for k, v in metrics.percentiles([i.latency_ms for i in items]).items()})
    return Run("claims", mode, items, m)


def run_periods(engine: Engine, gold: Sequence[dict[str, Any]], mode: Mode) -> Run:
    """Ask every question of a gold set over many periods' reports (``tests/data/periods``).

    An item is right when: a period's or the latest figure is the gold one and of the gold period;
    an absent or missing period abstains; a comparison gives both periods' figures; a series gives
    every gold period's figure and no other figure for those periods. ``wrong_period_rate`` counts
    answers whose figure is of another period than the one asked: the failure this set guards.
    """
    items: list[ItemResult] = []
    for g in gold:
        started = time.perf_counter()
        answer = engine.ask(g["question"], mode=mode, series=g.get("kind") == "series")
        latency = (time.perf_counter() - started) * 1000
        kind = g.get("kind", "period")
        wrong_period = False
        if kind in ("missing", "absent"):
            correct = answer.abstained
            wrong_period = not answer.abstained and kind == "missing"
        elif kind == "compare":
            c = answer.comparison
            points = [c.earlier, c.later] if c else []
            correct = c is not None and all(
                _point_matches(pt, v) for pt, v in zip(points, g["values"], strict=True)
            )
        elif kind == "series":
            got = {pt.code: pt for pt in answer.series or []}
            want = g.get("series") or []
            correct = bool(want) and all(v["period"] in got and _point_matches(got[v["period"]], v) for v in want)
        else:
            right_figure = not answer.abstained and metrics.answer_matches(answer.answer, answer.value, answer.unit, g)
            from ingest.periods import parse_period

            period = parse_period(answer.period) if answer.period else None
            right_period = period is not None and period.code == g.get("period")
            correct = right_figure and right_period
            wrong_period = not answer.abstained and not right_period
        items.append(
            ItemResult(
                id=str(g.get("id")),
                question=g["question"],
                expected=g.get("answer") or g.get("period"),
                got=answer.shown(),
                correct=bool(correct),
                evidence_ok=True,
                latency_ms=latency,
                retrieved=[c.quote for c in answer.citations[:2]],
                extra={"kind": kind, "variant": g.get("variant", ""), "abstained": answer.abstained, "wrong_period": wrong_period, "period": answer.period},
            )
        )
    m: dict[str, float] = {"accuracy": _mean([i.correct for i in items])}
    for kind in sorted({i.extra["kind"] for i in items}):
        m[f"accuracy_{kind}"] = _mean([i.correct for i in items if i.extra["kind"] == kind])
    m["wrong_period_rate"] = _mean([i.extra["wrong_period"] for i in items])
    m.update({f"latency_{k}_ms": v for k, v in metrics.percentiles([i.latency_ms for i in items]).items()})
    return Run("periods", mode, items, m)


def _point_matches(point: Any, gold: dict[str, Any]) -> bool:
    """Whether one period's figure of a comparison or a series is the gold one, of the gold period."""
    want = {"answer": str(gold["value"]), "value": gold["value"], "unit": gold.get("unit")}
    return point.code == gold["period"] and metrics.answer_matches(point.answer, point.value, point.unit, want)


def squad_items(path: Path) -> tuple[list[tuple[str, str]], list[dict[str, Any]]]:
    """Paragraphs as ``(file name, text)`` documents, and questions with the paragraph they come from."""
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    docs: list[tuple[str, str]] = []
    questions: list[dict[str, Any]] = []
    for article in data:
        for n, paragraph in enumerate(article["paragraphs"]):
            name = f"{article['title']}-{n:03d}.txt"
            docs.append((name, paragraph["context"]))
            for qa in paragraph["qas"]:
                questions.append(
                    {
                        "id": qa["id"],
                        "question": qa["question"],
                        "answers": [a["text"] for a in qa["answers"]],
                        "doc": name,
                    }
                )
    return docs, questions


def run_squad(engine: Engine, questions: Sequence[dict[str, Any]], mode: Mode) -> Run:
    """Open-corpus SQuAD: each question asked of the whole index; EM on answers with digits, F1, retrieval."""
    items = []
    sentence_ranks: list[int | None] = []
    doc_ranks: list[int | None] = []
    for q in questions:
        started = time.perf_counter()
        answer = engine.ask(q["question"], mode=mode)
        latency = (time.perf_counter() - started) * 1000
        golds = q["answers"]
        got = answer.answer
        s_rank, d_rank, retrieved = _ranks(
            engine, q["question"], mode, lambda t, gs=golds: any(a in t for a in gs), q["doc"]
        )
        # the sentence must be from the gold paragraph, not merely mention the answer
        if s_rank is not None and d_rank is None:
            s_rank = None
        sentence_ranks.append(s_rank)
        doc_ranks.append(d_rank)
        em = metrics.exact_match(got, golds)
        # the figure itself, whatever words come with it ("308 điểm" for "308")
        value_match = bool(got) and any(
            metrics.numbers_in(a)
            and metrics.numbers_in(got or "")[: len(metrics.numbers_in(a))] == metrics.numbers_in(a)
            for a in golds
        )
        items.append(
            ItemResult(
                id=q["id"],
                question=q["question"],
                expected=golds,
                got=got,
                correct=em == 1.0,
                evidence_ok=s_rank is not None,
                latency_ms=latency,
                retrieved=retrieved,
                extra={
                    "numeric": any(ch.isdigit() for a in golds for ch in a),
                    "f1": metrics.token_f1(got, golds),
                    "abstained": answer.abstained,
                    "value_match": value_match,
                },
            )
        )
    numeric = [i for i in items if i.extra["numeric"]]
    m: dict[str, float] = {
        "numeric_exact_match": _mean([i.correct for i in numeric]),
        "numeric_value_match": _mean([i.extra["value_match"] for i in numeric]),
        "exact_match": _mean([i.correct for i in items]),
        "token_f1": _mean([i.extra["f1"] for i in items]),
        "abstained": _mean([i.extra["abstained"] for i in items]),
        "numeric_questions": float(len(numeric)),
    }
    m.update(_rank_metrics("sentence", sentence_ranks))
    m.update(_rank_metrics("document", doc_ranks))
    m.update({f"latency_{k}_ms": v for k, v in metrics.percentiles([i.latency_ms for i in items]).items()})
    return Run("squad", mode, items, m)


def _mean(values: Sequence[float | bool]) -> float:
    return float(sum(values)) / len(values) if values else math.nan
