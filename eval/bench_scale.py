"""Scale and restart: >= 10,000 sentences, embedded and on a Chroma server.

    python -m eval.bench_scale [--articles 110] [--queries 50] [--cache .cache/test-embeddings]

Ingests the first N vn-admin articles (embeddings cached between runs), asks 50 queries, restarts
the store (a new process for the embedded index; the server is stopped and started again), asks
again and checks that the top-10 results are identical. Prints query p50/p95 and resident memory.
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
    args = parser.parse_args(argv)
    files = sorted(ARTICLES.iterdir())[: args.articles]
    # queries: the first heading-like line of each of the last articles, as an official would type them
    queries = []
    for f in files[-args.queries :]:
        line = next(
            (
                x.strip("# ").strip()
                for x in f.read_text(encoding="utf-8").splitlines()
                if len(x.strip()) > 20
            ),
            f.stem,
        )
        queries.append(line[:120])
    env = {**os.environ, "BAOCAO_EMBED_CACHE_DIR": str(args.cache)}
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
