"""``baocao eval train``: fit the answer ranker on the gold corpus and write its model file.

1. Every gold document (all splits) and the reference report are ingested into one index.
2. Each train question (the gold train split and the older reference-report sets) is asked; each
   of its candidates is a row of features (``qa.features``), labelled 1 when it is the gold
   answer (``eval.metrics.answer_matches``), 0 otherwise. Absent facts give only zeros.
3. A logistic regression (scikit-learn) is fitted on the train rows, its regularisation chosen
   by the dev split's top-1 accuracy. Logistic regression because the rows are few (tens of
   thousands), the features are already meaningful signals, its weights can be read and
   reported, and scoring it needs nothing but a dot product (no library at run time).
4. On the dev split: an isotonic map from the best candidate's probability to the probability
   that the answer is right, and the abstention threshold that maximises accuracy with at most
   ``MAX_WRONG`` wrong answers among all questions.
5. The speech-claim threshold is chosen on the train claims for verdict accuracy.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from baocao.errors import MissingExtraError
from eval import gold as gold_corpus
from eval.metrics import answer_matches, expected_calibration_error
from qa.engine import Engine
from qa.features import FEATURES
from qa.ranker import Ranker

MAX_WRONG = 0.05  # wrong answers, as a share of all questions, that the threshold allows on dev
MAX_CANDIDATES = 200  # per question, best first by the current ranking
C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)


@dataclass
class Asked:
    """One gold question with its candidates' features and labels."""

    gold: dict[str, Any]
    rows: np.ndarray  # (candidates, features)
    labels: np.ndarray  # (candidates,) 0/1

    @property
    def answerable(self) -> bool:
        return self.gold.get("answer") is not None


def collect(engine: Engine, questions: Sequence[dict[str, Any]], progress: bool = True) -> list[Asked]:
    """Every question's candidates as feature rows, labelled against the gold answer."""
    out = []
    started = time.perf_counter()
    for n, g in enumerate(questions, 1):
        _, found = engine.candidates(g["question"])
        found = found[:MAX_CANDIDATES]
        rows = np.asarray([c.features for c in found], dtype=float).reshape(len(found), len(FEATURES))
        labels = np.asarray([answer_matches(c.text.strip(), c.value, c.unit, g) for c in found], dtype=float)
        out.append(Asked(g, rows, labels))
        if progress and n % 100 == 0:
            print(f"train: {n}/{len(questions)} questions read ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    return out


def top_choices(asked: Sequence[Asked], ranker: Ranker) -> list[tuple[float, bool]]:
    """Per question: the best candidate's probability and whether it is the gold answer."""
    out = []
    for a in asked:
        if not len(a.rows):
            out.append((0.0, False))
            continue
        p = np.asarray(ranker.probabilities(a.rows.tolist()))
        best = int(np.argmax(p))
        out.append((float(p[best]), bool(a.labels[best]) and a.answerable))
    return out


def choose_threshold(
    confidences: Sequence[float], right: Sequence[bool], answerable: Sequence[bool]
) -> tuple[float, dict[str, float]]:
    """The abstention threshold with the best accuracy among those with at most ``MAX_WRONG`` wrong."""
    n = len(confidences)
    best: tuple[float, float, float] | None = None  # (accuracy, -wrong, threshold)
    for t in sorted(set(confidences)) + [1.01]:
        answered = [c >= t for c in confidences]
        correct = sum(
            (ok if ans else not can) for ans, ok, can in zip(answered, right, answerable, strict=True)
        )
        wrong = sum(ans and not ok for ans, ok in zip(answered, right, strict=True))
        key = (correct / n, -wrong / n, t)
        if wrong / n <= MAX_WRONG and (best is None or key[:2] > best[:2]):
            best = key
    if best is None:
        best = (0.0, 0.0, 1.01)
    return best[2], {"dev_accuracy": best[0], "dev_wrong_rate": -best[1]}


def fit(train: Sequence[Asked], dev: Sequence[Asked], provenance: dict[str, Any]) -> Ranker:
    """Fit the logistic ranker on train, choose its regularisation, calibration and threshold on dev."""
    try:
        import sklearn
        from sklearn.isotonic import IsotonicRegression
        from sklearn.linear_model import LogisticRegression
    except ImportError as e:
        raise MissingExtraError("fitting the answer ranker", "eval") from e
    x = np.vstack([a.rows for a in train if len(a.rows)])
    y = np.concatenate([a.labels for a in train if len(a.rows)])
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    z = (x - mean) / scale
    best: tuple[float, float, Ranker] | None = None
    for c in C_GRID:
        model = LogisticRegression(C=c, max_iter=5000).fit(z, y)
        ranker = Ranker(
            features=FEATURES,
            mean=mean,
            scale=scale,
            coef=model.coef_[0].copy(),
            intercept=float(model.intercept_[0]),
            calibration=((), ()),
            answer_threshold=0.0,
            claim_threshold=0.0,
        )
        answerable = [a for a in dev if a.answerable]
        top1 = sum(ok for _, ok in top_choices(answerable, ranker)) / max(len(answerable), 1)
        print(f"train: C={c}: dev top-1 {top1:.3f}", file=sys.stderr)
        if best is None or top1 > best[0]:
            best = (top1, c, ranker)
    assert best is not None
    top1, c, ranker = best
    choices = top_choices(dev, ranker)
    iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(
        [p for p, _ in choices], [float(ok) for _, ok in choices]
    )
    ranker = replace(ranker, calibration=(tuple(map(float, iso.X_thresholds_)), tuple(map(float, iso.y_thresholds_))))
    confidences = [ranker.confidence(p) for p, _ in choices]
    threshold, figures = choose_threshold(confidences, [ok for _, ok in choices], [a.answerable for a in dev])
    ece, _ = expected_calibration_error(confidences, [ok for _, ok in choices])
    train_top1 = sum(ok for _, ok in top_choices([a for a in train if a.answerable], ranker)) / max(
        sum(a.answerable for a in train), 1
    )
    return replace(
        ranker,
        answer_threshold=threshold,
        provenance={
            **provenance,
            "library": f"scikit-learn {sklearn.__version__} LogisticRegression(C={c}) + IsotonicRegression",
            "rows": int(len(y)),
            "positive_rows": int(y.sum()),
            "train_top1": round(train_top1, 4),
            "dev_top1": round(top1, 4),
            "dev_ece": round(ece, 4),
            **{k: round(v, 4) for k, v in figures.items()},
        },
    )


def choose_claim_threshold(engine: Engine, claims: Sequence[dict[str, Any]]) -> tuple[float, float]:
    """The candidate probability above which a report figure answers a claim's figure (train claims)."""
    from qa.factcheck import claim_verdict

    checker = engine._checker()
    read = []
    for n, g in enumerate(claims, 1):
        claim, lang = checker.claim_of(g["claim"], str(g.get("id") or n))
        read.append((g, claim, lang, checker.figure_candidates(claim) if claim else []))
    best = (-1.0, 0.0)
    for t in np.linspace(0.02, 0.8, 40):
        right = 0
        for g, claim, lang, figures in read:
            if claim is None:
                verdict = "not_found"
            else:
                checks = [
                    checker.judge(claim, vid, fig, [c for c in found if c.score >= t], lang=lang)
                    for vid, fig, found in figures
                ]
                decisive = claim_verdict(checks)
                verdict = decisive.verdict if decisive else "not_found"
            right += verdict == g["verdict"]
        accuracy = right / max(len(read), 1)
        if accuracy > best[0]:
            best = (accuracy, float(t))
    return best[1], best[0]


def train(engine: Engine, out: Path | None = None) -> Ranker:
    """Fit the ranker over an engine that holds the gold corpus and the reference report; write it."""
    train_q = gold_corpus.items("qa", "train") + gold_corpus.reference_items("qa")
    dev_q = gold_corpus.items("qa", "dev")
    digest = hashlib.sha256(
        json.dumps([train_q, dev_q], ensure_ascii=False, sort_keys=True).encode("utf-8")
    ).hexdigest()
    print(f"train: {len(train_q)} train questions, {len(dev_q)} dev questions", file=sys.stderr)
    train_rows = collect(engine, train_q)
    dev_rows = collect(engine, dev_q)
    oracle = sum(bool(a.labels.any()) for a in dev_rows if a.answerable) / max(
        sum(a.answerable for a in dev_rows), 1
    )
    ranker = fit(
        train_rows,
        dev_rows,
        {
            "trained_at": time.strftime("%Y-%m-%d"),
            "data_sha256": digest,
            "train_questions": len(train_q),
            "dev_questions": len(dev_q),
            "dev_candidate_oracle": round(oracle, 4),
            "documents": len(engine.index.manifest()),
        },
    )
    engine.ranker = ranker
    train_claims = gold_corpus.items("claims", "train") + gold_corpus.reference_items("claims")
    threshold, accuracy = choose_claim_threshold(engine, train_claims)
    ranker = replace(
        ranker,
        claim_threshold=round(threshold, 4),
        provenance={**ranker.provenance, "train_claims": len(train_claims), "train_claim_accuracy": round(accuracy, 4)},
    )
    path = ranker.save(out)
    print(f"train: model written to {path}", file=sys.stderr)
    for name, w in ranker.weights():
        print(f"  {name:18s} {w:+.3f}", file=sys.stderr)
    return ranker
