"""The fitted answer ranker: a logistic model over candidate features, with a calibrated confidence.

The model is a data file in the package (``qa/data/ranker.json``), written by ``baocao eval
train`` from the gold corpus's train split, and loaded once per engine. It holds:

- the feature list it was fitted on (``qa.features.FEATURES``; a mismatch is refused);
- the standardisation (mean, scale) and the logistic coefficients;
- an isotonic map from the best candidate's probability to the probability that the answer is
  right, fitted on the dev split, and the abstention threshold chosen on dev;
- the threshold below which a report figure does not answer a speech's figure;
- its provenance: the training data's hash, the library and its version, the figures measured.

Scoring needs numpy only; fitting needs scikit-learn (``pip install '.[eval]'``).
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
from qa.features import FEATURES

MODEL_PATH = Path(__file__).with_name("data") / "ranker.json"


@dataclass(frozen=True)
class Ranker:
    """A fitted logistic ranker with its calibration and thresholds.

    Attributes:
        features: feature names, in coefficient order.
        mean: per-feature mean of the training rows.
        scale: per-feature standard deviation of the training rows (1 where constant).
        coef: logistic coefficients over the standardised features.
        intercept: the logistic intercept.
        calibration: ``(x, y)`` knots of the isotonic map from the best candidate's probability to
            the probability that the answer is right (piecewise linear between knots).
        answer_threshold: below this calibrated confidence, abstain.
        claim_threshold: below this candidate probability, a report figure does not answer a
            speech's figure.
        provenance: training data hash, library and version, sizes and measured figures.
    """

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    calibration: tuple[tuple[float, ...], tuple[float, ...]]
    answer_threshold: float
    claim_threshold: float
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
        if not rows:
            return []
        z = ((np.asarray(rows, dtype=float) - self.mean) / self.scale) @ self.coef + self.intercept
        return [1.0 / (1.0 + math.exp(-v)) if v > -500 else 0.0 for v in z.tolist()]

    def confidence(self, probability: float) -> float:
        """The calibrated probability that an answer whose best candidate has ``probability`` is right."""
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
        """``(feature, coefficient)`` pairs, largest magnitude first (standardised features)."""
        return sorted(zip(self.features, self.coef.tolist(), strict=True), key=lambda p: -abs(p[1]))

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
            "calibration": {"x": list(self.calibration[0]), "y": list(self.calibration[1])},
            "answer_threshold": self.answer_threshold,
            "claim_threshold": self.claim_threshold,
            "provenance": self.provenance,
        }

    def save(self, path: Path | None = None) -> Path:
        """Write the model file (atomically: a reader never sees half a model)."""
        path = path or MODEL_PATH
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
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
    scale = np.asarray(data["scale"], dtype=float)
    return Ranker(
        features=features,
        mean=np.asarray(data["mean"], dtype=float),
        scale=np.where(scale > 0, scale, 1.0),
        coef=np.asarray(data["coef"], dtype=float),
        intercept=float(data["intercept"]),
        calibration=(tuple(data["calibration"]["x"]), tuple(data["calibration"]["y"])),
        answer_threshold=float(data["answer_threshold"]),
        claim_threshold=float(data["claim_threshold"]),
        provenance=dict(data.get("provenance", {})),
    )
