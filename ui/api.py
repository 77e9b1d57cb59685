"""The JSON API: ``POST /api/ask``, ``POST /api/check``, ``GET /api/documents``, ``GET /health``.

The answers are the JSON of ``baocao ask --json`` and ``baocao check --json``. Every error is
``{"error": message}`` with a 4xx status (a 500 for a bug, with a generic message and the details
in the server log), never a stack trace.
"""

# no `from __future__ import annotations` here: FastAPI must see the request models, which are
# built per app (their limits come from the settings), as real classes, not as names to look up
import logging
from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from baocao.errors import BaocaoError, IndexMismatchError, LockedError, StoreError
from baocao.settings import Settings
from qa import Engine

__all__ = ["MAX_HISTORY", "MAX_SPEECH_CHARS", "api_router", "install_error_handlers"]

log = logging.getLogger("baocao.ui")

INTERNAL_ERROR = "internal error; the server log has the details"
MAX_SPEECH_CHARS = 100_000
MAX_HISTORY = 20  # earlier questions a follow-up may lean on
MAX_BODY_BYTES = 2 * 1024 * 1024  # a 100,000-character speech is at most ~600 kB of JSON


class CitationOut(BaseModel):
    """A cited sentence: ``start``/``end`` index the document's text (see ``/doc/{doc}``)."""

    model_config = ConfigDict(extra="allow")
    doc: str
    title: str
    filename: str
    sentence: int
    start: int
    end: int
    quote: str
    answer_start: int
    answer_end: int
    context: str
    context_start: int
    score: float


class FigureCheckOut(BaseModel):
    """One figure of an LLM's draft and whether the passage it cites holds it."""

    text: str
    value: float
    unit: str
    supported: bool
    citation: int | None
    start: int
    end: int


class AnswerOut(BaseModel):
    """The answer of ``baocao ask --json``; ``abstained`` with ``answer: null`` when the reports do not say."""

    model_config = ConfigDict(extra="allow")
    id: str | None
    question: str
    answer: str | None
    value: float | None
    unit: str | None
    kind: str
    abstained: bool
    confidence: float
    interpreted_as: str
    citations: list[CitationOut]
    related: list[CitationOut]
    text: str
    generated: bool
    figures_checked: list[FigureCheckOut]
    notice: str
    llm_error: str | None
    period: str = Field(description='the period of the answer\'s figure ("Quý II/2025"), or ""')
    periods_covered: list[str] = Field(description="when abstaining for a period: the periods the reports state the measure for")
    comparison: dict[str, Any] | None = Field(description="two periods' figures and the change, when asked")
    series: list[dict[str, Any]] | None = Field(default=None, description="every period's figure, oldest first, when asked")


class VerdictOut(BaseModel):
    """The check of one figure of a speech (``verdict``: supported, refuted or not_found)."""

    model_config = ConfigDict(extra="allow")
    id: str
    claim: str
    start: int
    end: int
    verdict: str
    claimed: str
    reported: str | None
    explanation: str
    citations: list[CitationOut]


class DocumentOut(BaseModel):
    """An indexed document."""

    doc_id: str
    title: str
    filename: str
    format: str
    period: str
    issuer: str
    chunks: int
    added_at: str
    sha256: str


class ErrorOut(BaseModel):
    """Every error's body."""

    error: str


def api_router(settings: Settings, engine: Engine) -> APIRouter:
    """The JSON routes over one engine; request limits come from the settings."""
    question_chars = settings.max_question_chars
    speech_chars = min(settings.max_speech_chars, MAX_SPEECH_CHARS)

    class AskRequest(BaseModel):
        model_config = ConfigDict(extra="forbid")
        question: Annotated[StrictStr, Field(min_length=1, max_length=question_chars)] = Field(
            description="Vietnamese or English", examples=["Cho thuê đất bao nhiêu ha?"]
        )
        history: Annotated[
            list[Annotated[StrictStr, Field(max_length=question_chars)]], Field(max_length=MAX_HISTORY)
        ] = Field(default_factory=list, description="earlier questions of the conversation, oldest first")
        series: StrictBool = Field(
            default=False, description="the measure's figure in every period the reports state (``series``)"
        )

    class CheckRequest(BaseModel):
        model_config = ConfigDict(extra="forbid")
        text: Annotated[StrictStr, Field(min_length=1, max_length=speech_chars)] = Field(
            description="the speech", examples=["Sở đã cho thuê đất 22 tổ chức với diện tích 66,4 ha."]
        )

    errors: dict[int | str, dict[str, Any]] = {
        400: {"model": ErrorOut, "description": "the question or speech cannot be processed"},
        401: {"model": ErrorOut, "description": "login required (with an auth file)"},
        413: {"model": ErrorOut, "description": "request body over 2 MB"},
        422: {"model": ErrorOut, "description": "missing field, wrong type, or over a length limit"},
    }
    router = APIRouter(responses=errors, max_body_size=MAX_BODY_BYTES)

    @router.post("/api/ask", response_model=AnswerOut, tags=["api"])
    def ask(body: AskRequest) -> dict[str, Any]:
        """Answer a question from the reports, with citations, or abstain."""
        return engine.ask(body.question, history=body.history, series=body.series).as_json()

    @router.post("/api/check", response_model=list[VerdictOut], tags=["api"])
    def check(body: CheckRequest) -> list[dict[str, Any]]:
        """Check every figure of a speech against the reports."""
        return [v.as_json() for v in engine.check(body.text.replace("\r\n", "\n"))]

    @router.get("/api/documents", response_model=list[DocumentOut], tags=["api"])
    def documents() -> list[dict[str, Any]]:
        """The indexed documents, oldest first (the server's file paths are not shown)."""
        records = sorted(engine.index.manifest().values(), key=lambda r: r.added_at)
        return [{k: v for k, v in vars(r).items() if k != "path"} for r in records]

    @router.get("/health", tags=["api"])
    def health() -> dict[str, str]:
        """Liveness: answers without login."""
        return {"status": "ok"}

    return router


def _status_of(exc: BaocaoError) -> int:
    if isinstance(exc, LockedError):
        return 409
    if isinstance(exc, StoreError | IndexMismatchError):
        return 503
    return 400


def _where(loc: Sequence[Any]) -> str:
    return ".".join(str(part) for part in loc if part != "body") or "body"


class _Unexpected:
    """ASGI middleware: a bug anywhere becomes a generic 500 JSON answer and a log line.

    Starlette's own last resort re-raises after answering, which makes the server drop the
    connection; this one answers and keeps serving.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception:
            log.exception("unexpected error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise  # half an answer is already out: only dropping the connection is honest
            response = JSONResponse({"error": INTERNAL_ERROR}, status_code=500)
            await response(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    """Make every error of the app's own routes ``{"error": message}`` JSON.

    Call it before adding other middleware, so that its catch-all sits innermost.
    """
    app.add_middleware(_Unexpected)

    @app.exception_handler(BaocaoError)
    async def baocao_error(request: Request, exc: BaocaoError) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=_status_of(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        # never echo the input back: it may be a megabyte long
        problems = [
            {
                "loc": list(err.get("loc", ())),
                "msg": str(err.get("msg", "")),
                "type": str(err.get("type", "")),
            }
            for err in exc.errors()
        ][:20]
        message = "; ".join(f"{_where(p['loc'])}: {p['msg']}" for p in problems[:5])
        return JSONResponse({"error": f"invalid request: {message}", "detail": problems}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse({"error": INTERNAL_ERROR}, status_code=500)
