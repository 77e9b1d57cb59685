"""Fitting the ranker: the trees written out as arrays score exactly as scikit-learn does."""

from __future__ import annotations

import numpy as np
import pytest

from eval.train import _forest, choose_threshold, fit_answer_types

sklearn = pytest.importorskip("sklearn")


def test_forest_arrays_match_sklearn() -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(1)
    x = rng.random((600, 5))
    y = ((x[:, 0] > 0.5) ^ (x[:, 1] + x[:, 2] > 1.1)).astype(int)
    model = HistGradientBoostingClassifier(max_iter=30, max_leaf_nodes=7, random_state=0).fit(x, y)
    test = rng.random((200, 5))
    assert np.allclose(_forest(model).raw(test), model.decision_function(test))


def test_threshold_keeps_wrong_answers_under_the_cap() -> None:
    # 10 questions: confident right answers, then wrong ones, then absent facts at low confidence
    conf = [0.9, 0.9, 0.8, 0.8, 0.7, 0.6, 0.5, 0.3, 0.2, 0.1]
    right = [True, True, True, True, False, True, False, False, False, False]
    answerable = [True] * 7 + [False] * 3
    t, figures = choose_threshold(conf, right, answerable)
    answered = [c >= t for c in conf]
    wrong = sum(a and not r for a, r in zip(answered, right, strict=True))
    assert wrong / len(conf) <= 0.05 and t == 0.8 and figures["dev_accuracy"] == 0.7


def test_answer_types_are_read_out_of_fold() -> None:
    questions = [
        {"question": f"Dự án {n} có tổng vốn bao nhiêu tỷ đồng?", "type": "money", "doc": f"d{n % 7}"} for n in range(30)
    ] + [{"question": f"Văn bản {n} có hiệu lực từ ngày nào?", "type": "date", "doc": f"d{n % 7}"} for n in range(30)]
    model, oof = fit_answer_types(questions)
    assert max(model.probabilities("Kinh phí bao nhiêu tỷ đồng?").items(), key=lambda p: p[1])[0] == "money"
    assert all(o is not None for o in oof)
    assert max(oof[40].items(), key=lambda p: p[1])[0] == "date"  # type: ignore[union-attr]
