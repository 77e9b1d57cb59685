"""What a question asks for, as fitted probabilities over answer types.

The hand-written question analysis (``qa.question``) reads the answer type from question words
("bao nhiêu ha", "ngày nào", "số mấy"); officials also ask "bị phạt tối đa bao nhiêu?" (money),
"trong bao lâu?" (a count of days) or "mức nào?". A multinomial logistic model over the question's
words and word pairs, fitted on the gold corpus's train questions (``baocao eval train``), gives a
probability for each type; the ranker reads the probability of each candidate's own type.

Words are read without diacritics and in lower case, so a question typed bare is read alike.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ingest.normalize import fold

ANSWER_TYPES: tuple[str, ...] = ("quantity", "percent", "money", "count", "date", "docref", "text")
# the gold sets' types folded into the model's: a person's name is a short passage here, a year
# is a date, a bare number in a table cell is a quantity
TYPE_OF_GOLD = {"person": "text", "place": "text", "name": "text", "year": "date", "number": "quantity"}


def question_features(question: str) -> list[str]:
    """The words and word pairs of a question, lower case and without diacritics.

    >>> question_features("Phạt tối đa bao nhiêu?")
    ['phat', 'toi', 'dai', 'bao', 'nhieu', 'phat toi', 'toi dai', 'dai bao', 'bao nhieu']
    """
    words = re.findall(r"[^\W\d_]+", fold(question).lower())
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


@dataclass(frozen=True)
class AnswerTypeModel:
    """A multinomial logistic model: per-term weights for each answer type.

    Attributes:
        weights: term -> one weight per type of ``ANSWER_TYPES``.
        intercept: one bias per type.
    """

    weights: dict[str, tuple[float, ...]]
    intercept: tuple[float, ...]

    def probabilities(self, question: str) -> dict[str, float]:
        """The probability of each answer type for a question (they sum to 1)."""
        z = list(self.intercept)
        # a term counts once, as it did when fitted
        for term in set(question_features(question)):
            w = self.weights.get(term)
            if w is not None:
                z = [a + b for a, b in zip(z, w, strict=True)]
        top = max(z)
        e = [math.exp(v - top) for v in z]
        total = sum(e)
        return {t: v / total for t, v in zip(ANSWER_TYPES, e, strict=True)}

    def to_json(self) -> dict[str, Any]:
        return {
            "types": list(ANSWER_TYPES),
            "intercept": list(self.intercept),
            "weights": {t: [round(x, 5) for x in w] for t, w in sorted(self.weights.items())},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AnswerTypeModel:
        if tuple(data.get("types", ())) != ANSWER_TYPES:
            raise ValueError(f"answer types {data.get('types')} are not {list(ANSWER_TYPES)}")
        return cls(
            weights={t: tuple(map(float, w)) for t, w in data["weights"].items()},
            intercept=tuple(map(float, data["intercept"])),
        )


def uniform() -> dict[str, float]:
    """Every answer type equally likely (no model)."""
    return dict.fromkeys(ANSWER_TYPES, 1.0 / len(ANSWER_TYPES))


def type_of_figure(kind: str) -> Sequence[str]:
    """The answer types a candidate of this figure kind answers ("number": any figure)."""
    return {
        "money": ("money",),
        "percent": ("percent",),
        "area": ("quantity",),
        "length": ("quantity",),
        "mass": ("quantity",),
        "volume": ("quantity",),
        "count": ("count",),
        "fraction": ("count",),
        "number": ("quantity", "count", "money", "percent"),
        "date": ("date",),
        "year": ("date",),
        "code": ("docref",),
    }.get(kind, ("text",))
