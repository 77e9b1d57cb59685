"""Two more gold sets over the reference report, written blind from the report's text (not from
the system's answers), in the shared gold sets' format: questions in Vietnamese with and without
diacritics, colloquial and in English, questions about absent facts, and speech claims. They guard
the report's accuracy beyond the 13 shared questions; the allowed misses are those listed in the
closing notes, and no absent fact may be answered."""

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


# (file, misses allowed): the first set, 43 of 45 at the time of writing (p20, a byline as the
# author; p32, "transferred" read as "chuyển nhượng"); the second, colloquial one, 39 of 40 (r12,
# a question with two asks); the third, 29 of 40 by tools/score.py on arrival and 33 now (b01, a
# wrong figure, and three light verbs fixed), 29 by this file's rule, which reads the wording: a
# byline, a list of districts, a whole sentence for "what total area", glossary gaps ("rác" for
# "chất thải rắn"), a period with its "tầm nhìn", questions typed without diacritics whose bare
# words are common to many sentences
QUESTION_SETS = [
    ("report_probes_qa.jsonl", 2),
    ("report_probes2_qa.jsonl", 1),
    ("report_probes3_qa.jsonl", 11),
]
CLAIM_SETS = [
    ("report_probes_claims.jsonl", 0),
    ("report_probes2_claims.jsonl", 1),
    ("report_probes3_claims.jsonl", 0),
]


@pytest.mark.parametrize(("name", "allowed"), QUESTION_SETS)
def test_probe_questions(engine: Engine, name: str, allowed: int) -> None:
    misses, invented = [], []
    for gold in _load(name):
        answer = engine.ask(gold["question"])
        if not (is_correct(gold, answer) and citations_hold(engine, gold, answer)):
            misses.append((gold["id"], gold["question"], gold["answer"], answer.answer))
            if gold["answer"] is None:
                invented.append(misses[-1])
    assert invented == []  # a figure for a fact the report does not state is the worst outcome
    assert len(misses) <= allowed, misses


@pytest.mark.parametrize(("name", "allowed"), CLAIM_SETS)
def test_probe_claims(engine: Engine, name: str, allowed: int) -> None:
    wrong = []
    for gold in _load(name):
        decisive = claim_verdict(engine.check_claim(gold["claim"], claim_id=gold["id"]))
        if decisive is None or decisive.verdict != gold["verdict"]:
            wrong.append((gold["id"], gold["claim"], gold["verdict"], decisive and decisive.verdict))
    assert len(wrong) <= allowed, wrong
