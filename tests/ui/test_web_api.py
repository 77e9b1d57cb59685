"""The JSON API over the reference report, served for real: answers, checks, documents, errors."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from baocao.settings import Settings
from qa import Engine
from tests.conftest import SHARED
from ui.app import build_app

GOLD = {
    g["id"]: g
    for g in map(json.loads, (SHARED / "eval" / "seed_qa.jsonl").read_text(encoding="utf-8").splitlines())
}
LEASED = GOLD["q01"]["question"]  # "Trong 9 tháng đầu năm 2021, Sở đã cho thuê đất bao nhiêu ha?"
SPEECH = (
    "Trong 9 tháng đầu năm 2021, Sở đã cho thuê đất 22 tổ chức với diện tích 66,4 ha. "
    "Tỷ lệ thu gom chất thải rắn sinh hoạt đã đạt 99%, vượt chỉ tiêu thành phố giao. "
    "Thành phố đã trồng mới 500 ha rừng phòng hộ trong năm 2021."
)


@pytest.fixture(scope="module")
def api(open_url: str) -> httpx.Client:
    with httpx.Client(base_url=open_url, timeout=30) as client:
        yield client  # type: ignore[misc]


def _no_trace(response: httpx.Response) -> None:
    text = response.text
    assert "Traceback" not in text and 'File "' not in text, text[:500]
    assert len(text) < 20_000, "an error must not echo the request back"


def test_ask_answers_a_gold_question_with_its_citation(api: httpx.Client) -> None:
    response = api.post("/api/ask", json={"question": LEASED})
    assert response.status_code == 200
    body = response.json()
    assert (body["answer"], body["value"], body["unit"], body["abstained"]) == ("66,4 ha", 66.4, "ha", False)
    assert GOLD["q01"]["evidence"] in body["citations"][0]["quote"]


def test_ask_is_the_json_of_the_cli(api: httpx.Client, ui_engine: Engine) -> None:
    assert api.post("/api/ask", json={"question": LEASED}).json() == ui_engine.ask(LEASED).as_json()


def test_ask_follows_up_on_the_history(api: httpx.Client) -> None:
    body = api.post("/api/ask", json={"question": "Còn giao đất thì sao?", "history": [LEASED]}).json()
    assert body["answer"] == "12,62 ha"
    assert body["question"] == "Còn giao đất thì sao?"


def test_ask_abstains_on_what_the_reports_do_not_say(api: httpx.Client) -> None:
    body = api.post("/api/ask", json={"question": GOLD["q12"]["question"]}).json()
    assert body["abstained"] is True and body["answer"] is None


def test_check_gives_each_figure_its_verdict(api: httpx.Client) -> None:
    response = api.post("/api/check", json={"text": SPEECH})
    assert response.status_code == 200
    verdicts = {v["claimed"]: v for v in response.json()}
    assert verdicts["66,4 ha"]["verdict"] == "supported"
    assert (verdicts["99%"]["verdict"], verdicts["99%"]["reported"]) == ("refuted", "98,42%")
    assert verdicts["500 ha"]["verdict"] == "not_found"
    for v in verdicts.values():
        assert SPEECH[v["start"] : v["end"]] == v["claim"]


def test_documents_lists_the_report_without_server_paths(api: httpx.Client) -> None:
    docs = api.get("/api/documents").json()
    assert [d["filename"] for d in docs] == ["cantho-stnmt-so-ket-9-thang-2021.txt"]
    assert docs[0]["period"] == "9 tháng đầu năm 2021" and docs[0]["chunks"] > 50
    assert "path" not in docs[0]


def test_health(api: httpx.Client) -> None:
    assert api.get("/health").json() == {"status": "ok"}


def test_openapi_describes_the_api_and_its_limits(api: httpx.Client) -> None:
    schema = api.get("/openapi.json").json()
    assert {"/api/ask", "/api/check", "/api/documents"} <= schema["paths"].keys()
    ask = schema["components"]["schemas"]["AskRequest"]["properties"]["question"]
    assert ask["maxLength"] == Settings().max_question_chars
    assert api.get("/docs").status_code == 200


BAD_REQUESTS: list[tuple[str, str, Any, int]] = [
    ("missing-question", "/api/ask", {}, 422),
    ("question-not-a-string", "/api/ask", {"question": 12}, 422),
    ("question-null", "/api/ask", {"question": None}, 422),
    ("history-not-a-list", "/api/ask", {"question": "Cho thuê đất bao nhiêu ha?", "history": "abc"}, 422),
    ("history-of-numbers", "/api/ask", {"question": "Cho thuê đất bao nhiêu ha?", "history": [1, 2]}, 422),
    ("unknown-field", "/api/ask", {"question": "Cho thuê đất bao nhiêu ha?", "mode": "x"}, 422),
    ("empty-question", "/api/ask", {"question": ""}, 422),
    ("blank-question", "/api/ask", {"question": "   "}, 400),
    ("1-MB-question", "/api/ask", {"question": "đất " * 262_144}, 422),
    ("body-a-list", "/api/ask", ["Cho thuê đất bao nhiêu ha?"], 422),
    ("missing-text", "/api/check", {"speech": "x"}, 422),
    ("text-not-a-string", "/api/check", {"text": ["a", "b"]}, 422),
    ("text-over-100k", "/api/check", {"text": "a" * 100_001}, 422),
    ("3-MB-body", "/api/check", {"text": "a" * 3_000_000}, 413),
]


@pytest.mark.parametrize(
    ("path", "body", "status"), [r[1:] for r in BAD_REQUESTS], ids=[r[0] for r in BAD_REQUESTS]
)
def test_bad_requests_get_a_json_error(api: httpx.Client, path: str, body: Any, status: int) -> None:
    response = api.post(path, json=body)
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"].startswith("application/json")
    assert isinstance(response.json()["error"], str) and response.json()["error"]
    _no_trace(response)


@pytest.mark.parametrize(
    ("method", "path", "content"),
    [
        ("POST", "/api/ask", b"{not json"),
        ("POST", "/api/ask", b""),
        ("POST", "/api/ask", "question=đất".encode()),
        ("GET", "/api/ask", None),
        ("DELETE", "/api/documents", None),
    ],
    ids=["malformed-json", "empty-body", "form-body", "wrong-method-get", "wrong-method-delete"],
)
def test_malformed_requests_get_a_json_error(
    api: httpx.Client, method: str, path: str, content: bytes | None
) -> None:
    response = api.request(method, path, content=content, headers={"content-type": "application/json"})
    assert 400 <= response.status_code < 500
    assert "error" in response.json() or "detail" in response.json()
    _no_trace(response)


def test_a_bug_is_a_generic_500_without_details(
    api: httpx.Client, ui_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret detail at /srv/baocao/index")

    monkeypatch.setattr(ui_engine, "ask", broken)
    response = api.post("/api/ask", json={"question": LEASED})
    assert response.status_code == 500
    assert response.json() == {"error": "internal error; the server log has the details"}
    assert "secret" not in response.text


@pytest.mark.parametrize("origin", ["https://evil.example", "null"])
@pytest.mark.parametrize("host", ["127.0.0.1", "baocao.so-tnmt.example"])
def test_foreign_origins_get_no_cors_allowance(api: httpx.Client, origin: str, host: str) -> None:
    headers = {"Origin": origin, "Host": host}
    for response in (
        api.post("/api/ask", json={"question": LEASED}, headers=headers),
        api.get("/config", headers=headers),
        api.options(
            "/api/ask",
            headers={
                **headers,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        ),
        api.options("/gradio_api/queue/join", headers={**headers, "Access-Control-Request-Method": "POST"}),
    ):
        assert "access-control-allow-origin" not in response.headers, (response.request.url, response.headers)
        assert "access-control-allow-credentials" not in response.headers


def test_uploads_over_the_cap_are_refused_and_leave_nothing(ui_settings: Settings, ui_engine: Engine) -> None:
    settings = ui_settings.replace(max_upload_mb=1)
    app = build_app(settings, ui_engine)
    tmp = settings.data_dir / "tmp"
    with TestClient(app) as client:
        big = ("bao-cao.txt", b"x" * (2 * 1024 * 1024), "text/plain")
        response = client.post("/gradio_api/upload", files={"files": big})
        assert response.status_code == 413, response.text[:300]
        assert [p for p in tmp.rglob("*") if p.is_file()] == []
        small = client.post(
            "/gradio_api/upload", files={"files": ("ok.txt", b"Cho thue dat 66,4 ha.", "text/plain")}
        )
        assert small.status_code == 200
        assert [p.name for p in tmp.rglob("*") if p.is_file()] == ["ok.txt"]


def test_several_officials_can_ask_at_once(open_url: str, ui_engine: Engine) -> None:
    questions = [g["question"] for g in GOLD.values() if g["answer"]] * 2
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(
            pool.map(
                lambda q: httpx.post(f"{open_url}/api/ask", json={"question": q}, timeout=60).json(),
                questions,
            )
        )
    assert answers == [ui_engine.ask(q).as_json() for q in questions]


def test_the_public_names_of_ui() -> None:
    import ui
    import ui.app

    assert ui.__all__ == ["Users", "add_user", "build_app", "serve"]
    assert ui.build_app is ui.app.build_app and ui.serve is ui.app.serve


def test_pages_may_not_be_framed_by_other_sites(api: httpx.Client) -> None:
    for response in (
        api.get("/", headers={"Accept": "text/html"}),
        api.get("/api/documents"),
        api.get("/config"),
    ):
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
