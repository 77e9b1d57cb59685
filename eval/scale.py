"""How far one machine goes: synthetic indexes of N sentences measured embedded and on a server.

Run through ``python -m eval.bench_scale --synthetic N [N ...]`` (see its docstring). Every
measurement is a fresh process: the asking process reports its own peak resident memory (VmHWM);
a cold ``baocao ask``'s comes from ``os.wait4``.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from baocao.settings import Settings
from eval.synthetic import BUILD_FORMAT, BUILT, Source, build_synthetic, load_sources
from ingest.lexical_files import slot_of

__all__ = ["gold_questions", "run_synthetic"]

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT.parent / "shared" / "bench" / "vn-admin-articles"
GOLD = ROOT / "tests" / "data" / "gold" / "qa.jsonl"

# one process: open the engine, ask a warm-up question, then time each question
_ASK_PROBE = r"""
import json, sys, time
from pathlib import Path
from baocao.settings import Settings
from eval.metrics import answer_matches, percentiles
from qa.engine import Engine
settings = Settings(data_dir=Path(sys.argv[1]), chroma_url=sys.argv[2] or None, progress=False)
golds = json.loads(sys.argv[3])
started = time.perf_counter()
engine = Engine.from_settings(settings)
engine.index.lexical()
engine.index.store.dense_query(engine.index.embedder.embed_query(golds[0]["question"]), 1)
open_s = time.perf_counter() - started
started = time.perf_counter()
engine.ask(golds[-1]["question"])
first_ms = (time.perf_counter() - started) * 1000
times, correct = [], 0
for gold in golds:
    started = time.perf_counter()
    answer = engine.ask(gold["question"])
    times.append((time.perf_counter() - started) * 1000)
    correct += answer_matches(answer.answer, answer.value, answer.unit, gold)
# the peak resident memory of this process (since its exec), as the kernel keeps it
hwm_mb = next(int(x.split()[1]) for x in open("/proc/self/status") if x.startswith("VmHWM:")) / 1024
print(json.dumps({"open_s": open_s, "first_ask_ms": first_ms, "correct": correct, "rss_mb": hwm_mb,
                  "count": engine.index.store.count(), **percentiles(times)}))
"""


def gold_questions(articles: set[str], count: int) -> list[dict[str, Any]]:
    """Up to ``count`` gold questions (``tests/data/gold``) with an answer, about the named
    articles, one article after another so that they spread over the index."""
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        gold = json.loads(line)
        if gold["doc"] in articles and gold.get("answer") and gold.get("variant") == "plain":
            by_doc.setdefault(gold["doc"], []).append(gold)
    picked: list[dict[str, Any]] = []
    for round_ in range(max((len(v) for v in by_doc.values()), default=0)):
        for doc in sorted(by_doc):
            if len(picked) < count and round_ < len(by_doc[doc]):
                picked.append(by_doc[doc][round_])
    return picked


def _run(cmd: Sequence[str], env: dict[str, str]) -> tuple[str, str, float, float]:
    """Run a process to its end: its stdout, stderr, wall seconds and peak resident MB (its own,
    from ``os.wait4``)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(list(cmd), cwd=ROOT, env=env, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])} ... failed ({proc.returncode}): {stderr.strip()[-2000:]}")
    return stdout, stderr, wall, usage.ru_maxrss / 1024


def _disk_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1024 / 1024


def _server_hwm_mb(pid: int) -> float:
    """Peak resident memory of a running process (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return math.nan


def _index(work: Path, n: int, settings: Settings, sources: list[Source], pending: Iterator[Source]) -> Path:
    """The synthetic index of ``n`` sentences under ``work``, built unless a complete one is there.

    ``sources`` holds the articles chunked so far; more are taken from ``pending`` (each article
    chunked once per run) until they hold ``n`` sentences or there are no more.
    """
    data_dir = work / f"n{n}"
    if (data_dir / BUILT).exists() and json.loads((data_dir / BUILT).read_text()).get(
        "format"
    ) == BUILD_FORMAT:
        return data_dir
    started, before = time.perf_counter(), len(sources)
    total = sum(len(s.chunks) for s in sources)
    for source in pending:
        sources.append(source)
        total += len(source.chunks)
        if total >= n:
            break
    if len(sources) > before:
        print(
            f"chunked {len(sources) - before} more articles ({len(sources)} in all, {total:,} sentences) "
            f"in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
    print(f"building {n:,} sentences in {data_dir}", flush=True)
    figures = build_synthetic(data_dir, n, sources, settings)
    print(
        f"  written in {figures['write_s']:.0f} s, lexical index in {figures['lexical_s']:.0f} s", flush=True
    )
    return data_dir


def _articles_of(data_dir: Path) -> set[str]:
    return set(json.loads((data_dir / BUILT).read_text())["articles"])


def _measure(data_dir: Path, url: str, golds: list[dict[str, Any]], env: dict[str, str]) -> dict[str, Any]:
    """One index, one mode: the probe's figures, then a cold ``baocao ask``."""
    where = ["--data-dir", str(data_dir)] + (["--chroma-url", url] if url else [])
    out, err, _, rss_mb = _run(
        [sys.executable, "-c", _ASK_PROBE, str(data_dir), url, json.dumps(golds, ensure_ascii=False)], env
    )
    figures = json.loads(out)
    figures["wait4_rss_mb"] = rss_mb
    figures["lexical_rebuilt"] = "rebuilding" in err
    _, _, cold_s, cold_rss = _run(
        [sys.executable, "-m", "baocao.cli", "ask", golds[0]["question"], "--json", *where], env
    )
    figures["cold_ask_s"], figures["cold_rss_mb"] = cold_s, cold_rss
    return figures


def _rebuild_open_s(url: str, golds: list[dict[str, Any]], env: dict[str, str]) -> float:
    """Open time of a process with no saved lexical copy for the server's manifest: what each
    serving process pays after another process's ingest (it rebuilds the copy from the server)."""
    with tempfile.TemporaryDirectory(prefix="baocao-rebuild-") as tmp:
        out, err, _, _ = _run([sys.executable, "-c", _ASK_PROBE, tmp, url, json.dumps(golds[:1])], env)
    if "rebuilding" not in err:
        raise RuntimeError(
            f"a process with an empty data dir did not rebuild the lexical index: {err[-500:]}"
        )
    return float(json.loads(out)["open_s"])


def _server_dir(data_dir: Path, url: str) -> Path:
    """A data dir for asking through the server: only the saved lexical index, copied from the
    embedded one into this server's slot (the same manifest, so the same key)."""
    local = data_dir.with_name(data_dir.name + "-server-local")
    embedded = slot_of(Settings(data_dir=data_dir))
    target = slot_of(Settings(data_dir=local, chroma_url=url))
    if local.exists():
        shutil.rmtree(local)  # a copy for an earlier build of this size
    target.parent.mkdir(parents=True)
    shutil.copytree(embedded, target, ignore=shutil.ignore_patterns(".lock"))
    return local


def run_synthetic(
    sizes: Sequence[int],
    *,
    work: Path,
    questions: int,
    port: int,
    png: Path,
    start_server: Callable[[Path, int], subprocess.Popen[bytes]],
) -> list[dict[str, Any]]:
    """Build (or reuse) each synthetic index, measure it embedded and on a server, print the
    table, plot the figures into ``png`` and write them as JSON beside it.

    Args:
        sizes: sentences of each index.
        work: where the indexes are kept between runs.
        questions: warm gold questions asked of each.
        port: of the Chroma server.
        png: the plot; its figures go beside it as ``.json``.
        start_server: starts ``chroma run`` on a path and port and returns once it listens.
    """
    settings = Settings(progress=False)
    env = dict(os.environ)
    sources: list[Source] = []
    pending = load_sources(sorted(ARTICLES.glob("*.md")), settings)
    rows: list[dict[str, Any]] = []
    for n in sorted(sizes):
        data_dir = _index(work, n, settings, sources, pending)
        built = json.loads((data_dir / BUILT).read_text())
        golds = gold_questions(_articles_of(data_dir), questions)
        embedded = _measure(data_dir, "", golds, env)
        built = {k: v for k, v in built.items() if k != "articles"}
        rows.append(
            {
                "n": n,
                "mode": "embedded",
                "asked": len(golds),
                "disk_mb": _disk_mb(data_dir),
                "build": built,
                **embedded,
            }
        )
        print(_line(rows[-1]), flush=True)
        url = f"http://127.0.0.1:{port}"
        local = _server_dir(data_dir, url)
        # the server serves the files the embedded run read: the same index, nothing copied
        server = start_server(data_dir / "chroma", port)
        try:
            served = _measure(local, url, golds, env)
            served["server_rss_mb"] = _server_hwm_mb(server.pid)
            served["rebuild_open_s"] = _rebuild_open_s(url, golds, env)
        finally:
            server.terminate()
            server.wait()
        served["disk_mb"] = _disk_mb(data_dir / "chroma")
        served["local_disk_mb"] = _disk_mb(local)
        rows.append({"n": n, "mode": "server", "asked": len(golds), "build": built, **served})
        print(_line(rows[-1]), flush=True)
    print()
    print(table(rows))
    png.parent.mkdir(parents=True, exist_ok=True)
    png.with_suffix(".json").write_text(json.dumps(rows, indent=1) + "\n")
    plot(rows, png)
    print(f"\nplot: {png}")
    return rows


def _line(row: dict[str, Any]) -> str:
    return (
        f"{row['n']:>9,} {row['mode']:<8} open {row['open_s']:.1f} s, cold ask {row['cold_ask_s']:.1f} s, "
        f"warm p50 {row['p50']:.0f} ms p95 {row['p95']:.0f} ms, {row['correct']}/{row['asked']} gold answers, "
        f"RSS {row['rss_mb']:.0f} MB, disk {row['disk_mb']:.0f} MB"
        + (" (lexical index REBUILT)" if row["lexical_rebuilt"] else "")
        + (
            f"; open with the lexical copy rebuilt from the server {row['rebuild_open_s']:.1f} s"
            if "rebuild_open_s" in row
            else ""
        )
    )


def table(rows: Sequence[dict[str, Any]]) -> str:
    """The figures as a Markdown table, one row per index and mode."""
    lines = [
        "| sentences stored | mode | open s | cold ask s | warm p50 ms | warm p95 ms | gold answers | RSS MB (asking process) | disk MB |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        rss = f"{r['rss_mb']:.0f}" + (f" (server {r['server_rss_mb']:.0f})" if "server_rss_mb" in r else "")
        disk = f"{r['disk_mb']:.0f}" + (
            f" (+ {r['local_disk_mb']:.0f} local)" if "local_disk_mb" in r else ""
        )
        lines.append(
            f"| {r['count']:,} | {r['mode']} | {r['open_s']:.1f} | {r['cold_ask_s']:.1f} | {r['p50']:.0f} | "
            f"{r['p95']:.0f} | {r['correct']}/{r['asked']} | {rss} | {disk} |"
        )
    return "\n".join(lines)


def plot(rows: Sequence[dict[str, Any]], png: Path) -> None:
    """Each figure against N, embedded and server side by side, into a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [
        ("open s", "open_s"),
        ("cold ask s", "cold_ask_s"),
        ("warm ask ms (p50 solid, p95 dashed)", "p50"),
        ("peak RSS MB (server process dotted)", "rss_mb"),
        ("disk MB", "disk_mb"),
    ]
    fig, axes = plt.subplots(2, 3, figsize=(13, 7))
    for ax, (title, key) in zip(axes.flat, panels, strict=False):
        for mode, colour in (("embedded", "tab:blue"), ("server", "tab:orange")):
            mine = [r for r in rows if r["mode"] == mode]
            ns = [r["n"] for r in mine]
            ax.plot(ns, [r[key] for r in mine], "o-", color=colour, label=mode)
            if key == "p50":
                ax.plot(ns, [r["p95"] for r in mine], "o--", color=colour)
            if key == "rss_mb" and mode == "server":
                ax.plot(ns, [r["server_rss_mb"] for r in mine], "o:", color=colour, label="chroma server")
        _sentence_axis(ax, rows)
        ax.set_title(title)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    last = axes.flat[-1]
    mine = [r for r in rows if r["mode"] == "server"]
    last.plot([r["n"] for r in mine], [r["rebuild_open_s"] for r in mine], "o-", color="tab:orange")
    _sentence_axis(last, rows)
    last.set_title("server: open s with the lexical copy rebuilt\n(each serving process, after an ingest)")
    last.grid(True, alpha=0.3)
    fig.suptitle("baocao on one machine (2 cores, 24 GB): synthetic indexes, random vectors")
    fig.tight_layout()
    fig.savefig(png, dpi=110)
    plt.close(fig)


def _sentence_axis(ax: Any, rows: Sequence[dict[str, Any]]) -> None:
    """A log axis of sentences, ticked at the sizes measured ("300k")."""
    sizes = sorted({r["n"] for r in rows})
    ax.set_xscale("log")
    ax.set_xticks(sizes, [f"{n / 1e6:g}M" if n >= 1_000_000 else f"{n / 1000:g}k" for n in sizes])
    ax.minorticks_off()
    ax.set_xlabel("sentences")
