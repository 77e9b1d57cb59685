"""``baocao eval train``: fit the answer ranker on the gold corpus and write its model file.

1. Every gold document (all splits, of the article and the table gold sets) and the reference
   report are ingested into one index.
2. Each train question (both gold sets' train splits and the older reference-report sets) is asked
   (the claims threshold is chosen on the article set's train claims and the older sets'); each
   of its candidates is a row of features (``qa.features``), labelled 1 when it is the gold
   answer (``eval.metrics.answer_matches``), 0 otherwise. Absent facts give only zeros.
3. First the answer-type model (``qa.asked``): a multinomial logistic regression over the
   question's words, fitted on the train questions' gold types. The train rows read its
   probabilities out of fold (5 folds by document), so that the ranker learns how far to trust
   it on questions it has not seen.
3. Then the ranker: gradient-boosted trees (scikit-learn's HistGradientBoostingClassifier) and,
   for comparison, a logistic regression, both fitted on the train rows; the one with the best
   dev top-1 accuracy (the share of answerable dev questions whose best candidate is right) is
   kept. Trees because the signals interact (a range's upper end answers only "tối đa"; a bare
   table number answers a money question only when the words around it say so), which a linear
   model cannot express; they are written out as arrays and walked with numpy at run time.
4. On the dev split: a calibration (Platt scaling) from the answer score to the probability
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
from ingest.normalize import match_form
from qa.asked import ANSWER_TYPES, TYPE_OF_GOLD, AnswerTypeModel, question_features
from qa.engine import Engine
from qa.features import FEATURES
from qa.ranker import ANSWER_FEATURES, Forest, Ranker, answer_features

MAX_WRONG = 0.05  # wrong answers, as a share of all questions, that the threshold allows on dev
MAX_CANDIDATES = 200  # per question, best first by the current ranking
# the reference report is what every demo shows and what the first wave's rules were written on;
# its questions weigh more so that the fitted ranker keeps answering it (its gold sets must not
# get worse), while the gold corpus's many documents decide everything else
REFERENCE_WEIGHT = 2.0
C_GRID = (0.1, 1.0)
CLAIM_TIES = (0.02, 0.1, 0.2, 0.35, 0.5)
TREE_GRID = ((0.05, 100, 15), (0.05, 100, 31), (0.05, 200, 15), (0.1, 100, 15))  # (learning rate, trees, leaves)


@dataclass
class Asked:
    """One gold question with its candidates' features and labels."""

    gold: dict[str, Any]
    rows: np.ndarray  # (candidates, features)
    labels: np.ndarray  # (candidates,) 0/1
    answers: list[tuple[Any, ...]]  # what each candidate answers: (value, unit) or its words

    @property
    def answerable(self) -> bool:
        return self.gold.get("answer") is not None


def collect(
    engine: Engine,
    questions: Sequence[dict[str, Any]],
    asked: Sequence[dict[str, float] | None] | None = None,
    progress: bool = True,
) -> list[Asked]:
    """Every question's candidates as feature rows, labelled against the gold answer.

    ``asked`` gives each question's answer-type probabilities (out of fold for train questions).
    """
    out = []
    started = time.perf_counter()
    for n, g in enumerate(questions, 1):
        _, found = engine.candidates(g["question"], asked=asked[n - 1] if asked else None)
        found = found[:MAX_CANDIDATES]
        rows = np.asarray([c.features for c in found], dtype=float).reshape(len(found), len(FEATURES))
        labels = np.asarray([answer_matches(c.text.strip(), c.value, c.unit, g) for c in found], dtype=float)
        answers = [(c.value, c.unit) if c.value is not None else (match_form(c.text),) for c in found]
        out.append(Asked(g, rows, labels, answers))
        if progress and n % 200 == 0:
            print(f"train: {n}/{len(questions)} questions read ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    return out


def fit_answer_types(questions: Sequence[dict[str, Any]]) -> tuple[AnswerTypeModel, list[dict[str, float] | None]]:
    """The answer-type model fitted on the answerable questions, and every question's out-of-fold probabilities."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    typed = [(n, g) for n, g in enumerate(questions) if g.get("type") not in (None, "none")]
    vocab: dict[str, int] = {}
    for _, g in typed:
        for term in question_features(g["question"]):
            vocab.setdefault(term, len(vocab))

    def matrix(items: Sequence[dict[str, Any]]) -> np.ndarray:
        x = np.zeros((len(items), len(vocab)))
        for i, g in enumerate(items):
            for term in question_features(g["question"]):
                if term in vocab:
                    x[i, vocab[term]] = 1.0
        return x

    x = matrix([g for _, g in typed])
    y = np.asarray([ANSWER_TYPES.index(TYPE_OF_GOLD.get(g["type"], g["type"])) for _, g in typed])
    groups = [g.get("doc", "") for _, g in typed]

    def fitted(rows: np.ndarray, labels: np.ndarray) -> AnswerTypeModel:
        lr = LogisticRegression(C=1.0, max_iter=3000).fit(rows, labels)
        # every type gets a column even when a fold lacks it
        coef = np.zeros((len(ANSWER_TYPES), rows.shape[1]))
        intercept = np.full(len(ANSWER_TYPES), -30.0)
        if len(lr.classes_) == 2:
            # a binary fit has one row, for the second class against the first
            coef[lr.classes_] = np.vstack([np.zeros_like(lr.coef_[0]), lr.coef_[0]])
            intercept[lr.classes_] = [0.0, lr.intercept_[0]]
        else:
            coef[lr.classes_] = lr.coef_
            intercept[lr.classes_] = lr.intercept_
        terms = sorted(vocab, key=vocab.__getitem__)
        weights = {t: tuple(coef[:, vocab[t]].tolist()) for t in terms if np.abs(coef[:, vocab[t]]).max() > 1e-4}
        return AnswerTypeModel(weights, tuple(intercept.tolist()))

    oof: list[dict[str, float] | None] = [None] * len(questions)
    for train_idx, held_idx in GroupKFold(n_splits=5).split(x, y, groups):
        model = fitted(x[train_idx], y[train_idx])
        for i in held_idx:
            n, g = typed[i]
            oof[n] = model.probabilities(g["question"])
    full = fitted(x, y)
    # an absent fact has no gold type: its probabilities come from the whole model, as at run time
    for n, g in enumerate(questions):
        if oof[n] is None:
            oof[n] = full.probabilities(g["question"])
    return full, oof


def top_choices(asked: Sequence[Asked], ranker: Ranker) -> list[tuple[tuple[float, ...], bool]]:
    """Per question: its answer's features (``qa.ranker.answer_features``) and whether the best
    candidate is the gold answer."""
    out = []
    for a in asked:
        if not len(a.rows):
            out.append((answer_features([], [], []), False))
            continue
        p = np.asarray(ranker.probabilities(a.rows.tolist()))
        order = np.argsort(-p, kind="stable")
        best = int(order[0])
        features = answer_features(
            p[order].tolist(), [a.answers[i] == a.answers[best] for i in order], a.rows[best].tolist()
        )
        out.append((features, bool(a.labels[best]) and a.answerable))
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


def _forest(model: Any) -> Forest:
    """The trees of a fitted HistGradientBoostingClassifier as flat arrays."""
    roots, feature, threshold, left, right, value = [], [], [], [], [], []
    depth = 0
    offset = 0
    for (predictor,) in model._predictors:
        nodes = predictor.nodes
        leaf = nodes["is_leaf"].astype(bool)
        index = np.arange(len(nodes))
        roots.append(offset)
        feature.append(np.where(leaf, 0, nodes["feature_idx"]))
        threshold.append(np.where(leaf, np.inf, nodes["num_threshold"]))
        left.append(np.where(leaf, index, nodes["left"]) + offset)
        right.append(np.where(leaf, index, nodes["right"]) + offset)
        value.append(np.where(leaf, nodes["value"], 0.0))
        depth = max(depth, int(nodes["depth"].max()))
        offset += len(nodes)
    return Forest(
        roots=np.asarray(roots, dtype=np.int64),
        feature=np.concatenate(feature).astype(np.int64),
        threshold=np.concatenate(threshold).astype(float),
        left=np.concatenate(left).astype(np.int64),
        right=np.concatenate(right).astype(np.int64),
        value=np.concatenate(value).astype(float),
        depth=depth,
        baseline=float(np.ravel(model._baseline_prediction)[0]),
    )


def _importance(forest: Forest, model: Any) -> tuple[float, ...]:
    """Each feature's share of the trees' total split gain."""
    gain = np.zeros(len(FEATURES))
    for (predictor,) in model._predictors:
        nodes = predictor.nodes
        inner = ~nodes["is_leaf"].astype(bool)
        np.add.at(gain, nodes["feature_idx"][inner], nodes["gain"][inner])
    return tuple((gain / max(gain.sum(), 1e-12)).round(4).tolist())


def _platt(scores: Sequence[float], right: Sequence[bool]) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Platt scaling fitted on dev: a logistic map of the score's log-odds to the share of right
    answers, written as knots of the ranker's piecewise-linear calibration.

    Platt rather than isotonic: with a few hundred dev questions an isotonic map is a staircase
    whose steps follow the noise, and the abstention threshold would sit on one of them.
    """
    from sklearn.linear_model import LogisticRegression

    logit = np.log(np.clip(scores, 1e-6, 1 - 1e-6) / (1 - np.clip(scores, 1e-6, 1 - 1e-6)))
    model = LogisticRegression(C=100.0).fit(logit.reshape(-1, 1), np.asarray(right, dtype=float))
    xs = np.linspace(0.0, 1.0, 201)
    grid = np.log(np.clip(xs, 1e-6, 1 - 1e-6) / (1 - np.clip(xs, 1e-6, 1 - 1e-6)))
    ys = model.predict_proba(grid.reshape(-1, 1))[:, 1]
    return tuple(xs.round(4).tolist()), tuple(ys.round(5).tolist())


def _top1(ranker: Ranker, asked: Sequence[Asked]) -> float:
    answerable = [a for a in asked if a.answerable]
    return sum(ok for _, ok in top_choices(answerable, ranker)) / max(len(answerable), 1)


def _stack(asked: Sequence[Asked]) -> tuple[np.ndarray, np.ndarray]:
    kept = [a for a in asked if len(a.rows)]
    return np.vstack([a.rows for a in kept]), np.concatenate([a.labels for a in kept])


def _weights(asked: Sequence[Asked]) -> np.ndarray:
    """Row weights: the reference report's questions count ``REFERENCE_WEIGHT`` times (see above)."""
    return np.concatenate(
        [
            np.full(len(a.rows), REFERENCE_WEIGHT if a.gold.get("doc") == gold_corpus.REFERENCE_DOC else 1.0)
            for a in asked
            if len(a.rows)
        ]
    )


def fit(
    train: Sequence[Asked], dev: Sequence[Asked], answer_types: AnswerTypeModel, provenance: dict[str, Any]
) -> Ranker:
    """Fit the ranker on train; choose the model, its answer score, calibration and threshold on dev.

    The answer score (how likely the best candidate is right, from ``ANSWER_FEATURES``) is a
    logistic regression fitted on the train questions' out-of-fold rankings (5 folds by
    document), so it learns from rankings of questions the ranker had not seen.
    """
    try:
        import sklearn
        from sklearn.ensemble import HistGradientBoostingClassifier
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import GroupKFold
    except ImportError as e:
        raise MissingExtraError("fitting the answer ranker", "eval") from e
    x, y = _stack(train)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    base = Ranker(
        features=FEATURES,
        forest=None,
        mean=mean,
        scale=scale,
        coef=np.zeros(len(FEATURES)),
        intercept=0.0,
        calibration=((), ()),
        answer_threshold=0.0,
        claim_threshold=0.0,
        answer_types=answer_types,
    )

    def make(config: tuple[Any, ...], rows: np.ndarray, labels: np.ndarray, weights: np.ndarray) -> Ranker:
        if config[0] == "logistic":
            model = LogisticRegression(C=config[1], max_iter=5000).fit(
                (rows - mean) / scale, labels, sample_weight=weights
            )
            return replace(base, coef=model.coef_[0].copy(), intercept=float(model.intercept_[0]))
        _, rate, iterations, leaves = config
        model = HistGradientBoostingClassifier(
            learning_rate=rate, max_iter=iterations, max_leaf_nodes=leaves, l2_regularization=1.0, random_state=0
        ).fit(rows, labels, sample_weight=weights)
        forest = _forest(model)
        return replace(base, forest=forest, importance=_importance(forest, model))

    configs: list[tuple[Any, ...]] = [("logistic", c) for c in C_GRID] + [("trees", *t) for t in TREE_GRID]
    tried = []
    for config in configs:
        ranker = make(config, x, y, _weights(train))
        tried.append((_top1(ranker, dev), config, ranker))
        print(f"train: {config}: dev top-1 {tried[-1][0]:.3f}", file=sys.stderr)
    top1, config, ranker = max(tried, key=lambda t: t[0])
    # the answer score, fitted on out-of-fold rankings of the train questions
    oof: list[tuple[tuple[float, ...], bool]] = []
    groups = [a.gold.get("doc", "") for a in train]
    for fold_train, fold_held in GroupKFold(n_splits=5).split(np.zeros(len(train)), groups=groups):
        fold = [train[i] for i in fold_train]
        fx, fy = _stack(fold)
        oof += top_choices([train[i] for i in fold_held], make(config, fx, fy, _weights(fold)))
    answer_model = LogisticRegression(C=1.0, max_iter=2000).fit(
        [f for f, _ in oof], [float(ok) for _, ok in oof]
    )
    choices = top_choices(dev, ranker)
    # the answer score: the fitted one, or the best candidate's probability alone, whichever
    # abstains better on dev (more right answers at no more than MAX_WRONG wrong)
    calibrated = []
    for coef in ((*answer_model.coef_[0].tolist(), float(answer_model.intercept_[0])), ()):
        candidate = replace(ranker, answer_coef=coef)
        scores = [candidate.answer_score(f) for f, _ in choices]
        candidate = replace(candidate, calibration=_platt(scores, [ok for _, ok in choices]))
        confidences = [candidate.calibrate(v) for v in scores]
        threshold, figures = choose_threshold(confidences, [ok for _, ok in choices], [a.answerable for a in dev])
        print(f"train: answer score {'fitted' if coef else 'best probability'}: dev {figures}", file=sys.stderr)
        calibrated.append((figures["dev_accuracy"], candidate, confidences, threshold, figures))
    _, ranker, confidences, threshold, figures = max(calibrated, key=lambda c: c[0])
    ece, _ = expected_calibration_error(confidences, [ok for _, ok in choices])
    name = (
        f"LogisticRegression(C={config[1]})"
        if config[0] == "logistic"
        else f"HistGradientBoostingClassifier(learning_rate={config[1]}, max_iter={config[2]}, max_leaf_nodes={config[3]})"
    )
    return replace(
        ranker,
        answer_threshold=threshold,
        provenance={
            **provenance,
            "library": f"scikit-learn {sklearn.__version__} {name}; answer score LogisticRegression; Platt scaling",
            "rows": int(len(y)),
            "positive_rows": int(y.sum()),
            "train_top1": round(_top1(ranker, train), 4),
            "dev_top1": round(top1, 4),
            "dev_ece": round(ece, 4),
            "answer_coef": dict(zip([*ANSWER_FEATURES, "bias"], [round(w, 4) for w in ranker.answer_coef], strict=True))
            if ranker.answer_coef
            else "none: the best candidate's probability",
            **{k: round(v, 4) for k, v in figures.items()},
        },
    )


def choose_claim_threshold(engine: Engine, claims: Sequence[dict[str, Any]]) -> tuple[float, float, float]:
    """The candidate probability above which a report figure answers a claim's figure, and how
    close to the best a figure must be to count as a reading, for verdict accuracy on the train
    claims. Returns ``(threshold, tie, accuracy)``."""
    from qa.factcheck import claim_verdict

    checker = engine.checker()
    read = []
    for n, g in enumerate(claims, 1):
        claim, lang = checker.claim_of(g["claim"], str(g.get("id") or n))
        read.append((g, claim, lang, checker.figure_candidates(claim) if claim else []))
    best = (-1.0, 0.0, 0.0)
    for t in np.linspace(0.02, 0.8, 40):
        for tie in CLAIM_TIES:
            right = 0
            for g, claim, lang, figures in read:
                if claim is None:
                    verdict = "not_found"
                else:
                    checks = [
                        checker.judge(claim, vid, fig, [c for c in found if c.score >= t], lang=lang, tie=tie)
                        for vid, fig, found in figures
                    ]
                    decisive = claim_verdict(checks)
                    verdict = decisive.verdict if decisive else "not_found"
                right += verdict == g["verdict"]
            accuracy = right / max(len(read), 1)
            if accuracy > best[0]:
                best = (accuracy, float(t), tie)
    return best[1], best[2], best[0]


def train(engine: Engine, out: Path | None = None) -> Ranker:
    """Fit the ranker over an engine that holds the gold corpus and the reference report; write it."""
    train_q = (
        gold_corpus.items("qa", "train")
        + gold_corpus.items("qa", "train", "tables")
        + gold_corpus.reference_items("qa")
    )
    # the threshold and the model are chosen on the article set's dev split, which CI guards
    # (tests/eval/test_gold_dev.py); the table set's dev split stays a measure of table answers
    dev_q = gold_corpus.items("qa", "dev")
    digest = hashlib.sha256(
        json.dumps([train_q, dev_q], ensure_ascii=False, sort_keys=True).encode("utf-8")
    ).hexdigest()
    print(f"train: {len(train_q)} train questions, {len(dev_q)} dev questions", file=sys.stderr)
    answer_types, oof = fit_answer_types(train_q)
    train_rows = collect(engine, train_q, oof)
    dev_rows = collect(engine, dev_q, [answer_types.probabilities(g["question"]) for g in dev_q])
    oracle = sum(bool(a.labels.any()) for a in dev_rows if a.answerable) / max(
        sum(a.answerable for a in dev_rows), 1
    )
    ranker = fit(
        train_rows,
        dev_rows,
        answer_types,
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
    threshold, tie, accuracy = choose_claim_threshold(engine, train_claims)
    ranker = replace(
        ranker,
        claim_threshold=round(threshold, 4),
        claim_tie=tie,
        provenance={**ranker.provenance, "train_claims": len(train_claims), "train_claim_accuracy": round(accuracy, 4)},
    )
    path = ranker.save(out)
    print(f"train: model written to {path}", file=sys.stderr)
    for name, w in ranker.weights():
        print(f"  {name:18s} {w:+.4f}", file=sys.stderr)
    return ranker
