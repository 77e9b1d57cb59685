"""The chat with an LLM set, in a real browser: a free-text question answered by the LLM's
verified draft with numbered sources, and a draft with an invented figure replaced by the
extractive answer and a notice. The LLM is the stand-in server of ``tests/qa/llm_server.py``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from playwright.sync_api import Page, expect

from baocao.settings import Settings
from ingest import Index
from qa import Engine
from tests.qa.llm_server import llm_server, passage_lines
from tests.ui.conftest import Serve
from tests.ui.test_web_browser import _ask, _open, _shot, browser, page  # noqa: F401 - fixtures
from ui.app import build_app

DIFFICULTIES = "Những khó khăn, vướng mắc là gì?"


def write(prompt: str) -> str:
    """A summary citing what the passages hold; for the leasing question, an invented figure."""
    lines = passage_lines(prompt)
    if "cho thuê đất" in prompt.split("Câu hỏi:")[-1].lower():
        n = next(n for n, line in lines.items() if "cho thuê đất 22 tổ chức" in line)
        return f"Sở đã cho thuê đất 86,4 ha [{n}]."
    covid = next(n for n, line in lines.items() if "Covid" in line or "dịch bệnh" in line)
    others = [n for n in lines if n != covid][:1]
    rest = f" Ngoài ra, các đoạn trích còn nêu những vướng mắc khác [{others[0]}]." if others else ""
    return (
        "Khó khăn chính là dịch bệnh Covid kéo dài và giãn cách xã hội, làm tạm ngưng đo đạc, kiểm đếm "
        f"và hoãn một số cuộc thanh tra [{covid}].{rest}"
    )


@pytest.fixture(scope="module")
def llm_url(ui_settings: Settings, serve: Serve, cached_embedder, ui_engine: Engine) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with llm_server(write) as server:
        settings = ui_settings.replace(llm=f"openai:http://127.0.0.1:{server.server_address[1]}/v1#test")
        engine = Engine(Index.open(settings, embedder=cached_embedder), settings)
        app: FastAPI = build_app(settings, engine)
        with serve(app) as url:
            yield url


def test_a_free_text_question_gets_a_verified_draft_with_sources(page: Page, llm_url: str, screenshots: Path) -> None:  # noqa: F811
    _open(page, llm_url)
    _ask(page, DIFFICULTIES)
    answer = page.locator("#bc-chat .bc-answer").last
    expect(answer.locator(".bc-generated")).to_contain_text("Khó khăn chính là dịch bệnh Covid")
    expect(answer.locator(".bc-generated")).to_contain_text("[1]")
    expect(answer.locator(".bc-cite-number").first).to_have_text("[1]")
    expect(answer.locator(".bc-cite").first).to_contain_text("Covid")
    _shot(page, screenshots, "5-tra-loi-llm")

    # an invented figure never shows: the report's own figure and a notice instead
    _ask(page, "Cho thuê đất bao nhiêu ha?")
    refused = page.locator("#bc-chat .bc-answer").last
    expect(refused.locator(".bc-figure")).to_have_text("66,4 ha")
    expect(refused.locator(".bc-notice")).to_contain_text("không kiểm chứng được")
    expect(refused).not_to_contain_text("86,4")
    _shot(page, screenshots, "5b-llm-bi-tu-choi")
