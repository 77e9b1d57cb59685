"""Query latency, warm and in process, against its baseline in the same run.

    python -m eval.bench_query --data-dir DIR [--questions FILE.jsonl] [--repeat 3]

The baseline is the bare dense lookup (embed the query + one Chroma query), the floor any answer
pays; ``ask`` adds BM25, fusion, reading the sentences and extracting the answer. Prints p50/p95 of
both and their ratio.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from baocao.settings import Settings
from eval.metrics import percentiles
from qa.engine import Engine

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", type=Path, required=True, help="an ingested index")
    parser.add_argument(
        "--questions", type=Path, default=SHARED / "eval" / "seed_qa.jsonl", help="JSON lines with 'question'"
    )
    parser.add_argument("--repeat", type=int, default=3, help="passes over the questions (default 3)")
    args = parser.parse_args(argv)
    questions = [
        json.loads(x)["question"]
        for x in args.questions.read_text(encoding="utf-8").splitlines()
        if x.strip()
    ]
    engine = Engine.from_settings(Settings(data_dir=args.data_dir, progress=False))
    for q in questions[:5]:  # warm: models loaded, lexical index built, caches filled once
        engine.ask(q)
    bare: list[float] = []
    full: list[float] = []
    for _ in range(args.repeat):
        for q in questions:
            started = time.perf_counter()
            engine.index.store.dense_query(engine.index.embedder.embed_query(q), 10)
            bare.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            engine.ask(q)
            full.append((time.perf_counter() - started) * 1000)
    b, f = percentiles(bare), percentiles(full)
    print(
        f"index: {args.data_dir}, {engine.index.store.count()} sentences, {len(questions)} questions x {args.repeat}"
    )
    print(f"bare dense lookup (baseline)  p50 {b['p50']:6.1f} ms  p95 {b['p95']:6.1f} ms")
    print(
        f"ask (hybrid, answer)          p50 {f['p50']:6.1f} ms  p95 {f['p95']:6.1f} ms"
        f"  = {f['p50'] / b['p50']:.2f} x baseline at p50 (target p50 <= 60 ms)"
    )
    return {"bare_p50": b["p50"], "bare_p95": b["p95"], "ask_p50": f["p50"], "ask_p95": f["p95"]}


if __name__ == "__main__":
    main()
