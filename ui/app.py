"""One process, one app: the JSON API, the document page, the login, and the Gradio page on ``/``.

``build_app(settings, engine)`` assembles it (tests serve it with uvicorn in a thread);
``serve(settings, host=..., port=...)`` is ``baocao serve``.

What protects what:

- with an auth file, ``ui.session.SessionGate`` sits in front of every route but ``/login`` and
  ``/health``;
- ``_Guard`` lets Gradio's file routes serve only what lies in ``<data_dir>/tmp`` (its uploads
  and our report downloads), and closes the Gradio routes the page does not use (the URL proxy,
  run history, monitoring, the REST call routes): the index, the auth file, anything else on disk
  is unreachable whatever Gradio's own checks would allow;
- a ``CORSMiddleware`` with no allowed origin, so that Gradio adds no CORS headers of its own
  (it would echo any origin when the host is not localhost): foreign pages get nothing.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import sys
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from baocao.errors import SettingsError
from baocao.settings import Settings
from ingest.formats import BYTES_PER_MB
from qa import Engine
from ui import render
from ui.api import MAX_BODY_BYTES, api_router, install_error_handlers
from ui.auth import Users
from ui.library import Library, clean_dir, temp_dir
from ui.session import SessionGate, Sessions, login_router

__all__ = ["LOOPBACK_HOSTS", "build_app", "is_loopback", "serve"]

log = logging.getLogger("baocao.ui")

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})
# Gradio routes the page never calls: a URL fetcher, history synced to a cloud bucket, dev tools,
# and the REST routes that would call the page's functions outside the queue (/api/* is the API)
_CLOSED_PREFIXES = (
    "/gradio_api/proxy=",
    "/gradio_api/run-history",
    "/gradio_api/runs",
    "/runs",
    "/gradio_api/vibe",
    "/gradio_api/undo-vibe",
    "/gradio_api/monitoring",
    "/monitoring",
    "/gradio_api/profiling",
    "/gradio_api/process_recording",
    "/gradio_api/dev/",
    "/gradio_api/mcp",
    "/gradio_api/custom_component",
    "/gradio_api/call/",
    "/gradio_api/run/",
    "/gradio_api/api/",
    "/gradio_api/stream/",
)
_FILE_PREFIXES = ("/gradio_api/file=", "/gradio_api/file/")
# no page of ours may be framed by another site (clickjacking), nor sniffed into another type
_SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
_DOC_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` keeps the server on this machine (127.0.0.0/8, ::1, localhost)."""
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class _Guard:
    """ASGI middleware: Gradio's file routes serve only files inside ``allowed``; unused routes are
    closed; API bodies over ``MAX_BODY_BYTES`` are refused (as JSON) before they are read; every
    response says it may not be framed or type-sniffed."""

    def __init__(self, app: ASGIApp, allowed: Path, hidden: tuple[Path, ...]) -> None:
        self.app = app
        self.allowed = allowed
        self.hidden = hidden

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path: str = scope["path"]
            file = next((path[len(p) :] for p in _FILE_PREFIXES if path.startswith(p)), None)
            refused = path.startswith(_CLOSED_PREFIXES) or (file is not None and not self._servable(file))
            if refused:
                await _json_error(scope, receive, send, 404, "not found")
                return
            if path.startswith("/api/") and _content_length(scope) > MAX_BODY_BYTES:
                message = f"request body over {MAX_BODY_BYTES // (1024 * 1024)} MB; send less text at a time"
                await _json_error(scope, receive, send, 413, message)
                return

            async def send_with_headers(message: Message) -> None:
                if message["type"] == "http.response.start":
                    MutableHeaders(scope=message).update(_SECURITY_HEADERS)
                await send(message)

            await self.app(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send)

    def _servable(self, target: str) -> bool:
        if "://" in target or target.startswith("//"):
            return False  # Gradio would fetch a URL on the caller's behalf
        try:
            resolved = Path(os.path.realpath(os.path.join(os.getcwd(), target)))
        except (OSError, ValueError):
            return False
        return resolved.is_relative_to(self.allowed) and not any(
            resolved.is_relative_to(h) for h in self.hidden
        )


def _content_length(scope: Scope) -> int:
    for key, value in scope.get("headers", []):
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0  # malformed: the server rejects it, and FastAPI's own limit still counts bytes
    return 0


async def _json_error(scope: Scope, receive: Receive, send: Send, status: int, message: str) -> None:
    response = Response(json.dumps({"error": message}), status_code=status, media_type="application/json")
    await response(scope, receive, send)


def build_app(settings: Settings, engine: Engine, *, users: Users | None = None) -> FastAPI:
    """The whole web app over one engine.

    Gradio's temporary folder becomes ``<data_dir>/tmp``, emptied here. Gradio reads that folder
    from the process environment, so one process serves one app (as ``serve`` does).

    Args:
        settings: ``data_dir``, ``max_upload_mb``, ``concurrency``, ``max_question_chars``, ...
        engine: the question-answering engine (its index opened read-only).
        users: the users who may log in; ``None`` serves without login.
    """
    tmp = temp_dir(settings)
    clean_dir(tmp)
    os.environ["GRADIO_TEMP_DIR"] = str(tmp)  # before any Gradio component or app is created
    import gradio as gr

    from ui.page import build_page
    from ui.style import CSS, GRADIO_STRINGS, SCRIPT, theme

    library = Library(settings, engine)
    sessions = Sessions(users) if users is not None else None
    app = FastAPI(
        title="baocao",
        summary="Hỏi đáp và kiểm chứng số liệu trên báo cáo của cơ quan nhà nước",
        description="Ask questions of Vietnamese government reports and check a speech's figures against them. "
        'Errors are `{"error": message}`. With an auth file, log in at `/login` (form fields '
        "`name`, `password`) and send the session cookie, or send HTTP Basic credentials.",
        version="1",
        redoc_url=None,
    )
    install_error_handlers(app)
    app.include_router(api_router(settings, engine))
    if sessions is not None:
        app.include_router(login_router(sessions))

    @app.get("/doc/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
    def document(doc_id: str, start: int = -1, end: int = -1) -> HTMLResponse:
        record = engine.index.manifest().get(doc_id)
        if record is None:
            page = "<!doctype html><meta charset='utf-8'><p>Không tìm thấy tài liệu này; có thể nó đã bị xoá.</p>"
            return HTMLResponse(page, status_code=404, headers=_DOC_HEADERS)
        text = engine.index.store.document_text(doc_id)
        return HTMLResponse(render.document_page(record, text, start, end), headers=_DOC_HEADERS)

    page = build_page(settings, engine, library, sessions=sessions)
    page.queue(default_concurrency_limit=settings.concurrency, max_size=64)
    hidden = (tmp / "uploads",)  # staged copies of reports being ingested
    blocked = [str(p.resolve()) for p in settings.data_dir.iterdir() if p.resolve() != tmp]
    if settings.auth_file is not None:
        blocked.append(str(settings.auth_file.resolve()))
    gr.mount_gradio_app(
        app,
        page,
        path="/",
        allowed_paths=[],
        blocked_paths=blocked,
        max_file_size=int(settings.max_upload_mb * BYTES_PER_MB),
        footer_links=[],
        run_history=False,
        show_error=False,
        ssr_mode=False,
        mcp_server=False,
        pwa=False,
        i18n=gr.I18n(en=GRADIO_STRINGS, vi=GRADIO_STRINGS),
        theme=theme(),
        css=CSS,
        js=SCRIPT,
    )
    # added last = outermost: the gate runs first, then the file guard, then CORS
    app.add_middleware(CORSMiddleware, allow_origins=[], allow_credentials=False)
    app.add_middleware(_Guard, allowed=tmp, hidden=hidden)
    if sessions is not None:
        app.add_middleware(SessionGate, sessions=sessions)
    return app


def serve(settings: Settings, *, host: str = "127.0.0.1", port: int = 7860, no_auth: bool = False) -> None:
    """Serve the page and the API until interrupted (``baocao serve``).

    Raises:
        SettingsError: ``host`` is not loopback and there is neither an auth file nor ``no_auth``;
            or the auth file cannot be used.
    """
    users = None
    if not no_auth and settings.auth_file is not None:
        users = Users.load(settings.auth_file)
    elif not no_auth and not is_loopback(host):
        raise SettingsError(
            f"refusing to serve on {host} without a login: anyone who can reach it could read and change "
            "the reports. Add a user with 'baocao users add NAME --auth-file FILE' and pass --auth-file FILE "
            "(or set BAOCAO_AUTH_FILE), serve on 127.0.0.1, or pass --no-auth to go without login on purpose"
        )
    import uvicorn

    engine = Engine.from_settings(settings)
    app = build_app(settings, engine, users=users)
    access = f"login required, {len(users.names)} user(s)" if users else "no login"
    print(f"baocao: serving http://{host}:{port}/ ({access}); Ctrl+C to stop", file=sys.stderr)
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False, proxy_headers=False)
