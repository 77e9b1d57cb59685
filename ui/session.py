"""Login sessions: a signed cookie, the login page, and the gate every request passes.

With an auth file, every route but ``/login`` and ``/health`` needs a session: the page, the JSON
API, Gradio's file, upload and queue routes alike. The gate is one ASGI middleware in front of
everything, so a route added later (or one Gradio adds) is protected without anyone remembering to.
Scripts may instead send HTTP Basic credentials to ``/api/*``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import html
import json
import secrets
import threading
import time
from collections import deque
from http.cookies import CookieError, SimpleCookie
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from ui.auth import Users

__all__ = ["COOKIE", "SessionGate", "Sessions", "login_router"]

COOKIE = "baocao_session"
PUBLIC_PATHS = frozenset({"/login", "/health"})
_SESSION_HOURS = 12
_FAILURES_ALLOWED = 10  # failed logins per client address ...
_FAILURE_WINDOW_S = 300  # ... within this many seconds, before it must wait


class Sessions:
    """Issues and checks session tokens: ``base64(name|expiry).hmac``, signed with a per-process key.

    The key lives only in memory, so restarting the server logs everyone out; that is the price of
    never writing a secret to disk.
    """

    def __init__(self, users: Users, *, hours: float = _SESSION_HOURS) -> None:
        self.users = users
        self.max_age_s = int(hours * 3600)
        self._key = secrets.token_bytes(32)
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def issue(self, name: str) -> str:
        """A token for ``name``, valid for the session length."""
        payload = f"{name}|{int(time.time()) + self.max_age_s}".encode()
        body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
        return f"{body}.{self._sign(body)}"

    def user_of(self, token: str | None) -> str | None:
        """The user a token belongs to, or ``None`` when it is missing, forged, or expired."""
        if not token or token.count(".") != 1:
            return None
        body, signature = token.split(".")
        if not hmac.compare_digest(signature, self._sign(body)):
            return None
        try:
            payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
            name, expiry = payload.rsplit("|", 1)
            if int(expiry) < time.time():
                return None
        except (ValueError, binascii.Error, UnicodeDecodeError):
            return None
        return name if name in self.users else None

    def user_of_basic(self, client: str, header: str | None) -> str | None:
        """The user of an ``Authorization: Basic`` header whose password checks out.

        Wrong passwords count against the client as on the login form; a client that failed too
        often gets ``None`` whatever it sends, until it has waited.
        """
        if not header or not header.lower().startswith("basic "):
            return None
        try:
            name, _, password = base64.b64decode(header[6:].strip(), validate=True).decode().partition(":")
            return name if self._check(client, name, password) else None
        except (ValueError, binascii.Error, UnicodeDecodeError, PermissionError):
            return None

    def login(self, client: str, name: str, password: str) -> str | None:
        """A token when the password is right; ``None`` when wrong.

        Raises:
            PermissionError: this client failed too often lately and must wait.
        """
        return self.issue(name) if self._check(client, name, password) else None

    def _check(self, client: str, name: str, password: str) -> bool:
        now = time.monotonic()
        with self._lock:
            failures = self._failures.setdefault(client, deque())
            while failures and now - failures[0] > _FAILURE_WINDOW_S:
                failures.popleft()
            if len(failures) >= _FAILURES_ALLOWED:
                raise PermissionError(client)
        if self.users.verify(name, password):
            return True
        with self._lock:
            self._failures.setdefault(client, deque()).append(now)
        return False

    def _sign(self, body: str) -> str:
        return hmac.new(self._key, body.encode(), hashlib.sha256).hexdigest()


def _cookies(scope: Scope) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except CookieError:
                return {}  # a malformed cookie header is no session
    return {k: m.value for k, m in jar.items()}


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


class SessionGate:
    """ASGI middleware: lets a request through only with a valid session (or to a public path).

    Refused requests get 401 JSON, except page loads (GET asking for HTML), which are redirected
    to the login page.
    """

    def __init__(self, app: ASGIApp, sessions: Sessions) -> None:
        self.app = app
        self.sessions = sessions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        user = self.sessions.user_of(_cookies(scope).get(COOKIE))
        if user is None and path.startswith("/api/"):
            client = scope["client"][0] if scope.get("client") else "?"
            user = self.sessions.user_of_basic(client, _header(scope, b"authorization"))
        if user is not None or path in PUBLIC_PATHS:
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        await _refuse(scope, receive, send)


async def _refuse(scope: Scope, receive: Receive, send: Send) -> None:
    path: str = scope["path"]
    accept = _header(scope, b"accept") or ""
    is_page = (
        scope["method"] == "GET" and "text/html" in accept and not path.startswith(("/api/", "/gradio_api/"))
    )
    response: Response
    if is_page:
        target = path + (f"?{scope['query_string'].decode('latin-1')}" if scope.get("query_string") else "")
        root = scope.get("root_path", "")
        response = RedirectResponse(f"{root}/login?next={quote(target, safe='')}", status_code=303)
    else:
        body = {"error": "login required: POST /login with name and password, then send the session cookie"}
        response = Response(
            json.dumps(body),
            status_code=401,
            media_type="application/json",
            headers={"WWW-Authenticate": 'Basic realm="baocao"'} if path.startswith("/api/") else None,
        )
    await response(scope, receive, send)


def _safe_next(target: str | None) -> str:
    # only a path on this site: "//evil.example" or "https://..." would be an open redirect
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def login_router(sessions: Sessions) -> APIRouter:
    """``GET /login`` (the form), ``POST /login`` (sets the cookie) and ``GET /logout``."""
    router = APIRouter(include_in_schema=False)

    @router.get("/login", response_class=HTMLResponse)
    def login_form(next: str = "/") -> HTMLResponse:
        return HTMLResponse(login_page(next=_safe_next(next)), headers=_PAGE_HEADERS)

    @router.post("/login")
    async def login(request: Request) -> Response:
        form = await request.form()
        name, password = str(form.get("name", "")), str(form.get("password", ""))
        target = _safe_next(str(form.get("next", "/")))
        client = request.client.host if request.client else "?"
        try:
            token = sessions.login(client, name, password)
        except PermissionError:
            page = login_page(
                next=target, error="Đăng nhập sai quá nhiều lần. Vui lòng chờ vài phút rồi thử lại."
            )
            return HTMLResponse(page, status_code=429, headers=_PAGE_HEADERS)
        if token is None:
            page = login_page(next=target, error="Sai tên đăng nhập hoặc mật khẩu.", name=name)
            return HTMLResponse(page, status_code=401, headers=_PAGE_HEADERS)
        response = RedirectResponse(request.scope.get("root_path", "") + target, status_code=303)
        response.set_cookie(
            COOKIE,
            token,
            max_age=sessions.max_age_s,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return response

    @router.get("/logout")
    def logout(request: Request) -> Response:
        response = RedirectResponse(request.scope.get("root_path", "") + "/login", status_code=303)
        response.delete_cookie(COOKIE, httponly=True, samesite="strict")
        return response

    return router


_PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    "Cache-Control": "no-store",
}


def login_page(*, next: str = "/", error: str = "", name: str = "") -> str:
    """The login form (a plain page: it must work before any script of the app is allowed to load)."""
    message = f'<p class="err" role="alert">{html.escape(error)}</p>' if error else ""
    return _LOGIN_HTML.format(
        message=message, next=html.escape(next, quote=True), name=html.escape(name, quote=True)
    )


_LOGIN_HTML = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Đăng nhập — baocao</title>
<style>
body {{ font-family: system-ui, "Segoe UI", Roboto, sans-serif; background: #f3f5f8; margin: 0; color: #1f2937; }}
main {{ max-width: 360px; margin: 12vh auto; background: #fff; padding: 28px 32px; border-radius: 12px;
       box-shadow: 0 2px 12px rgba(0,0,0,.08); }}
h1 {{ font-size: 1.3rem; margin: 0 0 4px; }} p.sub {{ color: #6b7280; margin: 0 0 20px; font-size: .95rem; }}
label {{ display: block; font-weight: 600; margin: 14px 0 6px; }}
input {{ width: 100%; box-sizing: border-box; padding: 10px; font-size: 1rem; border: 1px solid #cbd5e1; border-radius: 8px; }}
button {{ margin-top: 22px; width: 100%; padding: 11px; font-size: 1rem; font-weight: 600; color: #fff;
         background: #1d4ed8; border: 0; border-radius: 8px; cursor: pointer; }}
.err {{ background: #fee2e2; color: #991b1b; padding: 8px 12px; border-radius: 8px; }}
</style></head>
<body><main>
<h1>Đăng nhập</h1><p class="sub">Hỏi đáp và kiểm chứng số liệu báo cáo</p>
{message}
<form method="post" action="login">
<input type="hidden" name="next" value="{next}">
<label for="name">Tên đăng nhập</label><input id="name" name="name" value="{name}" autocomplete="username" required autofocus>
<label for="password">Mật khẩu</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Đăng nhập</button>
</form></main></body></html>
"""
