"""A fact-check as a Markdown report a secretary can print."""

from __future__ import annotations

from collections.abc import Sequence

from qa.factcheck import Verdict

VERDICT_LABELS = {"supported": "Đúng", "refuted": "Sai", "not_found": "Không có trong báo cáo"}


def markdown_report(verdicts: Sequence[Verdict], *, title: str = "Kết quả kiểm chứng phát biểu") -> str:
    """Claim, verdict, report figure and source for each figure checked, then a count of each verdict."""
    counts = {k: sum(v.verdict == k for v in verdicts) for k in VERDICT_LABELS}
    lines = [f"# {title}", ""]
    lines.append(", ".join(f"{VERDICT_LABELS[k]}: {n}" for k, n in counts.items()))
    lines += [
        "",
        "| # | Nội dung phát biểu | Số liệu phát biểu | Kết luận | Số liệu báo cáo | Nguồn |",
        "|---|---|---|---|---|---|",
    ]
    for v in verdicts:
        source = ""
        if v.citations:
            c = v.citations[0]
            source = f"{c.title} (câu {c.sentence + 1}): “{c.quote}”"
        cells = [v.id, v.claim, v.claimed, VERDICT_LABELS[v.verdict], v.reported or "—", source or "—"]
        lines.append("| " + " | ".join(_cell(x) for x in cells) + " |")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
