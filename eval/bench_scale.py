"""Scale and restart: >= 10,000 sentences, embedded and on a Chroma server; and synthetic
indexes up to a million sentences.

    python -m eval.bench_scale [--articles 110] [--queries 50] [--cache .cache/test-embeddings]
    python -m eval.bench_scale --synthetic 100000 300000 1000000 [--work .cache/bench-scale]
    python -m eval.bench_scale --serve-check

Without ``--synthetic``: ingests the first N vn-admin articles (embeddings cached between runs),
asks 50 queries, restarts the store (a new process for the embedded index; the server is stopped
and started again), asks again and checks that the top-10 results are identical. Prints query
p50/p95 and resident memory.

With ``--synthetic N ...``: builds (once; cached under ``--work``) an index of N sentences from the
articles with random vectors (``eval.synthetic``), then measures it embedded and through
``chroma run`` on the same files: open time (engine ready: index, lexical index and vector index
loaded), a cold ``baocao ask`` (a new process), warm ``Engine.ask`` p50/p95 over gold questions
of the articles in the index, peak resident memory of the asking process (and of the server),
and disk size. Prints a Markdown table, plots the figures against N (``--png``) and writes them
as JSON beside it. Then runs the serve check (``eval.serve_check``) unless ``--no-serve-check``.

With ``--serve-check`` alone: only the check that two ``baocao serve`` processes on one Chroma
server answer from a document ingested after they started.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT.parent / "shared" / "bench" / "vn-admin-articles"

_PROBE = r"""
import json, resource, sys, time
from pathlib import Path
from baocao.settings import Settings
from eval.metrics import percentiles
from qa.engine import Engine
settings = Settings(data_dir=Path(sys.argv[1]), chroma_url=sys.argv[2] or None, progress=False)
queries = json.loads(sys.argv[3])
engine = Engine.from_settings(settings)
engine.retrieve(queries[0], k=10)
tops, times = [], []
for q in queries:
    started = time.perf_counter()
    tops.append([h.chunk.chunk_id for h in engine.retrieve(q, k=10)])
    times.append((time.perf_counter() - started) * 1000)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"tops": tops, "count": engine.index.store.count(), "rss_mb": rss, **percentiles(times)}))
"""


def _probe(data_dir: Path, url: str, queries: list[str], env: dict[str, str]) -> dict:  # type: ignore[type-arg]
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, str(data_dir), url, json.dumps(queries, ensure_ascii=False)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=env,
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def _server(path: Path, port: int) -> subprocess.Popen[bytes]:
    chroma = str(Path(sys.executable).with_name("chroma"))
    proc = subprocess.Popen(
        [chroma, "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("chroma run did not start")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--articles", type=int, default=110, help="first N articles (default 110, over 10,000 sentences)"
    )
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument(
        "--cache", type=Path, default=ROOT / ".cache" / "test-embeddings", help="embedding cache"
    )
    parser.add_argument(
        "--synthetic", type=int, nargs="+", metavar="N", help="measure synthetic indexes of N sentences"
    )
    parser.add_argument(
        "--work", type=Path, default=ROOT / ".cache" / "bench-scale", help="where synthetic indexes are kept"
    )
    parser.add_argument("--questions", type=int, default=30, help="warm questions per synthetic index")
    parser.add_argument("--port", type=int, default=8765, help="port of the Chroma server")
    parser.add_argument("--png", type=Path, default=ROOT / "eval" / "out" / "scale.png")
    parser.add_argument("--serve-check", action="store_true", help="two baocao serve processes, one ingest")
    parser.add_argument("--no-serve-check", action="store_true", help="skip the serve check of --synthetic")
    args = parser.parse_args(argv)
    if args.synthetic:
        from eval.scale import run_synthetic

        run_synthetic(
            args.synthetic,
            work=args.work,
            questions=args.questions,
            port=args.port,
            png=args.png,
            start_server=_server,
        )
    if args.serve_check or (args.synthetic and not args.no_serve_check):
        _serve_check()
    if not (args.synthetic or args.serve_check):
        _restart_check(args.articles, args.queries, args.cache)


def _serve_check() -> None:
    from eval.serve_check import run_serve_check

    first = sorted(ARTICLES.glob("*.md"))[0]
    check = run_serve_check(_server, first, root=ROOT, env=dict(os.environ))
    print(
        f"serve check: {'PASS' if check.passed else 'FAIL'}: answers before the ingest {check.before}, "
        f"after it {check.after} citing {check.cited}; seconds until answered {check.seconds_to_answer} "
        f"(ingest {check.ingest_s:.1f} s); a new baocao ask process answers it: {check.fresh_process}"
    )


def _restart_check(articles: int, queries_wanted: int, cache: Path) -> None:
    """Ingest the first articles, ask, restart, ask again: the top-10 must not change."""
    files = sorted(ARTICLES.iterdir())[:articles]
    # queries: the first heading-like line of each of the last articles, as an official would type them
    queries = []
    for f in files[-queries_wanted:]:
        line = next(
            (
                x.strip("# ").strip()
                for x in f.read_text(encoding="utf-8").splitlines()
                if len(x.strip()) > 20
            ),
            f.stem,
        )
        queries.append(line[:120])
    env = {**os.environ, "BAOCAO_EMBED_CACHE_DIR": str(cache)}
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "baocao.cli",
                "ingest",
                *map(str, files),
                "--json",
                "--no-progress",
                "--data-dir",
                str(data),
            ],
            check=True,
            cwd=ROOT,
            env=env,
            capture_output=True,
        )
        print(f"embedded: ingested {len(files)} articles in {time.perf_counter() - started:.0f} s")
        before = _probe(data, "", queries, env)
        after = _probe(data, "", queries, env)  # a new process: the store reopened from disk
        same = sum(a == b for a, b in zip(before["tops"], after["tops"], strict=True))
        print(
            f"embedded: {before['count']} sentences; top-10 identical after restart for {same}/{len(queries)} queries; "
            f"query p50 {after['p50']:.1f} ms p95 {after['p95']:.1f} ms; resident memory {after['rss_mb']:.0f} MB"
        )

        port = 8765
        server_path = Path(tmp) / "server"
        proc = _server(server_path, port)
        url = f"http://127.0.0.1:{port}"
        try:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "baocao.cli",
                    "ingest",
                    *map(str, files),
                    "--json",
                    "--no-progress",
                    "--chroma-url",
                    url,
                    "--data-dir",
                    str(Path(tmp) / "unused"),
                ],
                check=True,
                cwd=ROOT,
                env=env,
                capture_output=True,
            )
            before = _probe(Path(tmp) / "unused", url, queries, env)
        finally:
            proc.terminate()
            proc.wait()
        proc = _server(server_path, port)
        try:
            after = _probe(Path(tmp) / "unused", url, queries, env)
        finally:
            proc.terminate()
            proc.wait()
        same = sum(a == b for a, b in zip(before["tops"], after["tops"], strict=True))
        print(
            f"server:   {before['count']} sentences; top-10 identical after a server restart for {same}/{len(queries)} queries; "
            f"query p50 {after['p50']:.1f} ms p95 {after['p95']:.1f} ms; client resident memory {after['rss_mb']:.0f} MB"
        )


if __name__ == "__main__":
    main()
