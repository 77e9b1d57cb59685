"""The Gradio page: three tabs, Hỏi đáp, Kiểm chứng phát biểu, Tài liệu.

Callbacks stay thin: they call the engine or the library, and ``ui.render`` turns the records into
HTML. Library errors become a Vietnamese ``gr.Error``; a missing input is a warning that leaves the
page as it was; anything else is a bug that Gradio reports as a generic error
(``show_error=False``), with the traceback only in the server log.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from baocao.errors import BaocaoError, LoadError, LockedError, StoreError
from baocao.settings import Settings
from ingest import SUPPORTED_EXTENSIONS
from qa import Engine
from qa.report import markdown_report
from ui import render
from ui.api import MAX_HISTORY, MAX_SPEECH_CHARS
from ui.library import SPEECH_EXTENSIONS, Library, read_speech
from ui.session import COOKIE, Sessions

__all__ = ["EXAMPLE_QUESTIONS", "build_page"]

EXAMPLE_QUESTIONS = (
    "Cho thuê đất bao nhiêu ha?",
    "Tỷ lệ thu gom chất thải rắn sinh hoạt đạt bao nhiêu?",
    "Sở đã thực hiện bao nhiêu cuộc thanh tra?",
    "how many hectares were leased",
)
EXAMPLE_SPEECH = (
    "Trong 9 tháng đầu năm 2021, Sở đã cho thuê đất 22 tổ chức với diện tích 66,4 ha. "
    "Tỷ lệ thu gom chất thải rắn sinh hoạt đạt 99%."
)
_PRIVATE: dict[str, Any] = {"api_visibility": "private"}  # the page's events are not an API: /api/* is


def _error(exc: BaocaoError) -> gr.Error:
    """A library error in words for the page."""
    if isinstance(exc, LockedError):
        message = (
            "Kho tài liệu đang được một chương trình khác cập nhật (ví dụ lệnh baocao ingest). "
            "Vui lòng thử lại sau ít phút."
        )
    elif isinstance(exc, LoadError):
        message = f"Không đọc được tệp: {exc.reason}. {exc.fix}."
    elif isinstance(exc, StoreError):
        message = f"Lỗi kho tài liệu: {exc}"
    else:
        message = f"Không xử lý được yêu cầu: {exc}"
    return gr.Error(message, title="Lỗi", print_exception=False)


def _warn(message: str) -> None:
    """Tell the user what is missing; the event then changes nothing (``gr.skip()``)."""
    gr.Warning(message, title="Lưu ý")


def build_page(
    settings: Settings, engine: Engine, library: Library, *, sessions: Sessions | None = None
) -> gr.Blocks:
    """The Blocks of the page (not yet mounted; ``ui.app`` mounts it with the theme and CSS)."""
    with gr.Blocks(
        title="baocao — Hỏi đáp và kiểm chứng số liệu báo cáo",
        analytics_enabled=False,
        delete_cache=(600, 3600),  # uploads nobody ingested leave within the hour
    ) as page:
        header = gr.HTML(_header(None, 0), elem_id="bc-header")
        with gr.Tabs(elem_id="bc-tabs"):
            with gr.Tab("Hỏi đáp", id="ask", elem_id="bc-tab-ask"):
                _ask_tab(settings, engine)
            with gr.Tab("Kiểm chứng phát biểu", id="check", elem_id="bc-tab-check"):
                _check_tab(settings, engine, library)
            with gr.Tab("Tài liệu", id="docs", elem_id="bc-tab-docs") as docs_tab:
                docs_html, choose, changes = _documents_tab(settings, library)

        def on_load(request: gr.Request) -> tuple[str, str, Any]:
            user = sessions.user_of(request.cookies.get(COOKIE)) if sessions else None
            records = library.documents()
            return _header(user, len(records)), render.documents_table(records), _choices(library)

        page.load(on_load, outputs=[header, docs_html, choose], **_PRIVATE)
        docs_tab.select(on_load, outputs=[header, docs_html, choose], **_PRIVATE)
        for change in changes:  # the header's document count follows uploads and removals
            change.then(on_load, outputs=[header, docs_html, choose], **_PRIVATE)
    return page


def _header(user: str | None, documents: int) -> str:
    who = f"<span class='bc-user'>{html.escape(user)} · <a href='logout'>Đăng xuất</a></span>" if user else ""
    count = f"Kho hiện có <b>{documents}</b> tài liệu" if documents else "Kho chưa có tài liệu nào"
    return (
        "<div class='bc-header'><div><div class='bc-title'>Hỏi đáp và kiểm chứng số liệu báo cáo</div>"
        f"<div class='bc-sub'>{count}. Mọi câu trả lời đều kèm câu trích từ báo cáo gốc.</div></div>{who}</div>"
    )


# -- Hỏi đáp ------------------------------------------------------------------------------------


def _ask_tab(settings: Settings, engine: Engine) -> None:
    chat = gr.Chatbot(
        label="Hội thoại",
        show_label=False,
        height="58vh",
        min_height=320,
        layout="panel",
        autoscroll=False,  # ui.style.SCRIPT shows each new answer from its top
        buttons=["copy"],
        feedback_options=None,
        elem_id="bc-chat",
        placeholder=(
            "<div class='bc-placeholder'><b>Hỏi về số liệu trong các báo cáo.</b><br>"
            "Câu trả lời hiện số liệu, kèm câu trích dẫn và tên báo cáo. "
            "Có thể hỏi tiếp, ví dụ “Còn giao đất thì sao?”.</div>"
        ),
    )
    conversation = gr.State([])  # the chat's messages, kept on the server
    asked = gr.State([])  # the questions so far, oldest first: a follow-up leans on them
    with gr.Row(equal_height=True):
        box = gr.Textbox(
            show_label=False,
            placeholder="Nhập câu hỏi rồi bấm Enter, ví dụ: Cho thuê đất bao nhiêu ha?",
            max_length=settings.max_question_chars,
            autofocus=True,
            scale=8,
            elem_id="bc-question",
        )
        send = gr.Button("Hỏi", variant="primary", scale=0, min_width=110, elem_id="bc-send")
        new = gr.Button("Cuộc hỏi mới", scale=0, min_width=180, elem_id="bc-new")
    with gr.Row(elem_classes="bc-examples"):
        gr.HTML("<span class='bc-examples-label'>Câu hỏi mẫu:</span>", padding=False)
        examples = [gr.Button(q, size="sm", elem_classes="bc-example") for q in EXAMPLE_QUESTIONS]

    def ask(question: str, messages: list[dict[str, str]], history: list[str]) -> Iterator[tuple[Any, ...]]:
        # with an LLM set, its answer is shown sentence by sentence as each one is verified; the
        # last update is the verified draft, or the extractive answer with a notice
        question = (question or "").strip()
        if not question:
            yield messages, messages, history, ""
            return
        asked_so_far = [*messages, {"role": "user", "content": render.question_text(question)}]
        answer = None
        # the box is emptied once, with the first update: what the user types next, while the
        # answer is still being written, is not wiped by a later update
        cleared: Any = ""
        try:
            for answer in engine.ask_stream(question, history=history[-MAX_HISTORY:]):
                shown = [*asked_so_far, {"role": "assistant", "content": render.answer_html(answer)}]
                yield shown, shown, history, cleared
                cleared = gr.skip()
        except BaocaoError as exc:
            raise _error(exc) from None
        if answer is not None:
            # a follow-up of a follow-up leans on the question as it was understood
            yield shown, shown, [*history, answer.interpreted_as or question], cleared

    outputs = [chat, conversation, asked, box]
    box.submit(ask, [box, conversation, asked], outputs, **_PRIVATE)
    send.click(ask, [box, conversation, asked], outputs, **_PRIVATE)
    for button, question in zip(examples, EXAMPLE_QUESTIONS, strict=True):

        def ask_example(
            messages: list[dict[str, str]], history: list[str], q: str = question
        ) -> Iterator[tuple[Any, ...]]:
            yield from ask(q, messages, history)

        button.click(ask_example, [conversation, asked], outputs, **_PRIVATE)
    new.click(lambda: ([], [], [], ""), None, outputs, **_PRIVATE)
    # the chat's own "clear" button empties the view; the conversation starts over with it
    chat.clear(lambda: ([], []), None, [conversation, asked], **_PRIVATE)


# -- Kiểm chứng phát biểu -----------------------------------------------------------------------


def _check_tab(settings: Settings, engine: Engine, library: Library) -> None:
    speech_chars = min(settings.max_speech_chars, MAX_SPEECH_CHARS)
    with gr.Row():
        with gr.Column(scale=3):
            speech = gr.Textbox(
                label="Bài phát biểu",
                lines=7,
                max_lines=18,
                max_length=speech_chars,
                placeholder="Dán nội dung bài phát biểu vào đây. Mọi số liệu trong bài sẽ được đối chiếu với các báo cáo.",
                elem_id="bc-speech-input",
            )
        with gr.Column(scale=2, min_width=260):
            upload = gr.File(
                label="Hoặc tải lên tệp .txt / .docx",
                file_types=list(SPEECH_EXTENSIONS),
                type="filepath",
                height=140,
                elem_id="bc-speech-file",
            )
            check = gr.Button("Kiểm chứng", variant="primary", elem_id="bc-check")
            sample = gr.Button("Điền bài phát biểu mẫu", size="sm", elem_id="bc-sample")
    summary = gr.HTML(elem_id="bc-summary")
    marked = gr.HTML(elem_id="bc-speech-marked")
    table = gr.HTML(elem_id="bc-verdicts")
    with gr.Row():
        md_file = gr.DownloadButton("Tải báo cáo (Markdown)", visible=False, elem_id="bc-download-md")
        json_file = gr.DownloadButton("Tải kết quả (JSON)", visible=False, elem_id="bc-download-json")

    def read_upload(path: str | None) -> tuple[Any, None]:
        if not path:
            return gr.skip(), None
        file = Path(path)
        try:
            if file.suffix.lower() not in SPEECH_EXTENSIONS:
                _warn("Chỉ nhận bài phát biểu dạng tệp .txt hoặc .docx.")
                return gr.skip(), None
            return read_speech(file, settings), None
        except BaocaoError as exc:
            raise _error(exc) from None
        finally:
            file.unlink(missing_ok=True)  # the speech is in the textbox now; keep no copy

    def run_check(text: str) -> tuple[Any, ...]:
        text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
        if not text.strip():
            _warn("Hãy dán hoặc tải lên bài phát biểu trước.")
            return (gr.skip(),) * 5
        try:
            verdicts = engine.check(text)
        except BaocaoError as exc:
            raise _error(exc) from None
        folder = library.report_dir()
        md_path = folder / "kiem-chung-phat-bieu.md"
        md_path.write_text(markdown_report(verdicts), encoding="utf-8")
        json_path = folder / "kiem-chung-phat-bieu.json"
        json_path.write_text(
            json.dumps([v.as_json() for v in verdicts], ensure_ascii=False, indent=2), encoding="utf-8"
        )
        shown = render.legend_html() + render.speech_html(text, verdicts) if verdicts else ""
        return (
            render.verdict_summary(verdicts),
            shown,
            render.verdicts_table(verdicts),
            gr.DownloadButton(value=str(md_path), visible=True),
            gr.DownloadButton(value=str(json_path), visible=True),
        )

    upload.upload(read_upload, [upload], [speech, upload], **_PRIVATE)
    check.click(run_check, [speech], [summary, marked, table, md_file, json_file], **_PRIVATE)
    sample.click(lambda: EXAMPLE_SPEECH, None, [speech], **_PRIVATE)


# -- Tài liệu -----------------------------------------------------------------------------------


def _choices(library: Library) -> Any:
    choices = [(f"{r.title or r.filename} ({r.filename})", r.doc_id) for r in library.documents()]
    return gr.Dropdown(choices=choices, value=None)


def _documents_tab(
    settings: Settings, library: Library
) -> tuple[gr.HTML, gr.Dropdown, list[gr.events.Dependency]]:
    extensions = " ".join(SUPPORTED_EXTENSIONS)
    gr.HTML(
        f"<div class='bc-section'>Tải báo cáo lên</div><div class='bc-hint'>Nhận các tệp {extensions}, "
        f"tối đa {settings.max_upload_mb:g} MB mỗi tệp. Tải lên bản mới của một tệp cùng tên sẽ thay bản cũ.</div>",
        padding=False,
    )
    files = gr.File(
        label="Chọn hoặc kéo thả báo cáo",
        file_count="multiple",
        file_types=list(SUPPORTED_EXTENSIONS),
        type="filepath",
        height=150,
        elem_id="bc-upload",
    )
    ingest = gr.Button("Nạp vào kho", variant="primary", elem_id="bc-ingest")
    results = gr.HTML(elem_id="bc-ingest-results")
    gr.HTML("<div class='bc-section'>Tài liệu trong kho</div>", padding=False)
    docs = gr.HTML(elem_id="bc-documents")
    with gr.Row(equal_height=True):
        choose = gr.Dropdown(
            label="Chọn tài liệu cần xoá", choices=[], value=None, scale=4, elem_id="bc-remove-choice"
        )
        remove = gr.Button("Xoá tài liệu", variant="stop", scale=1, elem_id="bc-remove")
    removed = gr.HTML(elem_id="bc-removed")

    def run_ingest(paths: list[str] | None, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        if not paths:
            _warn("Hãy chọn ít nhất một tệp để tải lên.")
            return gr.skip(), gr.skip()

        def report(done: int, total: int, name: str) -> None:
            progress((done, total), desc=f"Đang nạp {name}" if name else "Xong", unit="tệp")

        try:
            outcome = library.ingest([Path(p) for p in paths], progress=report)
        except BaocaoError as exc:
            raise _error(exc) from None
        return render.ingest_table(outcome), None

    def run_remove(doc_id: str | None) -> Any:
        if not doc_id:
            _warn("Hãy chọn tài liệu cần xoá.")
            return gr.skip()
        try:
            record = library.remove(doc_id)
        except BaocaoError as exc:
            raise _error(exc) from None
        note = (
            f"<div class='bc-done'>Đã xoá “{html.escape(record.title or record.filename)}” "
            f"({record.chunks} câu).</div>"
        )
        return note

    ingested = ingest.click(
        run_ingest,
        [files],
        [results, files],
        concurrency_limit=1,
        concurrency_id="library",
        **_PRIVATE,
    )
    removed_event = remove.click(
        run_remove,
        [choose],
        [removed],
        concurrency_limit=1,
        concurrency_id="library",
        **_PRIVATE,
    )
    # build_page refreshes the list, the choices and the header after each change
    return docs, choose, [ingested, removed_event]
