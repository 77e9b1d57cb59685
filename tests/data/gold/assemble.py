"""Assemble the gold corpus from the parts the blind writers produced (run once, kept for the record).

usage: python tests/data/gold/assemble.py PARTS_DIR

Each part is ``part-N-qa.jsonl``, ``part-N-claims.jsonl`` and ``part-N-docs.txt``, written by a
helper that saw only the shared articles' text (see README.md). This script checks every item
(evidence an exact substring of its document, known fields and types), drops the items that fail
with a line saying why, gives each item its document's split and writes qa.jsonl, claims.jsonl and
docs.tsv beside itself.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from eval.gold import ARTICLES, assign_splits  # noqa: E402

TYPES = {"quantity", "percent", "money", "count", "date", "docref", "person", "text", "none"}
VERDICTS = {"supported", "refuted", "not_found"}


def _problem(item: dict, kind: str) -> str | None:
    doc = item.get("doc")
    path = ARTICLES / str(doc)
    if not doc or not path.is_file():
        return f"unknown document {doc!r}"
    text = path.read_text(encoding="utf-8")
    evidence = item.get("evidence")
    if evidence is not None and evidence not in text:
        return "evidence is not a substring of the document"
    if kind == "qa":
        if item.get("type") not in TYPES:
            return f"unknown type {item.get('type')!r}"
        if (item.get("answer") is None) != (item.get("type") == "none"):
            return "an absent fact must have type none and answer null"
        if not item.get("question"):
            return "no question"
    elif item.get("verdict") not in VERDICTS or not item.get("claim"):
        return "no claim or an unknown verdict"
    return None


def main(parts: Path) -> None:
    docs: dict[str, None] = {}
    chosen = sorted({line.strip() for p in parts.glob("part-*-docs.txt") for line in p.read_text().splitlines() if line.strip()})
    split_of = assign_splits(chosen).__getitem__
    for kind in ("qa", "claims"):
        out = []
        seen = set()
        for path in sorted(parts.glob(f"part-*-{kind}.jsonl")):
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                except ValueError as e:
                    print(f"{path.name}:{n}: not JSON ({e}); dropped")
                    continue
                problem = _problem(item, kind) or (None if item.get("doc") in chosen else "document not in the parts' lists")
                if problem or item.get("id") in seen:
                    print(f"{path.name}:{n}: {problem or 'duplicate id'}; dropped")
                    continue
                seen.add(item["id"])
                item["split"] = split_of(item["doc"])
                docs.setdefault(item["doc"])
                out.append(item)
        (HERE / f"{kind}.jsonl").write_text(
            "".join(json.dumps(i, ensure_ascii=False) + "\n" for i in out), encoding="utf-8"
        )
        print(f"{kind}: {len(out)} items")
    lines = ["doc\tsplit\ttitle"]
    for doc in sorted(docs):
        title = (ARTICLES / doc).read_text(encoding="utf-8").strip().split("\n", 1)[0].strip("#* ").strip()
        lines.append(f"{doc}\t{split_of(doc)}\t{title[:120]}")
    (HERE / "docs.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"documents: {len(docs)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
