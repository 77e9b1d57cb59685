"""Nothing lost: killed ingests, repeated ingests, removals across restarts, concurrent use."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from baocao.settings import Settings
from ingest import Index
from qa import Engine
from tests.conftest import ARTICLES, EMBED_CACHE, REPORT, ROOT, SHARED, report_parts

GOLD = [
    json.loads(x)
    for x in (SHARED / "eval" / "seed_qa.jsonl").read_text(encoding="utf-8").splitlines()
    if x.strip()
]
CLI = [sys.executable, "-m", "baocao.cli"]


_STATE = """
import json, collections, sys
from pathlib import Path
from baocao.settings import Settings
from ingest.index import Index
from qa.engine import Engine
i = Index.open(Settings(data_dir=Path(sys.argv[1])), writable=True)  # a writer sweeps the debris
m = {d: r.chunks for d, r in i.manifest().items()}
c = collections.Counter(r.doc_id for r in i.store.lexical_rows())
answers = []
if len(sys.argv) > 2:
    e = Engine(i, i.settings)
    for q in json.loads(sys.argv[2]):
        a = e.ask(q)
        answers.append([a.answer, a.value, [(x.quote, x.filename) for x in a.citations[:1]]])
print(json.dumps([m, c, answers]))
"""


def _state(data_dir: Path, questions: list[str] | None = None) -> tuple[dict, dict, list]:  # type: ignore[type-arg]
    args = [sys.executable, "-c", _STATE, str(data_dir)] + ([json.dumps(questions)] if questions else [])
    out = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, check=True)
    manifest, chunks, answers = json.loads(out.stdout)
    return manifest, chunks, answers


@pytest.mark.slow
def test_sigkill_at_random_points_then_rerun_converges(tmp_path: Path) -> None:
    corpus = report_parts(tmp_path / "corpus")
    for article in sorted(ARTICLES.iterdir())[:6]:
        (corpus / article.name).write_bytes(article.read_bytes())
    env = {**os.environ, "BAOCAO_EMBED_CACHE_DIR": str(EMBED_CACHE)}
    cmd = [*CLI, "ingest", str(corpus), "--json", "--no-progress"]
    questions = [g["question"] for g in GOLD]
    reference = tmp_path / "reference"
    subprocess.run([*cmd, "--data-dir", str(reference)], check=True, capture_output=True, cwd=ROOT, env=env)
    expected = _state(reference, questions)
    killed = tmp_path / "killed"
    rng = random.Random(20261126)
    for _ in range(10):
        proc = subprocess.Popen(
            [*cmd, "--data-dir", str(killed)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(2.5, 9.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        manifest, chunks, _ = _state(killed)
        assert all(chunks.get(d) == n for d, n in manifest.items()), (
            "a committed document has a partial chunk set"
        )
        assert set(chunks) <= set(manifest), "chunks of an uncommitted document survived the sweep"
        assert sum(chunks.values()) == sum(manifest.values())
    subprocess.run([*cmd, "--data-dir", str(killed)], check=True, capture_output=True, cwd=ROOT, env=env)
    assert _state(killed, questions) == expected


def _dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def test_ten_ingests_of_the_same_corpus(tmp_path: Path, cached_embedder) -> None:  # type: ignore[no-untyped-def]
    corpus = report_parts(tmp_path / "corpus")
    flip = corpus / "flip.txt"
    versions = ["Sở đã thực hiện 10 cuộc thanh tra.", "Sở đã thực hiện 12 cuộc thanh tra. Thêm một câu."]
    flip.write_text(versions[0], encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", progress=False)
    with Index.open(settings, writable=True, embedder=cached_embedder) as index:
        index.ingest([corpus])
        flip.write_text(versions[1], encoding="utf-8")
        index.ingest([corpus])  # both versions have been written once
        chunks, size = index.store.count(), _dir_bytes(settings.data_dir)
        for n in range(10):
            flip.write_text(versions[n % 2], encoding="utf-8")  # a changed file is rewritten each time
            report = index.ingest([corpus])
            assert report.failed == [] and report.updated == 1
        flip.write_text(versions[1], encoding="utf-8")
        index.ingest([corpus])
        assert index.store.count() == chunks
    growth = _dir_bytes(settings.data_dir) / size - 1
    assert growth < 0.10, f"the data dir grew by {growth:.1%} over 10 re-ingests"


def test_removed_document_never_comes_back(tmp_path: Path, cached_embedder) -> None:  # type: ignore[no-untyped-def]
    corpus = report_parts(tmp_path / "corpus", size=3)
    settings = Settings(data_dir=tmp_path / "data", progress=False)
    with Index.open(settings, writable=True, embedder=cached_embedder) as index:
        index.ingest([corpus])
        target = next(d for d, r in index.manifest().items() if "66,4 ha" in index.store.document_text(d))
        index.remove(target)

    def returned(engine: Engine) -> list[str]:
        found = []
        for q in (
            "Cho thuê đất bao nhiêu ha?",
            "thu hồi đất giao đất cho thuê đất 66,4 ha",
            "Thẩm định 58 hồ sơ",
        ):
            for mode in ("dense", "bm25", "hybrid"):
                found += [
                    h.chunk.chunk_id for h in engine.retrieve(q, mode=mode, k=50) if h.chunk.doc_id == target
                ]
            answer = engine.ask(q)
            found += [c.doc for c in answer.citations + answer.related if c.doc == target]
        return found

    with Index.open(settings, embedder=cached_embedder) as reader:
        assert returned(Engine(reader, settings)) == []
    # after a restart: a new process opens the same data dir
    code = (
        "import sys; from pathlib import Path; from baocao.settings import Settings; from qa.engine import Engine\n"
        f"e = Engine.from_settings(Settings(data_dir=Path({str(settings.data_dir)!r})))\n"
        "print(sum(h.chunk.doc_id == sys.argv[1] for q in ['Cho thuê đất bao nhiêu ha?', '66,4 ha'] "
        "for m in ('dense', 'bm25') for h in e.retrieve(q, mode=m, k=200)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, target], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == "0"


def test_second_writer_refused_while_a_reader_answers(tmp_path: Path, cached_embedder) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=tmp_path / "data", progress=False)
    with Index.open(settings, writable=True, embedder=cached_embedder) as writer:
        writer.ingest([REPORT])
        started = time.monotonic()
        proc = subprocess.run(
            [*CLI, "ingest", str(REPORT), "--data-dir", str(settings.data_dir)],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert proc.returncode == 1
        assert "being written by process" in proc.stderr and "--chroma-url" in proc.stderr
        assert time.monotonic() - started < 20  # the refusal itself is immediate; most of this is start-up
        reader = subprocess.run(
            [*CLI, "ask", "Cho thuê đất bao nhiêu ha?", "--json", "--data-dir", str(settings.data_dir)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        )
        assert json.loads(reader.stdout)["answer"] == "66,4 ha"


def test_eight_askers_while_fifty_documents_are_ingested(tmp_path: Path, cached_embedder) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=tmp_path / "data", progress=False)
    with Index.open(settings, writable=True, embedder=cached_embedder) as index:
        index.ingest([REPORT])
    sentences = [s.strip() + "." for s in REPORT.read_text(encoding="utf-8").split(". ") if len(s) > 40]
    rng = random.Random(5)
    batch = tmp_path / "batch"
    batch.mkdir()
    for n in range(50):
        (batch / f"doc-{n:02d}.txt").write_text(" ".join(rng.sample(sentences, 4)), encoding="utf-8")
    env = {**os.environ, "BAOCAO_EMBED_CACHE_DIR": str(EMBED_CACHE)}
    writer = subprocess.Popen(
        [*CLI, "ingest", str(batch), "--json", "--data-dir", str(settings.data_dir)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    engine = Engine(Index.open(settings, embedder=cached_embedder), settings)
    errors: list[str] = []
    answers = 0
    lock = threading.Lock()

    def ask(worker: int) -> None:
        nonlocal answers
        questions = [
            "Cho thuê đất bao nhiêu ha?",
            "Tỷ lệ thu gom chất thải rắn sinh hoạt đạt bao nhiêu?",
            "Ai chủ trì Hội nghị?",
        ]
        while writer.poll() is None:
            try:
                engine.refresh()
                answer = engine.ask(questions[worker % len(questions)])
                for c in answer.citations:
                    chunk = engine.index.store.get_chunks([f"{c.doc}:{c.sentence:05d}"])
                    assert chunk, f"citation of a missing chunk {c.doc}:{c.sentence}"
                    assert engine.index.store.document_text(c.doc)[c.start : c.end] == c.quote
                with lock:
                    answers += 1
            except Exception as exc:  # every failure is collected and reported below
                errors.append(f"{type(exc).__name__}: {exc}")
                return

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    out, err = writer.communicate(timeout=600)
    for t in threads:
        t.join()
    assert writer.returncode == 0, err
    assert json.loads(out)["added"] == 50
    assert errors == []
    assert answers >= 8
