"""Scores for the eval runs: answers, figures, abstentions, retrieval, citations, verdicts, latency.

Every metric here is a pure function of plain values, so that each can be checked on a hand-made
case whose right score is known.

Answers are compared after a number-aware normaliser. SQuAD's script strips punctuation, which turns
"1.234,5" (one thousand two hundred thirty-four and a half) and "12.345" (twelve thousand three hundred
forty-five) into the same string "12345"; here each written number is replaced by its value first, so
"66,4" and "66.4" agree, "1.109.521.000" and "1109521000" agree, and those two do not.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import numpy as np

from ingest.normalize import match_form
from qa.numbers import find_quantities, parse_number, same_quantity

__all__ = [
    "VERDICT_LABELS",
    "abstention_scores",
    "citation_correct",
    "exact_match",
    "hit_at_k",
    "mean",
    "normalize_answer",
    "numbers_in",
    "numeric_match",
    "percentiles",
    "reciprocal_rank",
    "token_f1",
    "verdict_scores",
]

VERDICT_LABELS = ("supported", "refuted", "not_found")

# a number keeps its dots and commas (they say what its value is); any other punctuation splits words
_NUMBER = r"[0-9]+(?:[.,][0-9]+)*"
_TOKEN_RE = re.compile(rf"{_NUMBER}|\w+")
_DIGITS_RE = re.compile(_NUMBER)
_ARTICLES_EN = frozenset({"a", "an", "the"})
# a date's value is its ordinal and a code's is its serial number: neither is a figure of the text
_NOT_FIGURES = frozenset({"date", "code"})


def mean(xs: Iterable[float]) -> float:
    """Arithmetic mean; NaN for no values (an empty set has no score, not a score of zero)."""
    values = list(xs)
    return math.fsum(values) / len(values) if values else math.nan


def _canonical(value: float) -> str:
    """The value as the shortest plain decimal: 66.4 -> "66.4", 1109521000.0 -> "1109521000"."""
    return format(Decimal(repr(value)).normalize(), "f")


def normalize_answer(text: str, *, lang: str = "vi") -> list[str]:
    """Tokens of an answer for exact match and token F1, with each number replaced by its value.

    The text is put in NFC, lowercased and its tone marks unified ("hoà" = "hòa"); punctuation is
    dropped except inside numbers, and every number is read by the convention of ``lang`` and written
    as its plain value. Vietnamese keeps every word; English drops "a", "an", "the" as SQuAD does.

    Args:
        text: the answer as written.
        lang: the number convention of ``text``: "vi" (decimal comma, thousands dot) or "en".

    Returns:
        The tokens: "Diện tích 66,4 ha." -> ["diện", "tích", "66.4", "ha"];
        "1.109.521.000 đồng" -> ["1109521000", "đồng"]; "06 trường hợp" -> ["6", "trường", "hợp"];
        "1.234,5" -> ["1234.5"] but "12.345" -> ["12345"]; with lang="en", "1,234.5" -> ["1234.5"].
    """
    tokens = []
    for token in _TOKEN_RE.findall(match_form(text)):
        if token[0].isdigit() and _DIGITS_RE.fullmatch(token):
            value = parse_number(token, lang=lang)
            # an unreadable run of digits ("1.2.3") stays as written rather than vanish
            tokens.append(token if value is None else _canonical(value))
        elif not (lang == "en" and token in _ARTICLES_EN):
            tokens.append(token)
    return tokens


def _golds(gold: str | Sequence[str]) -> list[str]:
    golds = [gold] if isinstance(gold, str) else list(gold)
    if not golds:
        raise ValueError("no gold answer to compare with: give at least one gold string")
    return golds


def exact_match(prediction: str | None, gold: str | Sequence[str], *, lang: str = "vi") -> float:
    """1.0 if the normalised prediction equals some normalised gold answer, else 0.0.

    ``prediction`` None (the system abstained) scores 0; ``lang`` is as in ``normalize_answer``.
    ``exact_match("66.4 ha", ["66,4 ha", "66,4 héc-ta"])`` -> 1.0.

    Raises:
        ValueError: if ``gold`` is an empty list.
    """
    golds = _golds(gold)
    if prediction is None:
        return 0.0
    predicted = normalize_answer(prediction, lang=lang)
    return float(any(predicted == normalize_answer(g, lang=lang) for g in golds))


def _f1(predicted: list[str], gold: list[str]) -> float:
    if not predicted or not gold:
        return float(predicted == gold)  # SQuAD: two empty answers agree, one empty one does not
    common = sum((Counter(predicted) & Counter(gold)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(predicted), common / len(gold)
    return 2 * precision * recall / (precision + recall)


def token_f1(prediction: str | None, gold: str | Sequence[str], *, lang: str = "vi") -> float:
    """SQuAD's bag-of-tokens F1 over ``normalize_answer`` tokens, best over the gold answers.

    ``prediction`` None scores 0. ``token_f1("cho thuê đất 66,4 ha", "66,4 ha")`` -> 2 * (2/5 * 1) /
    (2/5 + 1) ≈ 0.571.

    Raises:
        ValueError: if ``gold`` is an empty list.
    """
    golds = _golds(gold)
    if prediction is None:
        return 0.0
    predicted = normalize_answer(prediction, lang=lang)
    return max(_f1(predicted, normalize_answer(g, lang=lang)) for g in golds)


def numeric_match(
    pred_value: float | None,
    pred_unit: str | None,
    gold_value: float,
    gold_unit: str | None,
    *,
    rel_tol: float = 0.005,
) -> bool:
    """True if the predicted figure is the gold one: value within ``rel_tol`` and the same unit.

    Values compare as the fact-checker compares them (``qa.numbers.same_quantity``; ``rel_tol`` 0.005
    is 0.5%); units compare after ``match_form``, so "Ha" = "ha" and NFD = NFC. A ``pred_value`` of
    None (no figure) never matches; a ``gold_unit`` of None or "" accepts any unit.
    ``numeric_match(98.4, "%", 98.42, "%")`` -> True; ``numeric_match(66.4, "m2", 66.4, "ha")`` -> False.
    """
    if pred_value is None or not same_quantity(pred_value, gold_value, rel_tol=rel_tol):
        return False
    if not gold_unit:
        return True
    return match_form(pred_unit or "") == match_form(gold_unit)


def numbers_in(text: str, *, lang: str = "vi") -> list[float]:
    """Values of the figures written in a text, in reading order.

    Figures are read by ``qa.numbers.find_quantities`` (scale words applied: "1,1 tỷ" -> 1.1e9).
    Dates and document codes are left out: their values are a day's ordinal and a serial number. A
    run of digits that reading did not claim is read on its own with ``parse_number``, unless it is
    glued to a word ("QL91" is a road's name).

    ``numbers_in("thu hồi 06 trường hợp, 31,32 ha ngày 9/10/2021")`` -> [6.0, 31.32].
    """
    text = unicodedata.normalize("NFC", text)
    quantities = find_quantities(text, lang=lang)
    taken = bytearray(len(text))
    found: list[tuple[int, float]] = []
    for q in quantities:
        taken[q.start : q.end] = b"\x01" * (q.end - q.start)
        if q.kind not in _NOT_FIGURES:
            found.append((q.start, q.value))
    for match in _DIGITS_RE.finditer(text):
        start, end = match.span()
        if taken.find(1, start, end) != -1 or (start > 0 and text[start - 1].isalnum()):
            continue
        value = parse_number(match.group(0), lang=lang)
        if value is not None:
            found.append((start, value))
    return [value for _, value in sorted(found, key=lambda item: item[0])]


def _expected_set(expected: set[str] | str) -> set[str]:
    ids = {expected} if isinstance(expected, str) else set(expected)
    if not ids:
        raise ValueError("no expected id to look for: score retrieval only on items with gold evidence")
    return ids


def hit_at_k(ranked_ids: Sequence[str], expected: set[str] | str, k: int) -> float:
    """1.0 if any expected id is among the first ``k`` ranked ids, else 0.0.

    Follows llama-index's ``HitRate`` (default, non-graded); written here to keep llama-index out of
    the eval's dependencies. Ranks are positions in ``ranked_ids`` as given: for document-level hits
    over chunk results, pass the documents of the ranked chunks (repeats and all) or deduplicate first.
    ``hit_at_k(["a", "b", "c"], "c", 1)`` -> 0.0; with k=5 -> 1.0.

    Raises:
        ValueError: if ``k`` < 1 or ``expected`` is empty.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    ids = _expected_set(expected)
    return float(any(rid in ids for rid in ranked_ids[:k]))


def reciprocal_rank(ranked_ids: Sequence[str], expected: set[str] | str) -> float:
    """1 / rank of the first expected id (ranks from 1), 0.0 if none was retrieved.

    Follows llama-index's ``MRR`` (default, non-mean); the mean over items is the MRR.
    ``reciprocal_rank(["a", "b", "c"], {"c", "x"})`` -> 1/3.

    Raises:
        ValueError: if ``expected`` is empty.
    """
    ids = _expected_set(expected)
    for rank, rid in enumerate(ranked_ids, start=1):
        if rid in ids:
            return 1.0 / rank
    return 0.0


def _ratio(hits: int, total: int, *, flawless: bool) -> float:
    """``hits / total``; with nothing to count, 1.0 if the system made no error at all, else 0.0."""
    return hits / total if total else float(flawless)


def _prf(true_pos: int, predicted: int, actual: int, *, flawless: bool) -> tuple[float, float, float]:
    precision = _ratio(true_pos, predicted, flawless=flawless)
    recall = _ratio(true_pos, actual, flawless=flawless)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _same_length(name: str, a: Sequence[Any], b: Sequence[Any]) -> None:
    if len(a) != len(b):
        raise ValueError(f"{name}: got {len(a)} predictions for {len(b)} gold items; pass one per item")


def abstention_scores(abstained: Sequence[bool], should_abstain: Sequence[bool]) -> dict[str, float]:
    """Precision, recall and F1 of abstaining ("không tìm thấy"), abstaining being the positive class.

    precision = correct abstentions / abstentions; recall = correct abstentions / items that should
    be abstained on. A ratio with nothing to count (no abstentions, or none expected) is 1.0 when the
    system made no abstention error of either kind, else 0.0: never abstaining on a set that needs no
    abstention scores 1.0, abstaining on such a set scores 0.0 throughout.

    Args:
        abstained: per item, whether the system abstained.
        should_abstain: per item, whether the gold answer is "not in the reports".

    Returns:
        {"precision", "recall", "f1"}.

    Raises:
        ValueError: if the two sequences differ in length.
    """
    _same_length("abstention_scores", abstained, should_abstain)
    true_pos = sum(a and s for a, s in zip(abstained, should_abstain, strict=True))
    predicted, actual = sum(map(bool, abstained)), sum(map(bool, should_abstain))
    flawless = predicted == actual == true_pos
    precision, recall, f1 = _prf(true_pos, predicted, actual, flawless=flawless)
    return {"precision": precision, "recall": recall, "f1": f1}


def _citation_form(text: str) -> str:
    return " ".join(match_form(text).split())


def citation_correct(quotes: Sequence[str], evidence: str | None) -> bool:
    """True if some quoted passage holds the gold evidence.

    Both sides are put in NFC, lowercased, tone marks unified and whitespace collapsed, so a quote
    that wraps a line or spells "hoà" for "hòa" still counts. Gold ``evidence`` None or blank (nothing
    to cite, e.g. "not_found") is always correct.
    ``citation_correct(["Sở đã cho thuê đất 22 tổ chức với diện tích 66,4 ha."], "Đất 22 tổ chức")`` -> True.
    """
    if evidence is None or not evidence.strip():
        return True
    wanted = _citation_form(evidence)
    return any(wanted in _citation_form(quote) for quote in quotes)


def verdict_scores(
    predicted: Sequence[str],
    gold: Sequence[str],
    evidence_ok: Sequence[bool] | None = None,
    labels: Sequence[str] = VERDICT_LABELS,
) -> dict[str, Any]:
    """Accuracy, strict accuracy and per-class precision, recall, F1 of fact-check verdicts.

    Per class, a ratio with nothing to count is 0.0 (as in scikit-learn); the macro F1 averages the
    classes that occur in ``gold`` or ``predicted``, so a set with no "not_found" item is not marked
    down for it. A predicted label outside ``labels`` is simply wrong.

    Args:
        predicted: the system's verdict per item.
        gold: the gold verdict per item.
        evidence_ok: per item, whether the cited evidence is right (see ``citation_correct``); None
            leaves "strict" as NaN.
        labels: the verdict classes.

    Returns:
        {"accuracy": float, "strict": float (items whose verdict and evidence are both right),
        "per_class": {label: {"precision", "recall", "f1", "support"}}, "macro_f1": float};
        accuracies of an empty set are NaN.

    Raises:
        ValueError: if lengths differ or a gold verdict is not one of ``labels``.
    """
    _same_length("verdict_scores", predicted, gold)
    unknown = sorted(set(gold) - set(labels))
    if unknown:
        raise ValueError(f"gold verdicts {unknown} are not among the labels {list(labels)}")
    right = [p == g for p, g in zip(predicted, gold, strict=True)]
    strict = math.nan
    if evidence_ok is not None:
        _same_length("verdict_scores (evidence_ok)", evidence_ok, gold)
        strict = mean(float(r and ok) for r, ok in zip(right, evidence_ok, strict=True))
    per_class: dict[str, dict[str, float]] = {}
    f1s = []
    for label in labels:
        true_pos = sum(p == g == label for p, g in zip(predicted, gold, strict=True))
        n_pred, support = list(predicted).count(label), list(gold).count(label)
        precision, recall, f1 = _prf(true_pos, n_pred, support, flawless=False)
        per_class[label] = {"precision": precision, "recall": recall, "f1": f1, "support": support}
        if n_pred or support:
            f1s.append(f1)
    return {
        "accuracy": mean(map(float, right)),
        "strict": strict,
        "per_class": per_class,
        "macro_f1": mean(f1s),
    }


def percentiles(values_ms: Sequence[float], ps: Sequence[float] = (50, 95)) -> dict[str, float]:
    """Latency percentiles by numpy's default ("linear") interpolation.

    Args:
        values_ms: one latency per item, in milliseconds.
        ps: the percentiles wanted, 0 to 100.

    Returns:
        {"p50": ..., "p95": ...}: for 1..100 ms, p50 = 50.5 and p95 = 95.05. With no values, each is NaN.
    """
    keys = [f"p{p:g}" for p in ps]
    if len(values_ms) == 0:
        return dict.fromkeys(keys, math.nan)
    found = np.percentile(np.asarray(values_ms, dtype=float), list(ps))
    return {key: float(value) for key, value in zip(keys, found, strict=True)}


def _first_number(text: str | None) -> float | None:
    """The first figure of a text read the way ``../shared/tools/score.py`` reads it."""
    m = re.search(r"\d[\d.,]*", text or "")
    if not m:
        return None
    t = m.group(0).rstrip(".,")
    t = t.replace(".", "").replace(",", ".") if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?", t) else t.replace(",", ".")
    try:
        return float(t)
    except ValueError:
        return None


def answer_matches(text: str | None, value: float | None, unit: str | None, gold: dict[str, Any]) -> bool:
    """Whether an answer (or a candidate span) is the gold answer of a question.

    The figure matches as the independent scorer judges it: the value in the gold unit, or the
    first figure as the report words it ("3.402,51 tỷ đồng" for value 3402.51 and unit "tỷ đồng");
    a worded answer matches when one normalised form holds the other. An absent fact
    (``answer`` null) is matched by nothing.
    """
    expected = gold.get("answer")
    if expected is None or not text:
        return False
    if gold.get("value") is not None:
        if numeric_match(value, unit, float(gold["value"]), gold.get("unit")):
            return True
        got, want = _first_number(text), _first_number(expected)
        return got is not None and want is not None and abs(got - want) <= 0.005 * abs(want) + 1e-9
    a, b = " ".join(normalize_answer(text)), " ".join(normalize_answer(expected))
    return bool(a) and (b in a or a in b)


def expected_calibration_error(
    confidences: Sequence[float], correct: Sequence[bool], bins: int = 10
) -> tuple[float, list[tuple[float, float, int]]]:
    """ECE over equal-width confidence bins, and each bin's ``(mean confidence, accuracy, count)``.

    ``expected_calibration_error([0.9, 0.9], [True, False])`` -> ``(0.4, [...])``.
    """
    _same_length("confidences", confidences, correct)
    table: list[tuple[float, float, int]] = []
    total = len(confidences)
    ece = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        members = [
            (c, ok) for c, ok in zip(confidences, correct, strict=True) if lo <= c < hi or (b == bins - 1 and c == 1.0)
        ]
        if not members:
            continue
        conf = sum(c for c, _ in members) / len(members)
        acc = sum(1 for _, ok in members if ok) / len(members)
        ece += len(members) / total * abs(conf - acc)
        table.append((conf, acc, len(members)))
    return ece, table
