"""Eval output for people: a summary table, the wrong items first, and a chart of the compared modes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from baocao.errors import MissingExtraError
from eval.metrics import expected_calibration_error
from eval.runner import Run

# the figures a summary table shows first, when a run has them
HEADLINE = (
    "accuracy",
    "wrong_rate",
    "candidate_oracle",
    "calibration_error",
    "numeric_accuracy",
    "numeric_exact_match",
    "numeric_value_match",
    "exact_match",
    "token_f1",
    "citation_correct",
    "verdict_accuracy",
    "verdict_strict",
    "verdict_macro_f1",
    "abstention_precision",
    "abstention_recall",
    "sentence_hit@1",
    "sentence_hit@5",
    "sentence_mrr",
    "document_hit@1",
    "document_hit@5",
    "document_mrr",
    "latency_p50_ms",
    "latency_p95_ms",
)


def summary_table(runs: Sequence[Run]) -> str:
    """A Markdown table: one row per metric, one column per run (``kind/mode``)."""
    names = [m for m in HEADLINE if any(m in r.metrics for r in runs)]
    names += sorted({m for r in runs for m in r.metrics} - set(names))
    lines = [
        "| metric | " + " | ".join(f"{r.kind}/{r.mode}" for r in runs) + " |",
        "|---|" + "---|" * len(runs),
    ]
    for name in names:
        cells = [_fmt(r.metrics.get(name)) for r in runs]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _fmt(value: float | None) -> str:
    if value is None or value != value:  # NaN
        return "—"
    return f"{value:.1f}" if abs(value) >= 10 else f"{value:.3f}"


def markdown_report(runs: Sequence[Run], settings_lines: Sequence[str]) -> str:
    """Summary table, the settings and provenance, then every wrong item with expected vs got and evidence."""
    out = ["# baocao eval", "", summary_table(runs), "", "## Settings and index", ""]
    out += [f"- {line}" for line in settings_lines]
    for run in runs:
        wrong = [i for i in run.items if not (i.correct and i.evidence_ok)]
        out += ["", f"## {run.kind}/{run.mode}: {len(wrong)} wrong of {len(run.items)}", ""]
        for item in wrong:
            out.append(f"- **{item.id}** {item.question}")
            out.append(
                f"  - expected: `{item.expected}`; got: `{item.got}`"
                + ("" if item.evidence_ok else " (evidence missing)")
            )
            for text in item.retrieved[:3]:
                out.append(f"  - retrieved: {text[:200]}")
    return "\n".join(out) + "\n"


def chart(runs: Sequence[Run], path: Path, metric_names: Sequence[str] | None = None) -> Path:
    """A bar chart of the headline metrics of each run, written as PNG.

    Raises:
        MissingExtraError: matplotlib is not installed.
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise MissingExtraError("the eval chart", "eval") from None
    names = list(
        metric_names
        or [m for m in HEADLINE if not m.startswith("latency") and any(m in r.metrics for r in runs)]
    )
    fig, ax = plt.subplots(figsize=(max(6, len(names) * 0.9), 4))
    width = 0.8 / max(len(runs), 1)
    for n, run in enumerate(runs):
        values = [run.metrics.get(m, 0.0) if run.metrics.get(m) == run.metrics.get(m) else 0.0 for m in names]
        ax.bar([i + n * width for i in range(len(names))], values, width, label=f"{run.kind}/{run.mode}")
    ax.set_xticks(
        [i + width * (len(runs) - 1) / 2 for i in range(len(names))], names, rotation=35, ha="right"
    )
    ax.set_ylim(0, 1.05)
    ax.legend()
    ax.set_title("baocao eval")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def reliability_diagram(runs: Sequence[Run], path: Path, bins: int = 10) -> Path | None:
    """Confidence against accuracy of the best candidate, per confidence bin, for the question runs
    (PNG); the expected calibration error in the legend. ``None`` when no run has confidences.

    Raises:
        MissingExtraError: matplotlib is not installed.
    """
    runs = [r for r in runs if r.items and "confidence" in r.items[0].extra]
    if not runs:
        return None
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise MissingExtraError("the eval chart", "eval") from None
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1, label="perfect calibration")
    for run in runs:
        ece, table = expected_calibration_error(
            [i.extra["confidence"] for i in run.items], [i.extra["top_right"] for i in run.items], bins
        )
        xs, ys, ns = zip(*table, strict=True) if table else ((), (), ())
        ax.plot(xs, ys, marker="o", label=f"{run.kind}/{run.mode} (ECE {ece:.3f})")
        for x, y, n in zip(xs, ys, ns, strict=True):
            ax.annotate(str(n), (x, y), textcoords="offset points", xytext=(4, -10), fontsize=7)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("confidence (calibrated)")
    ax.set_ylabel("share of best answers that are right")
    ax.set_title("Reliability (questions per bin)")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
