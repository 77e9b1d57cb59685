"""A second gold set over the reference report, written blind from the report's text (not from
the system's answers): 45 questions (Vietnamese with and without diacritics, English, absent facts)
and 15 speech claims, in the shared gold sets' format. It guards the report's accuracy beyond the
13 shared questions; the thresholds leave room for the misses listed in the closing notes."""

from __future__ import annotations

import json

import pytest

from qa import Engine
from qa.factcheck import claim_verdict
from tests.conftest import ROOT
from tests.qa.test_answer import citations_hold, is_correct

DATA = ROOT / "tests" / "data"


def _load(name: str) -> list[dict]:  # type: ignore[type-arg]
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


QUESTIONS = _load("report_probes_qa.jsonl")
CLAIMS = _load("report_probes_claims.jsonl")


def test_probe_questions(engine: Engine) -> None:
    misses = []
    for gold in QUESTIONS:
        answer = engine.ask(gold["question"])
        if not (is_correct(gold, answer) and citations_hold(engine, gold, answer)):
            misses.append((gold["id"], gold["question"], gold["answer"], answer.answer))
    # 43 of 45 at the time of writing: p20 (a byline as the author) and p32 ("transferred" read
    # as "chuyển nhượng") are known misses
    assert len(misses) <= 2, misses
    assert sum(1 for g in QUESTIONS if g["answer"] is None) == 7  # the absent facts are all asked


@pytest.mark.parametrize("kind", ["supported", "refuted", "not_found"])
def test_probe_claims(engine: Engine, kind: str) -> None:
    wrong = []
    for gold in (c for c in CLAIMS if c["verdict"] == kind):
        decisive = claim_verdict(engine.check_claim(gold["claim"], claim_id=gold["id"]))
        if decisive is None or decisive.verdict != kind:
            wrong.append((gold["id"], gold["claim"], decisive and decisive.verdict))
    assert wrong == []
