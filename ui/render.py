"""HTML for people: answers with citation cards, checked speeches, tables, the document page.

Every piece of text that came from a user or a document goes through ``html.escape`` here; the
callers put the result in the page as it is. Class names (``bc-*``) are styled by ``ui.style``.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime
from urllib.parse import quote

from ingest import DocRecord
from qa import Answer, Citation
from qa.factcheck import Verdict
from qa.records import Comparison, SeriesPoint
from ui.library import FileResult

__all__ = [
    "STATUS_LABELS",
    "VERDICT_LABELS",
    "answer_html",
    "citation_card",
    "doc_link",
    "document_page",
    "documents_table",
    "format_date",
    "ingest_table",
    "legend_html",
    "percent",
    "question_text",
    "speech_html",
    "verdict_summary",
    "verdicts_table",
]

VERDICT_LABELS = {"supported": "Đúng", "refuted": "Sai", "not_found": "Không có trong báo cáo"}
STATUS_LABELS = {
    "added": "Đã thêm",
    "updated": "Đã cập nhật",
    "unchanged": "Không đổi (đã có)",
    "failed": "Lỗi",
}
NOT_FOUND = "Không tìm thấy trong các báo cáo"
_CONTEXT_CHARS = 280  # context shown on each side of a cited sentence
_RELATED_SHOWN = 3  # passages shown when abstaining: enough to look further, few enough to read


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def percent(x: float) -> str:
    """``0.839`` -> ``"84%"``."""
    return f"{round(max(0.0, min(1.0, x)) * 100)}%"


def format_date(iso: str) -> str:
    """``"2021-10-09T08:30:00+00:00"`` -> ``"09/10/2021 15:30"`` (local time); unparseable text as is."""
    try:
        when = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if when.tzinfo is not None:
        when = when.astimezone()
    return when.strftime("%d/%m/%Y %H:%M")


def question_text(question: str) -> str:
    """A user's question for the chat, shown literally (no HTML, no Markdown)."""
    # the chat renders Markdown: a backslash keeps "*", "_" and friends literal; then HTML-escape
    literal = "".join("\\" + ch if ch in "\\`*_{}[]()#+-.!|~" else ch for ch in question)
    return html.escape(literal, quote=False)


def doc_link(doc: str, start: int, end: int) -> str:
    """Relative URL of the document page with a sentence highlighted (``/doc/{id}?start=&end=``)."""
    return f"doc/{quote(doc, safe='')}?start={int(start)}&end={int(end)}#bc-hl"


def _span(text: str, start: int, end: int, strong: tuple[int, int] | None) -> str:
    """``text[start:end]`` escaped, with ``strong`` (relative to ``text``) in bold."""
    if strong is None or not (start <= strong[0] < strong[1] <= end):
        return _e(text[start:end])
    a, b = strong
    return f"{_e(text[start:a])}<strong>{_e(text[a:b])}</strong>{_e(text[b:end])}"


def _trim_left(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[-limit:]
    space = cut.find(" ")
    return "…" + (cut[space + 1 :] if 0 <= space < 40 else cut)


def _trim_right(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit - 40 else cut) + "…"


def _context_html(c: Citation) -> str:
    """The cited sentence in ``<mark>`` inside its (trimmed) context, the answer's words in bold."""
    if c.context:
        context, offset = c.context, c.context_start
    else:
        context, offset = c.quote, c.start
    s, e = c.start - offset, c.end - offset
    if not (0 <= s <= e <= len(context)):
        context, offset, s, e = c.quote, c.start, 0, len(c.quote)
    strong = (c.answer_start - offset, c.answer_end - offset) if c.answer_start >= 0 else None
    before = _trim_left(context[:s], _CONTEXT_CHARS)
    after = _trim_right(context[e:], _CONTEXT_CHARS)
    return (f"{_e(before)}<mark class='bc-hl'>{_span(context, s, e, strong)}</mark>{_e(after)}").replace(
        "\n", "<br>"
    )


def citation_card(c: Citation, *, related: bool = False) -> str:
    """One source: report title, the sentence highlighted in its paragraph, score, link to the full text.

    A related passage (shown when abstaining) is the sentence alone, not marked (it is no evidence),
    with its score only when it has one.
    """
    score = (
        f"<span class='bc-score'>{'Mức liên quan' if related else 'Độ tin cậy'} {percent(c.score)}</span>"
        if c.score > 0 or not related
        else ""
    )
    return (
        f"<div class='bc-cite{' bc-related' if related else ''}'>"
        "<div class='bc-cite-head'>"
        f"<span class='bc-doc'>{_e(c.title or c.filename)}</span>{score}"
        "</div>"
        f"<div class='bc-context'>{_e(c.quote) if related else _table_html(c) if c.cells else _context_html(c)}</div>"
        "<div class='bc-cite-foot'>"
        f"<span class='bc-origin'>{_e(c.filename)} · câu {c.sentence + 1}"
        f"{' · ' + _e(c.origin) if c.origin.startswith(('trang', 'bảng')) else ''}</span>"
        f"<a class='bc-open' href='{_e(doc_link(c.doc, c.start, c.end))}' target='_blank' rel='noopener'>"
        "Xem toàn văn ↗</a>"
        "</div></div>"
    )


def _table_html(c: Citation) -> str:
    """A table row's citation as the row of its table: the headers, then the row with the answer's
    cell marked."""
    head = "".join(f"<th>{_e(cell['header'])}</th>" for cell in c.cells)
    body = "".join(
        f"<td class='bc-cell-hl'><strong>{_e(cell['text'])}</strong></td>" if cell["col"] == c.col else f"<td>{_e(cell['text'])}</td>"
        for cell in c.cells
    )
    where = f"Bảng {c.table + 1}, dòng {c.row + 1}"
    return (
        f"<div class='bc-table-where'>{where}</div><table class='bc-table'>"
        f"<tr><th></th>{head}</tr><tr class='bc-row-hl'><th>{_e(c.row_label)}</th>{body}</tr></table>"
    )


def answer_html(answer: Answer) -> str:
    """The chat's reply: the figure large, then the citation cards (or "not found" and related passages)."""
    parts = ["<div class='bc-answer'>"]
    if answer.notice:
        parts.append(f"<div class='bc-notice'>{_e(answer.notice)}</div>")
    if answer.generated:
        # the LLM's draft, verified: each [n] is the n-th source card below
        parts.append(f"<div class='bc-generated'>{_e(answer.text)}</div>")
        parts.append("<div class='bc-meta'>Câu trả lời do mô hình ngôn ngữ soạn; mọi số liệu đã được đối chiếu với nguồn.</div>")
        parts.append("<div class='bc-cites-label'>Nguồn</div>")
        parts += [f"<div class='bc-cite-number'>[{n}]</div>" + citation_card(c) for n, c in enumerate(answer.citations, 1)]
    elif answer.abstained or answer.answer is None:
        parts.append(f"<div class='bc-none'>{NOT_FOUND}</div>")
        parts.append("<div class='bc-meta'>Các báo cáo hiện có không nêu thông tin này.</div>")
        if answer.related:
            parts.append("<div class='bc-cites-label'>Có thể liên quan</div>")
            parts += [citation_card(c, related=True) for c in answer.related[:_RELATED_SHOWN]]
    else:
        if answer.comparison is not None:
            parts.append(comparison_html(answer.comparison))
        else:
            parts.append(f"<div class='bc-figure'>{_e(answer.shown())}</div>")
        if answer.series:
            parts.append(series_html(answer.series))
        meta = [f"Độ tin cậy <b>{percent(answer.confidence)}</b>"]
        if answer.interpreted_as and answer.interpreted_as.strip() != answer.question.strip():
            meta.append(f"Hiểu câu hỏi là: “{_e(answer.interpreted_as)}”")
        parts.append(f"<div class='bc-meta'>{' · '.join(meta)}</div>")
        if answer.citations:
            parts.append("<div class='bc-cites-label'>Nguồn</div>")
            parts += [citation_card(c) for c in answer.citations]
        if answer.period_shown and answer.related and not answer.series and answer.comparison is None:
            parts.append("<div class='bc-cites-label'>Các kỳ báo cáo khác</div>")
            parts += [citation_card(c, related=True) for c in answer.related[:_RELATED_SHOWN]]
    parts.append("</div>")
    return "".join(parts)


def comparison_html(c: Comparison) -> str:
    """Two periods' figures side by side and the change; a change the report states that differs
    from the computed one is shown beside it."""
    rows = "".join(
        f"<tr><th>{_e(p.period)}</th><td><strong>{_e(p.answer)}</strong></td></tr>" for p in (c.later, c.earlier)
    )
    text = c.change_text()
    change = f"<div class='bc-change'>{_e(text[:1].upper() + text[1:])}</div>" if text else ""
    stated = ""
    if c.stated_text:
        verdict = "khớp với mức tính được" if c.agrees else "khác với mức tính được" if c.agrees is False else ""
        stated = f"<div class='bc-stated{' bc-stated-differs' if c.agrees is False else ''}'>Báo cáo ghi: “{_e(c.stated_text)}”{' — ' + verdict if verdict else ''}</div>"
    return f"<div class='bc-compare'><table class='bc-table'>{rows}</table>{change}{stated}</div>"


_CHART_W, _CHART_H, _CHART_PAD = 560, 200, 36


def series_html(points: Sequence[SeriesPoint]) -> str:
    """A measure's figures over time: a line chart whose every point opens its cited sentence in
    the report, and the same figures as a table."""
    values = [p.value for p in points if p.value is not None]
    chart = ""
    if len(values) >= 2:
        low, high = min(values), max(values)
        span = (high - low) or 1.0
        step = (_CHART_W - 2 * _CHART_PAD) / max(len(points) - 1, 1)
        xy = [
            (_CHART_PAD + k * step, _CHART_H - _CHART_PAD - (p.value - low) / span * (_CHART_H - 2 * _CHART_PAD))
            for k, p in enumerate(points)
            if p.value is not None
        ]
        dated = [p for p in points if p.value is not None]
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
        dots = "".join(
            f"<a class='bc-point' href='{_e(doc_link(p.citation.doc, p.citation.start, p.citation.end))}' target='_blank' rel='noopener'>"
            f"<circle cx='{x:.1f}' cy='{y:.1f}' r='6'><title>{_e(p.period)}: {_e(p.answer)}</title></circle></a>"
            f"<text x='{x:.1f}' y='{_CHART_H - 8}' text-anchor='middle'>{_e(p.code)}</text>"
            f"<text x='{x:.1f}' y='{y - 10:.1f}' text-anchor='middle'>{_e(p.answer)}</text>"
            for p, (x, y) in zip(dated, xy, strict=True)
        )
        chart = (
            f"<svg class='bc-chart' width='{_CHART_W}' height='{_CHART_H}' viewBox='0 0 {_CHART_W} {_CHART_H}' role='img' aria-label='Biểu đồ số liệu theo kỳ'>"
            f"<polyline points='{line}' fill='none' stroke='currentColor' stroke-width='2'/>{dots}</svg>"
        )
    rows = "".join(
        f"<tr><th>{_e(p.period)}</th><td><strong>{_e(p.answer)}</strong></td>"
        f"<td>{_e(p.citation.title or p.citation.filename)}</td>"
        f"<td><a class='bc-open' href='{_e(doc_link(p.citation.doc, p.citation.start, p.citation.end))}' target='_blank' rel='noopener'>Xem ↗</a></td></tr>"
        for p in points
    )
    table = f"<table class='bc-table bc-series'><tr><th>Kỳ</th><th>Số liệu</th><th>Báo cáo</th><th></th></tr>{rows}</table>"
    return f"<div class='bc-series-box'>{chart}{table}</div>"


def legend_html() -> str:
    """The colours of the three verdicts."""
    items = "".join(
        f"<span class='bc-fig bc-{kind}'>{label}</span>" for kind, label in VERDICT_LABELS.items()
    )
    return f"<div class='bc-legend'><span>Chú thích:</span>{items}</div>"


def verdict_summary(verdicts: Sequence[Verdict]) -> str:
    """One line: how many figures were checked and how many of each verdict."""
    if not verdicts:
        return (
            "<div class='bc-summary'>Không thấy số liệu nào để kiểm chứng trong văn bản "
            "(số lượng, diện tích, tỷ lệ, số tiền, ngày tháng…).</div>"
        )
    counts = {k: sum(v.verdict == k for v in verdicts) for k in VERDICT_LABELS}
    pieces = ", ".join(
        f"<span class='bc-count bc-{k}'>{n} {VERDICT_LABELS[k].lower()}</span>" for k, n in counts.items()
    )
    return f"<div class='bc-summary'>Đã kiểm chứng <b>{len(verdicts)}</b> số liệu: {pieces}.</div>"


def speech_html(speech: str, verdicts: Sequence[Verdict]) -> str:
    """The speech as written, each checked figure highlighted in its verdict's colour and numbered."""
    out: list[str] = []
    pos = 0
    for n, v in enumerate(sorted(verdicts, key=lambda v: v.figure_start), 1):
        if v.figure_start < pos or not (0 <= v.figure_start < v.figure_end <= len(speech)):
            continue  # overlapping or out of range: the table still lists it
        title = f"{VERDICT_LABELS[v.verdict]}: {v.explanation}"
        out.append(_e(speech[pos : v.figure_start]))
        out.append(
            f"<span class='bc-fig bc-{v.verdict}' title='{_e(title)}'>{_e(speech[v.figure_start : v.figure_end])}"
            f"<sup>{n}</sup></span>"
        )
        pos = v.figure_end
    out.append(_e(speech[pos:]))
    return f"<div class='bc-speech'>{''.join(out)}</div>"


def _source_html(v: Verdict) -> str:
    if not v.citations:
        return "<span class='bc-muted'>—</span>"
    c = v.citations[0]
    s = c.start
    strong = (c.answer_start - s, c.answer_end - s) if c.answer_start >= 0 else None
    return (
        f"<div class='bc-doc'>{_e(c.title or c.filename)}</div>"
        f"<div class='bc-quote'>“{_span(c.quote, 0, len(c.quote), strong)}”</div>"
        f"<a class='bc-open' href='{_e(doc_link(c.doc, c.start, c.end))}' target='_blank' rel='noopener'>"
        "Xem toàn văn ↗</a>"
    )


def _claim_html(v: Verdict) -> str:
    """The claim sentence with the checked figure marked in its verdict's colour."""
    a, b = v.figure_start - v.start, v.figure_end - v.start
    if not (0 <= a < b <= len(v.claim)):
        return _e(v.claim)
    return f"{_e(v.claim[:a])}<span class='bc-fig bc-{v.verdict}'>{_e(v.claim[a:b])}</span>{_e(v.claim[b:])}"


def verdicts_table(verdicts: Sequence[Verdict]) -> str:
    """Claim, verdict, speech figure, report figure and source of each figure checked."""
    if not verdicts:
        return ""
    rows = []
    for n, v in enumerate(sorted(verdicts, key=lambda v: v.figure_start), 1):
        rows.append(
            f"<tr class='bc-row-{v.verdict}'>"
            f"<td class='bc-num'>{n}</td>"
            f"<td>{_claim_html(v)}</td>"
            f"<td><span class='bc-badge bc-{v.verdict}'>{VERDICT_LABELS[v.verdict]}</span>"
            f"<div class='bc-expl'>{_e(v.explanation)}</div></td>"
            f"<td class='bc-val'>{_e(v.claimed)}</td>"
            f"<td class='bc-val'>{_e(v.reported or '—')}</td>"
            f"<td class='bc-src'>{_source_html(v)}</td>"
            "</tr>"
        )
    head = "".join(
        f"<th>{h}</th>"
        for h in ("#", "Nội dung phát biểu", "Kết luận", "Số liệu phát biểu", "Số liệu báo cáo", "Nguồn")
    )
    return f"<table class='bc-table bc-verdicts'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def documents_table(records: Sequence[DocRecord]) -> str:
    """The indexed documents: title, reporting period, issuer, sentence count, date added, file."""
    if not records:
        return "<div class='bc-empty'>Chưa có tài liệu nào. Hãy tải báo cáo lên ở phía trên.</div>"
    rows = "".join(
        "<tr>"
        f"<td>{_e(r.title or r.filename)}</td>"
        f"<td>{_e(r.period or '—')}</td>"
        f"<td>{_e(r.issuer or '—')}</td>"
        f"<td class='bc-num'>{r.chunks}</td>"
        f"<td class='bc-nowrap'>{_e(format_date(r.added_at))}</td>"
        f"<td class='bc-file'>{_e(r.filename)}</td>"
        "</tr>"
        for r in records
    )
    head = "".join(
        f"<th>{h}</th>"
        for h in ("Tên báo cáo", "Kỳ báo cáo", "Cơ quan ban hành", "Số câu", "Ngày thêm", "Tệp")
    )
    return f"<table class='bc-table bc-docs'><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def ingest_table(results: Sequence[FileResult]) -> str:
    """What became of each uploaded file."""
    if not results:
        return ""
    rows = "".join(
        f"<tr class='bc-status-{r.status}'>"
        f"<td class='bc-file'>{_e(r.filename)}</td>"
        f"<td><span class='bc-badge bc-st-{r.status}'>{STATUS_LABELS[r.status]}</span></td>"
        f"<td>{_e(r.reason) if r.reason else (f'{r.chunks} câu' if r.chunks else '')}</td>"
        "</tr>"
        for r in results
    )
    head = "".join(f"<th>{h}</th>" for h in ("Tệp", "Kết quả", "Ghi chú"))
    return f"<table class='bc-table bc-ingest'><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def document_page(record: DocRecord, text: str, start: int, end: int) -> str:
    """A whole document as a page, the cited sentence marked and scrolled to (``#bc-hl``)."""
    marked = 0 <= start < end <= len(text)
    if marked:
        body = f"{_e(text[:start])}<mark id='bc-hl'>{_e(text[start:end])}</mark>{_e(text[end:])}"
    else:
        body = _e(text)
    meta = " · ".join(
        _e(x)
        for x in (record.issuer, record.period, record.filename, f"thêm ngày {format_date(record.added_at)}")
        if x
    )
    note = "<div class='note'>Câu được trích dẫn được <span>tô vàng</span>.</div>" if marked else ""
    return _DOC_HTML.format(title=_e(record.title or record.filename), meta=meta, body=body, note=note)


_DOC_HTML = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, "Segoe UI", Roboto, sans-serif; margin: 0; background: #f3f5f8; color: #1f2937; }}
header {{ background: #fff; border-bottom: 1px solid #e5e7eb; padding: 16px 24px; position: sticky; top: 0; }}
h1 {{ font-size: 1.2rem; margin: 0 0 4px; }} .meta {{ color: #6b7280; font-size: .9rem; }}
.note {{ margin-top: 6px; font-size: .9rem; }} .note span {{ background: #fde68a; padding: 0 4px; border-radius: 3px; }}
article {{ max-width: 860px; margin: 20px auto; background: #fff; padding: 28px 36px; border-radius: 10px;
          line-height: 1.65; white-space: pre-wrap; font-size: 1.02rem; }}
mark {{ background: #fde68a; padding: 2px 0; border-radius: 3px; box-shadow: 0 0 0 3px #fde68a;
       scroll-margin-top: 35vh; }}
</style></head>
<body><header><h1>{title}</h1><div class="meta">{meta}</div>{note}</header>
<article>{body}</article></body></html>
"""
