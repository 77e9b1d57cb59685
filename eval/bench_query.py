"""Query latency, warm and in process, against its baseline in the same run.

    python -m eval.bench_query --data-dir DIR [--questions FILE.jsonl] [--repeat 3]

The baseline is the bare dense lookup (embed the query + one Chroma query), the floor any answer
pays; ``ask`` adds BM25, fusion, reading the sentences and extracting the answer. The same answers
through llama-index's query engine (``Engine.as_query_engine()``) are timed too, and the cost of
importing llama-index, which only the llama-index entry points pay. Prints p50/p95 and ratios.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
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
    query_engine = engine.as_query_engine()
    through_llama: list[float] = []
    for _ in range(args.repeat):
        for q in questions:
            started = time.perf_counter()
            query_engine.query(q)
            through_llama.append((time.perf_counter() - started) * 1000)
    b, f, li = percentiles(bare), percentiles(full), percentiles(through_llama)
    print(
        f"index: {args.data_dir}, {engine.index.store.count()} sentences, {len(questions)} questions x {args.repeat}"
    )
    print(f"bare dense lookup (baseline)  p50 {b['p50']:6.1f} ms  p95 {b['p95']:6.1f} ms")
    print(
        f"ask (hybrid, answer)          p50 {f['p50']:6.1f} ms  p95 {f['p95']:6.1f} ms"
        f"  = {f['p50'] / b['p50']:.2f} x baseline at p50 (target p50 <= 60 ms)"
    )
    print(
        f"ask through llama-index       p50 {li['p50']:6.1f} ms  p95 {li['p95']:6.1f} ms"
        f"  = {li['p50'] / f['p50']:.2f} x ask at p50 (target <= 1.10)"
    )
    imports = {m: _import_s(m) for m in ("qa.engine", "qa.llama")}
    print(
        f"import qa.engine {imports['qa.engine']:.2f} s; qa.llama (llama-index) {imports['qa.llama']:.2f} s"
        f" (+{imports['qa.llama'] - imports['qa.engine']:.2f} s, paid only by the llama-index entry points)"
    )
    return {
        "bare_p50": b["p50"],
        "bare_p95": b["p95"],
        "ask_p50": f["p50"],
        "ask_p95": f["p95"],
        "llama_p50": li["p50"],
        "llama_p95": li["p95"],
        "import_engine_s": imports["qa.engine"],
        "import_llama_s": imports["qa.llama"],
    }


def _import_s(module: str, runs: int = 3) -> float:
    """Median seconds a fresh interpreter takes to import a module."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", f"import {module}"], check=True)
        times.append(time.perf_counter() - started)
    return sorted(times)[len(times) // 2]


if __name__ == "__main__":
    main()
