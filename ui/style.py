"""The page's look: a Gradio theme and the CSS of the ``bc-*`` classes that ``ui.render`` writes."""

from __future__ import annotations

import gradio as gr

__all__ = ["CSS", "GRADIO_STRINGS", "SCRIPT", "theme"]


def theme() -> gr.themes.Base:
    """A calm, high-contrast theme; fonts come with Gradio (nothing is fetched from the internet)."""
    return gr.themes.Default(primary_hue="blue", secondary_hue="slate", neutral_hue="slate", text_size="lg")


# A new answer is scrolled to its top, not to its bottom (Gradio's autoscroll): the figure, or
# "Không tìm thấy", is what the official must see first; the citations follow below it. The 100 px
# above it keep the question in view.
SCRIPT = """
() => {
  const seen = new WeakSet();
  const showNewest = () => {
    const answers = document.querySelectorAll('#bc-chat .bc-answer');
    const last = answers[answers.length - 1];
    if (!last || seen.has(last)) return;
    seen.add(last);
    let box = last.parentElement;
    while (box && !/(auto|scroll)/.test(getComputedStyle(box).overflowY)) box = box.parentElement;
    if (box) box.scrollTop += last.getBoundingClientRect().top - box.getBoundingClientRect().top - 100;
  };
  new MutationObserver(showNewest).observe(document.body, {childList: true, subtree: true});
}
"""

# Gradio's own words (upload boxes, buttons, errors) in Vietnamese: Gradio ships no Vietnamese, so
# these replace its English for browsers set to English or Vietnamese
GRADIO_STRINGS = {
    "upload_text.drop_file": "Kéo thả tệp vào đây",
    "upload_text.click_to_upload": "Bấm để chọn tệp",
    "common.or": "hoặc",
    "common.clear": "Xoá",
    "common.download": "Tải về",
    "common.remove": "Bỏ",
    "common.loading": "Đang xử lý",
    "common.error": "Lỗi",
    "common.submit": "Gửi",
    "common.empty": "Trống",
    "file.uploading": "Đang tải lên…",
    "chatbot.clear": "Xoá hội thoại",
    "chatbot.copy_message": "Chép câu trả lời",
    "chatbot.copied_message": "Đã chép",
    "blocks.waiting_for_inputs": "Đang chờ tải tệp lên xong, vui lòng thử lại.",
    "blocks.lost_connection": "Mất kết nối, đang kết nối lại…",
}

# verdict colours: green supported, red refuted, amber not found (readable on screen and on paper)
CSS = """
.gradio-container { max-width: 1180px !important; width: 100% !important; margin: 0 auto; }
footer { display: none !important; }
.bc-header { display: flex; justify-content: space-between; align-items: flex-end; gap: 16px;
  padding: 4px 2px 10px; border-bottom: 2px solid #1d4ed8; margin-bottom: 4px; }
.bc-title { font-size: 1.5rem; font-weight: 700; color: #1e3a8a; }
.bc-sub { color: #475569; font-size: .95rem; margin-top: 2px; }
.bc-user { color: #334155; white-space: nowrap; }
.bc-user a { color: #1d4ed8; }
#bc-tabs button[role="tab"] { font-size: 1.05rem; font-weight: 600; }
#bc-chat .chatbot.prose { opacity: 1 !important; }  /* Gradio dims messages; answers must read clearly */
.bc-placeholder { text-align: center; color: #475569; line-height: 1.6; max-width: 560px; margin: auto; }

.bc-answer { display: flex; flex-direction: column; gap: 8px; width: 100%; }
.bc-figure { font-size: 2.3rem; font-weight: 700; color: #0f3d91; line-height: 1.15; }
.bc-none { font-size: 1.35rem; font-weight: 700; color: #92400e; }
.bc-meta { color: #475569; font-size: .92rem; }
.bc-notice { background: #fef3c7; color: #92400e; border-radius: 6px; padding: .35rem .6rem; font-size: .9rem; }
.bc-table { border-collapse: collapse; margin: .3rem 0; font-size: .9rem; }
.bc-table th, .bc-table td { border: 1px solid #cbd5e1; padding: .2rem .45rem; text-align: left; }
.bc-row-hl { background: #fef9c3; }
.bc-cell-hl { background: #fde047; }
.bc-table-where { color: #475569; font-size: .85rem; }
.bc-series-box { margin: .4rem 0 .6rem; }
.bc-chart { width: 100%; max-width: 560px; height: auto; color: #1d4ed8; display: block; }
.bc-chart circle { fill: #1d4ed8; stroke: #fff; stroke-width: 2; cursor: pointer; }
.bc-chart a:hover circle { fill: #b91c1c; }
.bc-chart text { font-size: 11px; fill: #334155; }
.bc-change { font-size: 1.1rem; font-weight: 600; margin: .2rem 0; }
.bc-stated { color: #334155; font-size: .9rem; }
.bc-stated-differs { color: #b45309; }
.bc-generated { font-size: 1.05rem; line-height: 1.55; white-space: pre-wrap; }
.bc-cite-number { font-weight: 700; color: #1e3a8a; margin-top: .4rem; }
.bc-cites-label { margin-top: 6px; font-weight: 700; color: #334155; font-size: .85rem;
  text-transform: uppercase; letter-spacing: .04em; }
.bc-cite { border: 1px solid #cbd5e1; border-left: 4px solid #1d4ed8; border-radius: 8px; padding: 10px 14px;
  background: #f8fafc; }
.bc-cite-head { display: flex; justify-content: space-between; gap: 12px; align-items: baseline; }
.bc-doc { font-weight: 600; color: #1e293b; }
.bc-score { color: #1d4ed8; font-weight: 600; white-space: nowrap; font-size: .9rem; }
.bc-context { margin: 8px 0 6px; line-height: 1.6; color: #334155; font-size: .95rem; }
.bc-context mark, .bc-hl { background: #fde68a; color: #111827; padding: 1px 2px; border-radius: 3px; }
.bc-cite-foot { display: flex; justify-content: space-between; gap: 12px; font-size: .85rem; color: #64748b; }
.bc-open { color: #1d4ed8 !important; font-weight: 600; text-decoration: none; white-space: nowrap; }
.bc-open:hover { text-decoration: underline; }
.bc-examples { align-items: center; flex-wrap: wrap; gap: 6px !important; }
.bc-examples > * { flex: 0 0 auto !important; min-width: 0 !important; width: auto !important; }
.bc-examples-label { color: #475569; font-weight: 600; }

.bc-legend { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; margin: 4px 0 8px; color: #475569; }
.bc-speech { white-space: pre-wrap; line-height: 1.9; font-size: 1.05rem; background: #fff;
  border: 1px solid #e2e8f0; border-radius: 8px; padding: 12px 16px; }
.bc-fig { padding: 2px 6px; border-radius: 4px; font-weight: 600; }
.bc-fig sup { font-size: .7em; margin-left: 2px; }
.bc-supported { background: #dcfce7; color: #14532d; border: 1px solid #16a34a; }
.bc-refuted { background: #fee2e2; color: #7f1d1d; border: 1px solid #dc2626; }
.bc-not_found { background: #fef3c7; color: #78350f; border: 1px solid #d97706; }
.bc-summary { font-size: 1.1rem; margin: 6px 0; }
.bc-count { padding: 1px 8px; border-radius: 10px; font-weight: 600; }
.bc-badge { display: inline-block; padding: 2px 10px; border-radius: 12px; font-weight: 700; font-size: .9rem;
  white-space: nowrap; }

.bc-table { width: 100%; border-collapse: collapse; font-size: .95rem; margin: 6px 0; background: #fff; }
.bc-table th { text-align: left; background: #e2e8f0; color: #1e293b; padding: 8px 10px;
  border: 1px solid #cbd5e1 !important; }
.bc-table td { border: 1px solid #e2e8f0 !important; padding: 8px 10px; vertical-align: top; }
.bc-table .bc-num { text-align: right; width: 2.5em; }
.bc-table .bc-val { font-weight: 700; white-space: nowrap; }
.bc-table .bc-nowrap { white-space: nowrap; }
.bc-table .bc-file { color: #475569; word-break: break-all; }
.bc-expl { color: #475569; font-size: .85rem; margin-top: 4px; }
.bc-quote { color: #334155; font-size: .9rem; margin: 4px 0; }
.bc-src .bc-doc { font-size: .9rem; }
.bc-st-added, .bc-st-updated { background: #dcfce7; color: #14532d; }
.bc-st-unchanged { background: #e2e8f0; color: #334155; }
.bc-st-failed { background: #fee2e2; color: #7f1d1d; }
.bc-section { font-size: 1.15rem; font-weight: 700; color: #1e3a8a; margin-top: 8px; }
.bc-hint { color: #475569; font-size: .92rem; }
.bc-empty, .bc-muted { color: #64748b; }
/* Gradio titles its toasts with their type in English ("Warning", "Error"), whatever title is given */
.toast-title.warning, .toast-title.error { font-size: 0 !important; }
.toast-title.warning::before { content: "Lưu ý"; font-size: 1rem; }
.toast-title.error::before { content: "Lỗi"; font-size: 1rem; }
.bc-done { background: #dcfce7; color: #14532d; padding: 8px 12px; border-radius: 8px; }
"""
