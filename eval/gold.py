"""The project's gold corpus: questions and claims over many shared articles, split by document.

``tests/data/gold/`` holds ``qa.jsonl`` and ``claims.jsonl`` (the seed format plus ``doc``,
``split`` and, for questions, ``variant``) and ``docs.tsv`` (each document's file name and split).
The documents themselves stay in ``../shared/bench/vn-admin-articles``. A document's split is
fixed by a hash of its file name (60% train, 20% dev, 20% test: ``assign_splits``) and recorded
in ``docs.tsv``; all its questions and claims share it. The test split is sealed: it is run once at
the end of a change (``make bench-gold``), never tuned on.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Literal

from baocao.errors import SettingsError

ROOT = Path(__file__).resolve().parents[1]
GOLD_DIR = ROOT / "tests" / "data" / "gold"
# the gold sets, by name: questions over the articles' prose, and over their tables (issue 16)
GOLD_SETS = {"articles": GOLD_DIR, "tables": ROOT / "tests" / "data" / "gold-tables"}
ARTICLES = ROOT.parent / "shared" / "bench" / "vn-admin-articles"
REFERENCE = ROOT / "corpus"
REFERENCE_DOC = "cantho-stnmt-so-ket-9-thang-2021.txt"
# the older gold sets over the reference report: fitted on with the train split (they drove the
# first wave's rules); the shared seed sets stay out of fitting and are measured
REFERENCE_SETS = ("report_probes", "report_probes2", "report_probes3")

Split = Literal["train", "dev", "test"]
SPLITS: tuple[Split, ...] = ("train", "dev", "test")


def assign_splits(docs: list[str]) -> dict[str, Split]:
    """Splits for a set of documents: ordered by a hash of their file names, the first 60% train,
    the next 20% dev, the last 20% test (so the assignment depends on nothing but the names)."""
    order = sorted(docs, key=lambda d: hashlib.sha256(d.encode("utf-8")).hexdigest())
    n_train, n_dev = round(0.6 * len(order)), round(0.2 * len(order))
    return {
        d: "train" if i < n_train else "dev" if i < n_train + n_dev else "test" for i, d in enumerate(order)
    }


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _set_dir(gold_set: str) -> Path:
    if gold_set not in GOLD_SETS:
        raise SettingsError(f"--gold {gold_set!r}: use one of {', '.join(GOLD_SETS)}")
    return GOLD_SETS[gold_set]


def items(kind: str, split: str, gold_set: str = "articles") -> list[dict[str, Any]]:
    """The gold questions (``kind`` "qa") or claims ("claims") of one split of a gold set.

    Raises:
        SettingsError: an unknown split, kind or gold set.
    """
    if split not in SPLITS:
        raise SettingsError(f"--split {split!r}: use one of {', '.join(SPLITS)}")
    if kind not in ("qa", "claims"):
        raise SettingsError(f"the gold corpus has questions (qa) and claims, not {kind!r}")
    return [g for g in read_jsonl(_set_dir(gold_set) / f"{kind}.jsonl") if g["split"] == split]


def reference_items(kind: str) -> list[dict[str, Any]]:
    """The older gold sets over the reference report (questions or claims)."""
    out: list[dict[str, Any]] = []
    for name in REFERENCE_SETS:
        out.extend(read_jsonl(GOLD_DIR.parent / f"{name}_{kind}.jsonl"))
    return out


def documents(split: str | None = None, gold_set: str = "articles") -> list[Path]:
    """The documents of a gold set: all of them (each split's questions are asked of them all,
    as ``baocao eval --split`` does), or those of one split.

    Raises:
        SettingsError: the shared articles are not where the gold corpus expects them.
    """
    lines = (_set_dir(gold_set) / "docs.tsv").read_text(encoding="utf-8").splitlines()[1:]
    rows = [line.split("\t") for line in lines if line.strip()]
    names = [r[0] for r in rows if split is None or r[1] == split]
    missing = [n for n in names if not (ARTICLES / n).is_file()]
    if missing:
        raise SettingsError(
            f"{len(missing)} gold documents are missing from {ARTICLES} (e.g. {missing[0]}); "
            "the gold corpus reads the shared articles from ../shared/bench/vn-admin-articles"
        )
    return [ARTICLES / n for n in names]
