"""``baocao eval``: score the system on gold sets, compare retrieval modes, guard against regressions."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from baocao.errors import SettingsError
from baocao.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
BASELINE = Path(__file__).with_name("baseline.json")
DEFAULT_CACHE = Path(".cache") / "eval-embeddings"


def add_commands(parser: argparse.ArgumentParser, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Register the ``eval`` subcommands on the ``baocao eval`` parser."""
    sub = parser.add_subparsers(dest="eval_command", required=True, metavar="WHAT")
    for name, what, help_text in (
        (
            "qa",
            "FILE.jsonl",
            "gold questions: question, answer, value, unit, evidence (answer null = abstain)",
        ),
        ("claims", "FILE.jsonl", "gold claims: claim, verdict (supported/refuted/not_found), evidence"),
        ("squad", "FILE.json", "SQuAD/XQuAD: every context ingested, each question asked of the whole index"),
        (
            "periods",
            "FILE.jsonl",
            "questions over many periods' reports: kind period, latest, missing, compare, series, absent "
            "(tests/data/periods/qa.jsonl)",
        ),
    ):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("gold", type=Path, metavar=what, nargs="?" if name != "squad" else None)
        p.add_argument(
            "--corpus",
            type=Path,
            nargs="+",
            metavar="PATH",
            help="ingest these into a fresh temporary index first (embeddings cached in --embed-cache-dir)",
        )
        p.add_argument(
            "--distractors",
            type=Path,
            nargs="+",
            default=[],
            metavar="PATH",
            help="ingest these too (only with --corpus or squad)",
        )
        if name not in ("squad", "periods"):
            p.add_argument(
                "--split",
                choices=("train", "dev", "test"),
                help="the gold corpus's items of this split (GOLD is then tests/data/gold/qa.jsonl or "
                "claims.jsonl); without --corpus, every gold document is ingested",
            )
            p.add_argument(
                "--gold-set",
                default="articles",
                choices=("articles", "tables"),
                help="with --split: the gold set, 'articles' (tests/data/gold) or 'tables' "
                "(tests/data/gold-tables, questions on table cells)",
            )
            p.add_argument(
                "--use-index",
                action="store_true",
                help="with --split: ask the index at --data-dir / --chroma-url (it must hold the gold corpus)",
            )
        p.add_argument("--mode", default="hybrid", help="retrieval modes, comma-separated: dense,bm25,hybrid")
        p.add_argument("--limit", type=int, help="only the first N items")
        p.add_argument("--json", action="store_true", help="print every per-item result and metric as JSON")
        p.add_argument(
            "--report", type=Path, metavar="OUT.md", help="write a Markdown report and a PNG chart beside it"
        )
        common(p)
        p.set_defaults(run=_run_gold, eval_kind=name)
    p = sub.add_parser(
        "train",
        help="fit the answer ranker on the gold corpus's train split (calibrated on dev) and write qa/data/ranker.json",
    )
    p.add_argument("--out", type=Path, help="write the model here instead of the packaged file")
    p.add_argument(
        "--use-index",
        action="store_true",
        help="read the gold corpus from the index at --data-dir / --chroma-url instead of ingesting it afresh",
    )
    common(p)
    p.set_defaults(run=_train)
    p = sub.add_parser("bench", help="ingest throughput of the whole pipeline against the bare embedder")
    p.add_argument("--files", type=int, default=300, help="first N vn-admin articles (default 300)")
    common(p)
    p.set_defaults(run=_bench)
    p = sub.add_parser(
        "regress", help="the shared gold sets and XQuAD's public half against eval/baseline.json"
    )
    p.add_argument(
        "--update",
        action="store_true",
        help="write the figures as the new baseline (commit it with the reason)",
    )
    common(p)
    p.set_defaults(run=_regress)


def _modes(text: str) -> list[Any]:
    from qa.retrieve import MODES

    modes = [m.strip() for m in text.split(",") if m.strip()]
    bad = [m for m in modes if m not in MODES]
    if bad or not modes:
        raise SettingsError(f"--mode {text!r}: use one or more of {', '.join(MODES)}, comma-separated")
    return modes


def _open_engine(
    settings: Settings, corpus: Sequence[Path], distractors: Sequence[Path]
) -> tuple[Any, float, Any]:
    """An engine over the given corpus in a fresh index (or over the settings' index), and the ingest time."""
    from ingest.index import Index
    from qa.engine import Engine

    tmp = None
    ingest_s = 0.0
    if corpus:
        tmp = tempfile.TemporaryDirectory(prefix="baocao-eval-")
        settings = settings.replace(
            data_dir=Path(tmp.name) / "data",
            chroma_url=None,
            embed_cache_dir=settings.embed_cache_dir or DEFAULT_CACHE,
        )
        with Index.open(settings, writable=True) as index:
            report = index.ingest([*corpus, *distractors])
            ingest_s = report.seconds
            for failure in report.failed:
                print(f"eval: ingest failed: {failure.reason}", file=sys.stderr)
    elif distractors:
        raise SettingsError("--distractors needs --corpus (an eval never changes an existing index)")
    return Engine.from_settings(settings), ingest_s, tmp


def _settings_lines(engine: Any, ingest_s: float) -> list[str]:
    s = engine.settings
    prov = engine.index.store.provenance
    return [
        f"index: {s.chroma_url or s.data_dir}; {len(engine.index.manifest())} documents, {engine.index.store.count()} sentences; ingest {ingest_s:.1f} s",
        "provenance: " + ", ".join(f"{k}={v}" for k, v in sorted(prov.items())),
        "settings: "
        + ", ".join(
            f"{k}={getattr(s, k)}"
            for k in (
                "embedder",
                "candidates",
                "retrieval_depth",
                "rrf_k",
                "answer_min_score",
                "claim_min_score",
                "approx_tolerance_pct",
                "window_sentences",
            )
        ),
    ]


def evaluate(
    kind: str,
    gold_path: Path | None,
    settings: Settings,
    *,
    corpus: Sequence[Path] = (),
    distractors: Sequence[Path] = (),
    modes: Sequence[Any] = ("hybrid",),
    limit: int | None = None,
    split: str | None = None,
    use_index: bool = False,
    gold_set: str = "articles",
) -> tuple[list[Any], list[str]]:
    """Run one gold set in each mode; returns the runs and the settings/provenance lines."""
    from eval import runner

    tmp_docs = None
    if split:
        from eval import gold as gold_corpus

        gold = gold_corpus.items(kind, split, gold_set)
        if not use_index:
            corpus = corpus or [*gold_corpus.documents(gold_set=gold_set), gold_corpus.REFERENCE]
    elif gold_path is None:
        raise SettingsError(f"baocao eval {kind}: give a gold file or --split train|dev|test")
    elif kind == "squad":
        docs, gold = runner.squad_items(gold_path)
        tmp_docs = tempfile.TemporaryDirectory(prefix="baocao-squad-")
        for name, text in docs:
            (Path(tmp_docs.name) / name.replace("/", "_")).write_text(text, encoding="utf-8")
        corpus = [Path(tmp_docs.name), *corpus]
    else:
        gold = runner.read_jsonl(gold_path)
    gold = gold[:limit] if limit else gold
    engine, ingest_s, tmp = _open_engine(settings, corpus, distractors)
    run = {"qa": runner.run_qa, "claims": runner.run_claims, "squad": runner.run_squad, "periods": runner.run_periods}[kind]
    runs = [run(engine, gold, mode) for mode in modes]
    for r in runs:
        r.metrics["ingest_s"] = ingest_s
    lines = _settings_lines(engine, ingest_s)
    engine.index.close()
    for t in (tmp, tmp_docs):
        if t is not None:
            t.cleanup()
    return runs, lines


def _run_gold(args: argparse.Namespace, settings: Settings) -> int:
    from eval.report import chart, markdown_report, reliability_diagram, summary_table

    runs, lines = evaluate(
        args.eval_kind,
        args.gold,
        settings,
        corpus=args.corpus or (),
        distractors=args.distractors,
        modes=_modes(args.mode),
        limit=args.limit,
        split=getattr(args, "split", None),
        use_index=getattr(args, "use_index", False),
        gold_set=getattr(args, "gold_set", "articles"),
    )
    if args.json:
        print(
            json.dumps(
                {
                    "settings": lines,
                    "runs": [
                        {
                            "kind": r.kind,
                            "mode": r.mode,
                            "metrics": r.metrics,
                            "items": [asdict(i) for i in r.items],
                        }
                        for r in runs
                    ],
                },
                ensure_ascii=False,
                indent=2,
                default=str,
            )
        )
    else:
        print("\n".join(lines))
        print(summary_table(runs))
    if args.report:
        args.report.write_text(markdown_report(runs, lines), encoding="utf-8")
        png = chart(runs, args.report.with_suffix(".png"))
        reliability = reliability_diagram(runs, args.report.with_name(args.report.stem + "-reliability.png"))
        print(
            f"report: {args.report}; chart: {png}" + (f"; reliability diagram: {reliability}" if reliability else ""),
            file=sys.stderr,
        )
    return 0


def _train(args: argparse.Namespace, settings: Settings) -> int:
    from eval import gold as gold_corpus
    from eval.train import train

    # the candidates' features do not depend on the ranker; the heuristic one needs no model file
    settings = settings.replace(ranker="heuristic")
    corpus = [] if args.use_index else [
        *gold_corpus.documents(), *gold_corpus.documents(gold_set="tables"), gold_corpus.REFERENCE
    ]
    engine, _, tmp = _open_engine(settings, corpus, [])
    try:
        train(engine, args.out)
    finally:
        engine.index.close()
        if tmp is not None:
            tmp.cleanup()
    return 0


def _bench(args: argparse.Namespace, settings: Settings) -> int:
    from eval.bench_ingest import main

    main(["--files", str(args.files)])
    return 0


def regression_figures(settings: Settings) -> dict[str, float]:
    """The figures the regression guard watches: the shared gold sets and XQuAD's public half (hybrid)."""
    figures: dict[str, float] = {}
    jobs: tuple[tuple[str, Path, list[Path]], ...] = (
        ("qa", SHARED / "eval" / "seed_qa.jsonl", [ROOT / "corpus"]),
        ("claims", SHARED / "eval" / "seed_claims.jsonl", [ROOT / "corpus"]),
        ("squad", SHARED / "bench" / "xquad.vi.public.json", []),
    )
    for kind, path, corpus in jobs:
        started = time.perf_counter()
        runs, _ = evaluate(kind, path, settings, corpus=corpus)
        for name, value in runs[0].metrics.items():
            # watched: scores where higher is better (not latencies, times, counts or the abstention rate)
            if not name.startswith(("latency", "ingest")) and name not in ("abstained", "numeric_questions"):
                figures[f"{kind}.{name}"] = value
        print(f"{kind}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return figures


def _regress(args: argparse.Namespace, settings: Settings) -> int:
    figures = regression_figures(settings)
    if args.update:
        BASELINE.write_text(
            json.dumps(
                {k: {"value": round(v, 4), "tolerance": 0.02} for k, v in sorted(figures.items())}, indent=2
            )
            + "\n"
        )
        print(f"baseline written to {BASELINE}; commit it with the reason")
        return 0
    baseline = json.loads(BASELINE.read_text())
    failed = []
    for name, spec in baseline.items():
        value = figures.get(name)
        ok = value is not None and value >= spec["value"] - spec["tolerance"]
        print(
            f"{'ok  ' if ok else 'DROP'} {name:40s} {value if value is not None else float('nan'):.3f} (baseline {spec['value']:.3f} ± {spec['tolerance']})"
        )
        if not ok:
            failed.append(name)
    if failed:
        print(
            f"eval: {len(failed)} metric(s) dropped below the baseline: {', '.join(failed)}", file=sys.stderr
        )
        return 1
    return 0
