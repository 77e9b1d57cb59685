"""The web app over the reference report: one index per session, apps served by uvicorn in a thread.

Each app empties ``<data_dir>/tmp`` and points Gradio's process-wide temporary folder at it, so the
apps of different test modules run one after the other (module-scoped), never side by side.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from baocao.settings import Settings
from ingest import Index
from qa import Engine
from tests.conftest import ROOT, free_port
from ui.app import build_app
from ui.auth import Users, add_user

CORPUS = ROOT / "corpus"
SCREENSHOTS = ROOT / ".cache" / "screenshots"
USER, PASSWORD = "chuyenvien", "mat-khau-thu-nghiem"
Serve = Callable[[FastAPI], AbstractContextManager[str]]


@pytest.fixture(scope="session")
def ui_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings over a session data dir, with an auth file of one user (used only by auth apps)."""
    root = tmp_path_factory.mktemp("ui")
    auth_file = root / "secrets" / "users"
    add_user(auth_file, USER, PASSWORD)
    return Settings(data_dir=root / "data", progress=False, auth_file=auth_file)


@pytest.fixture(scope="session")
def ui_engine(ui_settings: Settings, cached_embedder) -> Engine:  # type: ignore[no-untyped-def]
    """The reference report, indexed once for every web test."""
    with Index.open(ui_settings, writable=True, embedder=cached_embedder) as index:
        assert index.ingest([CORPUS]).failed == []
    return Engine(Index.open(ui_settings, embedder=cached_embedder), ui_settings)


@pytest.fixture(scope="session")
def users(ui_settings: Settings) -> Users:
    assert ui_settings.auth_file is not None
    return Users.load(ui_settings.auth_file)


@contextmanager
def _running(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 in a thread; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the web app did not start within 30 s")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@pytest.fixture(scope="session")
def serve() -> Serve:
    """``with serve(app) as base_url: ...``"""
    return _running


@pytest.fixture(scope="module")
def open_app(ui_settings: Settings, ui_engine: Engine) -> FastAPI:
    """The app without login (as on 127.0.0.1 without an auth file)."""
    return build_app(ui_settings, ui_engine)


@pytest.fixture(scope="module")
def open_url(open_app: FastAPI, serve: Serve) -> Iterator[str]:
    with serve(open_app) as url:
        yield url


@pytest.fixture(scope="module")
def auth_app(ui_settings: Settings, ui_engine: Engine, users: Users) -> FastAPI:
    """The app with login required."""
    return build_app(ui_settings, ui_engine, users=users)


@pytest.fixture(scope="module")
def auth_url(auth_app: FastAPI, serve: Serve) -> Iterator[str]:
    with serve(auth_app) as url:
        yield url


def _login(base_url: str) -> httpx.Client:
    client = httpx.Client(base_url=base_url, timeout=30)
    response = client.post("/login", data={"name": USER, "password": PASSWORD, "next": "/"})
    assert response.status_code == 303, response.text
    assert "baocao_session" in client.cookies
    return client


@pytest.fixture(scope="session")
def login() -> Callable[[str], httpx.Client]:
    """``login(base_url)`` -> an httpx client holding a session cookie."""
    return _login


@pytest.fixture(scope="session")
def credentials() -> tuple[str, str]:
    return USER, PASSWORD


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where the browser tests write their screenshots (ignored by git)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
