"""Access: with an auth file every route needs a session; nothing on disk leaks through any route."""

from __future__ import annotations

import http.client
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import httpx
import pytest

from baocao.errors import SettingsError
from baocao.settings import Settings
from qa import Engine
from ui.app import is_loopback, serve

Login = Callable[[str], httpx.Client]
HTML = {"Accept": "text/html,application/xhtml+xml"}


@pytest.fixture(scope="module")
def doc_id(ui_engine: Engine) -> str:
    return next(iter(ui_engine.index.manifest()))


@pytest.fixture(scope="module")
def served_file(ui_settings: Settings, auth_url: str) -> str:
    """A file in Gradio's temporary folder, which its file route may serve (to a logged-in user)."""
    path = ui_settings.data_dir.resolve() / "tmp" / "ket-qua.md"
    path.write_text("# Kết quả kiểm chứng\n", encoding="utf-8")
    return str(path)


def _routes(doc_id: str, served_file: str) -> list[tuple[str, str]]:
    return [
        ("GET", "/"),
        ("GET", "/?__theme=light"),
        ("POST", "/api/ask"),
        ("POST", "/api/check"),
        ("GET", "/api/documents"),
        ("GET", f"/doc/{doc_id}?start=3154&end=3366"),
        ("GET", f"/gradio_api/file={served_file}"),
        ("GET", f"/gradio_api/file/{served_file}"),
        ("POST", "/gradio_api/upload"),
        ("POST", "/gradio_api/queue/join"),
        ("GET", "/gradio_api/queue/data?session_hash=abc"),
        ("GET", "/gradio_api/heartbeat/abc"),
        ("GET", "/gradio_api/info"),
        ("GET", "/config"),
        ("GET", "/theme.css"),
        ("GET", "/openapi.json"),
        ("GET", "/docs"),
        ("GET", "/logout/../config"),
    ]


def test_every_route_is_refused_without_a_session(auth_url: str, doc_id: str, served_file: str) -> None:
    with httpx.Client(base_url=auth_url, timeout=30) as client:
        for method, path in _routes(doc_id, served_file):
            for headers in ({}, HTML):
                response = client.request(
                    method, path, headers=headers, json={} if method == "POST" else None
                )
                page = method == "GET" and headers and not path.startswith(("/api/", "/gradio_api/"))
                if page:
                    assert response.status_code == 303, (method, path)
                    assert response.headers["location"].startswith("/login?next=")
                else:
                    assert response.status_code == 401, (method, path, response.status_code)
                    assert response.json()["error"].startswith("login required")
                assert "Kết quả kiểm chứng" not in response.text and "66,4 ha" not in response.text


def test_uploads_without_a_session_write_nothing(auth_url: str, ui_settings: Settings) -> None:
    before = {p for p in (ui_settings.data_dir / "tmp").rglob("*")}
    response = httpx.post(
        f"{auth_url}/gradio_api/upload", files={"files": ("x.txt", b"cho thue dat", "text/plain")}
    )
    assert response.status_code == 401
    assert {p for p in (ui_settings.data_dir / "tmp").rglob("*")} == before


@pytest.mark.parametrize(
    "cookie",
    ["", "garbage", "Y2h1eWVudmllbnw5OTk5OTk5OTk5.0000", "Y2h1eWVudmllbnwx.abc"],
    ids=["empty", "garbage", "forged-signature", "expired-and-forged"],
)
def test_a_forged_session_is_refused(auth_url: str, cookie: str) -> None:
    response = httpx.get(f"{auth_url}/api/documents", cookies={"baocao_session": cookie})
    assert response.status_code == 401


def test_every_route_is_open_after_login(auth_url: str, login: Login, doc_id: str, served_file: str) -> None:
    client = login(auth_url)
    try:
        assert client.get("/", headers=HTML).status_code == 200
        assert client.get("/api/documents").json()[0]["doc_id"] == doc_id
        assert (
            client.post("/api/ask", json={"question": "Cho thuê đất bao nhiêu ha?"}).json()["answer"]
            == "66,4 ha"
        )
        page = client.get(f"/doc/{doc_id}?start=3154&end=3366", headers=HTML)
        assert page.status_code == 200 and "<mark id='bc-hl'>Thực hiện thu hồi đất 06 trường hợp" in page.text
        assert client.get(f"/gradio_api/file={served_file}").text == "# Kết quả kiểm chứng\n"
        assert client.get("/config").status_code == 200
        assert client.post("/gradio_api/queue/join", json={}).status_code == 422  # Gradio's own answer
        assert client.get("/logout").status_code == 303
        assert "baocao_session" not in client.cookies
        assert client.get("/api/documents").status_code == 401
    finally:
        client.close()


def test_scripts_may_use_basic_auth_on_the_api(auth_url: str, credentials: tuple[str, str]) -> None:
    assert httpx.get(f"{auth_url}/api/documents", auth=credentials).status_code == 200
    assert httpx.get(f"{auth_url}/api/documents", auth=(credentials[0], "wrong-password")).status_code == 401
    assert httpx.get(f"{auth_url}/config", auth=credentials).status_code == 401  # the page needs a session


def test_a_wrong_password_shows_the_form_again(auth_url: str, credentials: tuple[str, str]) -> None:
    response = httpx.post(f"{auth_url}/login", data={"name": credentials[0], "password": "sai-mat-khau"})
    assert response.status_code == 401
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.text and "baocao_session" not in response.cookies


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_login_never_redirects_off_site(auth_url: str, credentials: tuple[str, str], target: str) -> None:
    name, password = credentials
    response = httpx.post(f"{auth_url}/login", data={"name": name, "password": password, "next": target})
    assert response.status_code == 303 and response.headers["location"] == "/"


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "baocao.example"])
def test_serve_refuses_a_public_address_without_login(ui_settings: Settings, host: str) -> None:
    settings = ui_settings.replace(auth_file=None)
    with pytest.raises(SettingsError, match=f"refusing to serve on {host} without a login.*--no-auth"):
        serve(settings, host=host, port=1, no_auth=False)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.0.0.2", True), ("::1", True), ("[::1]", True), ("localhost", True),
     ("0.0.0.0", False), ("", False), ("::", False), ("10.0.0.1", False), ("example.org", False)],
)  # fmt: skip
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


# -- path traversal --------------------------------------------------------------------------------

_PREFIXES = (
    "/gradio_api/file=",
    "/gradio_api/file/",
    "/file=",
    "/doc/",
    "/static/",
    "/assets/",
    "/gradio_api/proxy=",
)


def _payloads(settings: Settings) -> list[str]:
    data = settings.data_dir.resolve()
    assert settings.auth_file is not None
    targets = [
        data / "chroma" / "chroma.sqlite3",
        data / "provenance.json",
        settings.auth_file.resolve(),
        Path("/etc/passwd"),
    ]
    paths: list[str] = []
    for target in targets:
        forms = [
            str(target),
            f"{data}/tmp/../{os.path.relpath(target, data)}",
            "../" * 12 + str(target).lstrip("/"),
            os.path.relpath(target, Path.cwd()),
        ]
        for form in forms:
            paths += [
                form,
                quote(form, safe=""),
                form.replace("../", "%2e%2e/"),
                form.replace("../", "%2E%2E%2F"),
                quote(quote(form, safe=""), safe=""),
                form.replace("/", "\\"),
                form.replace("../", "....//"),
            ]
    return [prefix + p for prefix in _PREFIXES for p in dict.fromkeys(paths)]


def _secrets(settings: Settings) -> list[bytes]:
    assert settings.auth_file is not None
    files = [
        settings.data_dir / "chroma" / "chroma.sqlite3",
        settings.data_dir / "provenance.json",
        settings.auth_file,
    ]
    return [b"root:x:0:0", *(f.read_bytes()[:48] for f in files)]


def _raw_get(base_url: str, paths: list[str], cookie: str | None) -> Iterator[tuple[str, int, bytes]]:
    """GET each path exactly as written (httpx would normalise the dots away)."""
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    headers = {"Cookie": f"baocao_session={cookie}"} if cookie else {}
    try:
        for path in paths:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            yield path, response.status, response.read()
    finally:
        conn.close()


def _assert_nothing_leaks(base_url: str, settings: Settings, cookie: str | None, allowed: set[int]) -> None:
    payloads = _payloads(settings)
    assert len(payloads) >= 100
    secrets = _secrets(settings)
    for path, status, body in _raw_get(base_url, payloads, cookie):
        assert status in allowed, (path, status, body[:200])
        assert not any(s in body for s in secrets), path


def test_path_traversal_leaks_nothing_without_login(open_url: str, ui_settings: Settings) -> None:
    _assert_nothing_leaks(open_url, ui_settings, None, {400, 403, 404, 405, 422})


def test_path_traversal_leaks_nothing_to_a_logged_in_user(
    auth_url: str, ui_settings: Settings, login: Login
) -> None:
    client = login(auth_url)
    client.close()
    _assert_nothing_leaks(auth_url, ui_settings, client.cookies["baocao_session"], {400, 403, 404, 405, 422})
