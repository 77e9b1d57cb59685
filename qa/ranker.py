"""The fitted answer ranker: a model over candidate features, with a calibrated confidence.

The model is a data file in the package (``qa/data/ranker.json``), written by ``baocao eval
train`` from the gold corpus's train split, and loaded once per engine. It holds:

- the feature list it was fitted on (``qa.features.FEATURES``; a mismatch is refused);
- the scorer: gradient-boosted trees (scikit-learn's HistGradientBoostingClassifier, its trees
  written out as arrays) or a logistic model (standardisation and coefficients);
- the answer-type model (``qa.asked``) whose probabilities are features;
- a calibration (Platt scaling) from the answer score to the probability that the answer is
  right, fitted on the dev split, and the abstention threshold chosen on dev;
- the threshold below which a report figure does not answer a speech's figure;
- its provenance: the training data's hash, the library and its version, the figures measured.

Scoring needs numpy only (the trees are walked as arrays); fitting needs scikit-learn
(``pip install '.[eval]'``).
"""

from __future__ import annotations

import json
import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from baocao.errors import RankerError
from qa.asked import AnswerTypeModel
from qa.features import FEATURES

MODEL_PATH = Path(__file__).with_name("data") / "ranker.json"
# what the confidence of an answer is read from: its best candidate against the others
ANSWER_FEATURES: tuple[str, ...] = (
    "best",  # the best candidate's probability
    "runner_up",  # the best probability of a candidate with another answer
    "margin",  # best - runner_up
    "agreement",  # share of all candidates' probability on the best answer
    "asked_prob",  # the best candidate's answer-type probability
    "support",  # other sentences state the best answer
    "type_fit",  # the best candidate is of the asked type
    "heuristic",  # the best candidate's hand-set score
    "heuristic_top",  # the hand-set score chose the same candidate
)
_BEST_ROW = tuple(FEATURES.index(f) for f in ("asked_prob", "support", "type_fit", "heuristic", "heuristic_top"))


def answer_features(
    probabilities: Sequence[float], same_as_best: Sequence[bool], best_row: Sequence[float]
) -> tuple[float, ...]:
    """The features of an answer (``ANSWER_FEATURES``) from its candidates, best first.

    Args:
        probabilities: every candidate's probability, best first.
        same_as_best: whether each candidate states the best one's answer.
        best_row: the best candidate's feature row.
    """
    if not probabilities:
        return (0.0,) * len(ANSWER_FEATURES)
    best = probabilities[0]
    runner_up = max((p for p, same in zip(probabilities, same_as_best, strict=True) if not same), default=0.0)
    total = sum(probabilities) or 1.0
    agreement = sum(p for p, same in zip(probabilities, same_as_best, strict=True) if same) / total
    return (best, runner_up, best - runner_up, agreement, *(float(best_row[i]) for i in _BEST_ROW))


@dataclass(frozen=True)
class Forest:
    """Boosted regression trees as flat arrays: every tree's nodes side by side.

    Attributes:
        roots: index of each tree's root node.
        feature: the feature a node splits on.
        threshold: a row goes left when its feature is at most this.
        left: the left child of a node (a leaf points to itself).
        right: the right child of a node (a leaf points to itself).
        value: a leaf's contribution to the raw score (0 for inner nodes).
        depth: the deepest path, in splits.
        baseline: the raw score before any tree.
    """

    roots: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    depth: int
    baseline: float

    def raw(self, x: np.ndarray) -> np.ndarray:
        """Raw scores (log-odds) of the rows of ``x``: all trees walked at once, one level per step."""
        node = np.broadcast_to(self.roots, (len(x), len(self.roots))).copy()
        rows = np.arange(len(x))[:, None]
        for _ in range(self.depth):
            go_left = x[rows, self.feature[node]] <= self.threshold[node]
            node = np.where(go_left, self.left[node], self.right[node])
        return self.baseline + self.value[node].sum(axis=1)

    def to_json(self) -> dict[str, Any]:
        return {
            "roots": self.roots.tolist(),
            "feature": self.feature.tolist(),
            "threshold": self.threshold.tolist(),
            "left": self.left.tolist(),
            "right": self.right.tolist(),
            "value": self.value.tolist(),
            "depth": self.depth,
            "baseline": self.baseline,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Forest:
        return cls(
            roots=np.asarray(data["roots"], dtype=np.int64),
            feature=np.asarray(data["feature"], dtype=np.int64),
            threshold=np.asarray(data["threshold"], dtype=float),
            left=np.asarray(data["left"], dtype=np.int64),
            right=np.asarray(data["right"], dtype=np.int64),
            value=np.asarray(data["value"], dtype=float),
            depth=int(data["depth"]),
            baseline=float(data["baseline"]),
        )


@dataclass(frozen=True)
class Ranker:
    """A fitted ranker with its calibration and thresholds.

    Attributes:
        features: feature names, in column order.
        forest: boosted trees, or ``None`` for a logistic model.
        mean: per-feature mean of the training rows (logistic model).
        scale: per-feature standard deviation of the training rows, 1 where constant (logistic).
        coef: logistic coefficients over the standardised features.
        intercept: the logistic intercept.
        answer_coef: logistic weights over ``ANSWER_FEATURES`` (and a last one for the bias) that
            score how likely an answer is right; empty: the best candidate's probability.
        calibration: ``(x, y)`` knots of the calibration (Platt scaling) from that score to the probability that
            the answer is right (piecewise linear between knots), fitted on dev.
        answer_threshold: below this calibrated confidence, abstain.
        claim_threshold: below this candidate probability, a report figure does not answer a
            speech's figure.
        claim_tie: report figures this close to the best one's probability are equally good
            readings; a claim is supported when any of them bears it out.
        answer_types: the fitted answer-type model, or ``None`` (every type equally likely).
        importance: per-feature importance (share of the trees' split gain, or |coefficient|).
        provenance: training data hash, library and version, sizes and measured figures.
    """

    features: tuple[str, ...]
    forest: Forest | None
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    calibration: tuple[tuple[float, ...], tuple[float, ...]]
    answer_threshold: float
    claim_threshold: float
    answer_types: AnswerTypeModel | None = None
    answer_coef: tuple[float, ...] = ()
    claim_tie: float = 0.02
    importance: tuple[float, ...] = ()
    provenance: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None) -> Ranker:
        """Read a model file (the packaged one by default).

        Raises:
            RankerError: the file is missing, is not a model, or was fitted on other features.
        """
        return _load(path or MODEL_PATH)

    def probabilities(self, rows: Sequence[Sequence[float]]) -> list[float]:
        """The fitted probability that each candidate (a row of features) is the answer."""
        if not len(rows):
            return []
        x = np.asarray(rows, dtype=float)
        z = self.forest.raw(x) if self.forest is not None else ((x - self.mean) / self.scale) @ self.coef + self.intercept
        return (1.0 / (1.0 + np.exp(-np.clip(z, -500, 500)))).tolist()

    def asked(self, question: str) -> dict[str, float] | None:
        """The answer-type probabilities of a question (``None`` without an answer-type model)."""
        return self.answer_types.probabilities(question) if self.answer_types else None

    def answer_score(self, features: Sequence[float]) -> float:
        """How likely an answer is right before calibration, from its ``answer_features``."""
        if not self.answer_coef:
            return float(features[0])
        z = sum(w * f for w, f in zip(self.answer_coef[:-1], features, strict=True)) + self.answer_coef[-1]
        return 1.0 / (1.0 + math.exp(-max(-500.0, min(500.0, z))))

    def confidence(self, features: Sequence[float]) -> float:
        """The calibrated probability that an answer with these ``answer_features`` is right."""
        return self.calibrate(self.answer_score(features))

    def calibrate(self, probability: float) -> float:
        """The calibration fitted on dev, from an answer score to the probability of being right."""
        xs, ys = self.calibration
        if not xs:
            return probability
        if probability <= xs[0]:
            return ys[0]
        if probability >= xs[-1]:
            return ys[-1]
        i = bisect_right(xs, probability) - 1
        x0, x1, y0, y1 = xs[i], xs[i + 1], ys[i], ys[i + 1]
        return y0 if x1 == x0 else y0 + (y1 - y0) * (probability - x0) / (x1 - x0)

    def weights(self) -> list[tuple[str, float]]:
        """``(feature, importance)`` pairs, most important first (signed coefficients for a logistic model)."""
        values = self.importance if self.forest is not None else tuple(self.coef.tolist())
        return sorted(zip(self.features, values, strict=True), key=lambda p: -abs(p[1]))

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "model": "trees" if self.forest is not None else "logistic",
            "forest": self.forest.to_json() if self.forest is not None else None,
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
            "calibration": {"x": list(self.calibration[0]), "y": list(self.calibration[1])},
            "answer_threshold": self.answer_threshold,
            "claim_threshold": self.claim_threshold,
            "claim_tie": self.claim_tie,
            "answer_types": self.answer_types.to_json() if self.answer_types else None,
            "answer_features": list(ANSWER_FEATURES),
            "answer_coef": list(self.answer_coef),
            "importance": list(self.importance),
            "provenance": self.provenance,
        }

    def save(self, path: Path | None = None) -> Path:
        """Write the model file (atomically: a reader never sees half a model)."""
        path = path or MODEL_PATH
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
        tmp.replace(path)
        _load.cache_clear()
        return path


@lru_cache(maxsize=4)
def _load(path: Path) -> Ranker:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise RankerError(
            f"the answer ranker's model {path} is missing; reinstall baocao or fit it with 'baocao eval train'"
        ) from e
    except (OSError, ValueError) as e:
        raise RankerError(
            f"cannot read the answer ranker's model {path}: {e}; fit it again with 'baocao eval train'"
        ) from e
    features = tuple(data.get("features", ()))
    if features != FEATURES:
        missing = sorted(set(FEATURES) - set(features))
        extra = sorted(set(features) - set(FEATURES))
        raise RankerError(
            f"the answer ranker's model {path} was fitted on other features (missing {missing}, "
            f"unknown {extra}); fit it again with 'baocao eval train'"
        )
    try:
        scale = np.asarray(data["scale"], dtype=float)
        return Ranker(
            features=features,
            forest=Forest.from_json(data["forest"]) if data.get("forest") else None,
            mean=np.asarray(data["mean"], dtype=float),
            scale=np.where(scale > 0, scale, 1.0),
            coef=np.asarray(data["coef"], dtype=float),
            intercept=float(data["intercept"]),
            calibration=(tuple(data["calibration"]["x"]), tuple(data["calibration"]["y"])),
            answer_threshold=float(data["answer_threshold"]),
            claim_threshold=float(data["claim_threshold"]),
            answer_types=AnswerTypeModel.from_json(data["answer_types"]) if data.get("answer_types") else None,
            answer_coef=tuple(map(float, data.get("answer_coef", ()))),
            claim_tie=float(data.get("claim_tie", 0.02)),
            importance=tuple(map(float, data.get("importance", ()))),
            provenance=dict(data.get("provenance", {})),
        )
    except (KeyError, TypeError, ValueError) as e:
        raise RankerError(
            f"the answer ranker's model {path} is incomplete ({e}); fit it again with 'baocao eval train'"
        ) from e
