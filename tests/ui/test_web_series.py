"""A series question in a real browser, over the fictional department's reports of 2024-2025: the
answer shows the figures of every quarter as a line chart and a table, and a point of the chart
opens the report at the sentence that states it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from playwright.sync_api import Page, expect

from baocao.settings import Settings
from ingest import Index
from qa import Engine
from tests.ui.conftest import Serve
from tests.ui.test_web_browser import _ask, _open, _shot, browser, page  # noqa: F401  (fixtures)
from ui.app import build_app

pytestmark = [
    pytest.mark.filterwarnings("ignore:'future.no_silent_downcasting' is deprecated"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]


@pytest.fixture(scope="module")
def periods_url(periods_settings: Settings, cached_embedder, serve: Serve) -> Iterator[str]:  # type: ignore[no-untyped-def]
    engine = Engine(Index.open(periods_settings, embedder=cached_embedder), periods_settings)
    app: FastAPI = build_app(periods_settings, engine)
    with serve(app) as url:
        yield url


def test_a_series_is_charted_and_each_point_opens_its_source(page: Page, periods_url: str, screenshots: Path) -> None:  # noqa: F811
    _open(page, periods_url)
    _ask(page, "Diện tích cho thuê đất qua các quý năm 2025")
    answer = page.locator("#bc-chat .bc-answer").last
    chart = answer.locator("svg.bc-chart")
    expect(chart).to_be_visible()
    expect(chart.locator("a.bc-point")).to_have_count(3)
    rows = answer.locator("table.bc-series tr")
    expect(rows).to_have_count(4)  # the header and three quarters
    expect(rows.nth(1)).to_contain_text("Quý I/2025")
    expect(rows.nth(3)).to_contain_text("35,40 ha")
    _shot(page, screenshots, "5-chuoi-so-lieu")
    # the third point's citation (the chart's points link to it as well, where the page keeps
    # links inside SVG)
    with page.context.expect_page() as opened:
        rows.nth(3).locator("a.bc-open").click()
    report = opened.value
    report.wait_for_load_state()
    mark = report.locator("mark#bc-hl")
    expect(mark).to_contain_text("35,40 ha")
    expect(mark).to_be_in_viewport()
