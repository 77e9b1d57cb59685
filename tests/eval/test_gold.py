"""The gold corpus itself: every evidence is its document's own text, splits are by document."""

from __future__ import annotations

import collections

import pytest

from eval import gold
from tests.conftest import ARTICLES

QA = gold.read_jsonl(gold.GOLD_DIR / "qa.jsonl")
CLAIMS = gold.read_jsonl(gold.GOLD_DIR / "claims.jsonl")
DOCS = {
    line.split("\t")[0]: line.split("\t")[1]
    for line in (gold.GOLD_DIR / "docs.tsv").read_text(encoding="utf-8").splitlines()[1:]
}


def test_sizes_the_issue_asks_for() -> None:
    assert len(DOCS) >= 150 and len(QA) >= 1200 and len(CLAIMS) >= 400
    variants = collections.Counter(q["variant"] for q in QA)
    assert 0.12 <= variants["absent"] / len(QA) <= 0.2
    assert 0.12 <= variants["english"] / len(QA) <= 0.2
    assert 0.08 <= variants["no_diacritics"] / len(QA) <= 0.15


def test_split_by_document_60_20_20() -> None:
    counts = collections.Counter(DOCS.values())
    assert counts["train"] == round(0.6 * len(DOCS)) and counts["dev"] == round(0.2 * len(DOCS))
    assert gold.assign_splits(sorted(DOCS)) == DOCS  # the recorded splits are the hash's
    for item in QA + CLAIMS:
        assert item["split"] == DOCS[item["doc"]], item["id"]


@pytest.mark.parametrize("items", [QA, CLAIMS], ids=["questions", "claims"])
def test_every_evidence_is_in_its_document(items: list[dict]) -> None:  # type: ignore[type-arg]
    texts = {doc: (ARTICLES / doc).read_text(encoding="utf-8") for doc in DOCS}
    bad = [i["id"] for i in items if i.get("evidence") is not None and i["evidence"] not in texts[i["doc"]]]
    assert bad == []


def test_absent_facts_have_no_answer() -> None:
    for q in QA:
        assert (q["answer"] is None) == (q["type"] == "none"), q["id"]


def test_split_items_read_by_the_eval() -> None:
    dev = gold.items("qa", "dev")
    assert dev and all(q["split"] == "dev" for q in dev)
    with pytest.raises(Exception, match="--split 'holdout'"):
        gold.items("qa", "holdout")
