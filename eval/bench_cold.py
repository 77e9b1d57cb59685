"""Cold start: what a fresh ``baocao ask`` spends its time on, part by part.

    python -m eval.bench_cold --data-dir DIR [--data-dir DIR2 ...] [--runs 5] [--rebuild]

For each index, ``--runs`` fresh processes each time, in the order ``baocao ask`` does them: the
imports (the CLI and ``qa``), loading the embedder, opening the store, loading the lexical index
(the saved copy, or with ``--rebuild`` a rebuild from the store, as every start paid before the
copy was saved), building the engine, and the first question; then a second question, warm, for
comparison. Separately, ``--runs`` real ``python -m baocao.cli ask`` processes are timed end to
end with their peak resident memory. Medians are printed, and with two indexes the ratio of their
cold ``ask``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "Cho thuê đất bao nhiêu ha?"
PARTS = ("imports", "embedder", "store", "lexical", "engine", "first question", "warm question")

_PROBE = r"""
import json, sys, time
started = time.perf_counter()
import baocao.cli
baocao.cli.build_parser()
from qa import Engine
from baocao.settings import Settings
from ingest.embed import make_embedder
from ingest.index import Index
t = {"imports": time.perf_counter() - started}
settings = Settings(data_dir=__import__("pathlib").Path(sys.argv[1]), progress=False)
mark = time.perf_counter()
embedder = make_embedder(settings.embedder, cache_dir=settings.embed_cache_dir)
t["embedder"] = time.perf_counter() - mark; mark = time.perf_counter()
index = Index.open(settings, embedder=embedder)
t["store"] = time.perf_counter() - mark; mark = time.perf_counter()
index.lexical()
t["lexical"] = time.perf_counter() - mark; mark = time.perf_counter()
engine = Engine(index, settings)
t["engine"] = time.perf_counter() - mark; mark = time.perf_counter()
engine.ask(sys.argv[2])
t["first question"] = time.perf_counter() - mark; mark = time.perf_counter()
engine.ask("Tỷ lệ thu gom chất thải rắn sinh hoạt là bao nhiêu?")
t["warm question"] = time.perf_counter() - mark
t["sentences"] = engine.index.store.count()
print(json.dumps(t))
"""


def _probe(data_dir: Path, env: dict[str, str]) -> dict[str, float]:
    """The parts' seconds, from one fresh process."""
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, str(data_dir), QUESTION],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _ask(data_dir: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one real ``baocao ask`` (``os.wait4`` gives the child's own peak)."""
    cmd = [sys.executable, "-m", "baocao.cli", "ask", QUESTION, "--data-dir", str(data_dir), "--no-progress"]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"baocao ask on {data_dir} exited with {proc.returncode}; run it by hand to see why")
    return wall, usage.ru_maxrss / 1024


def _drop_copy(data_dir: Path) -> None:
    shutil.rmtree(data_dir / "lexical", ignore_errors=True)


def measure(data_dir: Path, runs: int, *, rebuild: bool, env: dict[str, str]) -> dict[str, float]:
    """Median seconds of each part, of the whole ``baocao ask``, and its peak memory, over ``runs``."""
    parts: dict[str, list[float]] = {p: [] for p in PARTS}
    sentences = 0
    for _ in range(runs):
        if rebuild:
            _drop_copy(data_dir)
        got = _probe(data_dir, env)
        sentences = int(got.pop("sentences"))
        for p in PARTS:
            parts[p].append(got[p])
    walls: list[float] = []
    rss: list[float] = []
    for _ in range(runs):
        if rebuild:
            _drop_copy(data_dir)
        wall, peak = _ask(data_dir, env)
        walls.append(wall)
        rss.append(peak)
    result = {p: statistics.median(v) for p, v in parts.items()}
    result["sentences"] = sentences
    result["baocao ask"] = statistics.median(walls)
    result["baocao ask min"] = min(walls)
    result["rss_mb"] = statistics.median(rss)
    return result


def main(argv: list[str] | None = None) -> list[dict[str, float]]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, action="append", required=True, help="an ingested index")
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per measure (default 5)")
    parser.add_argument(
        "--rebuild", action="store_true", help="remove the saved lexical index before each run (the old cold start)"
    )
    args = parser.parse_args(argv)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    results = []
    for data_dir in args.data_dir:
        r = measure(data_dir, args.runs, rebuild=args.rebuild, env=env)
        results.append(r)
        print(f"{data_dir}: {int(r['sentences'])} sentences, median of {args.runs} fresh processes")
        for p in PARTS:
            print(f"  {p:<16} {r[p]:6.2f} s")
        print(
            f"  cold `baocao ask` {r['baocao ask']:.2f} s (fastest {r['baocao ask min']:.2f} s), "
            f"peak resident memory {r['rss_mb']:.0f} MB"
        )
    if len(results) == 2:
        print(f"cold ask ratio, second / first index: {results[1]['baocao ask'] / results[0]['baocao ask']:.2f}")
    return results


if __name__ == "__main__":
    main()
