"""Optional generative answers: a local LLM composes the answer, the grounding guard checks it.

The setting ``llm`` names the server (``baocao ask --llm``, ``BAOCAO_LLM``):

- empty (the default): off, answers are extractive;
- ``openai:<base_url>[#<model>]``: any OpenAI-compatible server (vLLM, a llama.cpp server,
  LM Studio, Ollama's ``/v1``), through llama-index's ``OpenAILike``;
- ``ollama:<model>[@<host:port>]``: an Ollama server, through llama-index's ``Ollama``.

The LLM is given the question, the conversation's earlier questions, the extractive answer if there
is one, and the best evidence sentences numbered [1]…[n] with their documents and periods. It
writes in the question's language and cites as [n]. Its draft is shown only when
``qa.grounding.check_draft`` finds every figure in the passages the draft cites and every [n] a
passage supplied; otherwise the extractive answer is shown with a one-line notice. A server that
times out or cannot be reached gives the extractive answer and a notice, never an exception.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from baocao.errors import MissingExtraError, SettingsError
from baocao.settings import Settings
from ingest.store import DocRecord
from qa.answer import citation
from qa.grounding import Passage, check_draft, complete_sentences, renumber
from qa.records import Answer, Citation
from qa.retrieve import Hit

log = logging.getLogger(__name__)

DEFAULT_OPENAI_MODEL = "local"
DEFAULT_OLLAMA_HOST = "127.0.0.1:11434"

SYSTEM_VI = (
    "Bạn là trợ lý trả lời câu hỏi về các báo cáo của cơ quan nhà nước. Chỉ dùng các đoạn trích được "
    "đánh số [1]…[n]. Viết ngắn gọn bằng tiếng Việt. Mỗi câu có số liệu phải ghi nguồn dạng [n] ngay sau "
    "câu đó. Giữ nguyên số liệu như trong đoạn trích, không tính toán, không làm tròn. Nếu các đoạn trích "
    "không có thông tin, trả lời: Không tìm thấy thông tin này trong các báo cáo."
)
SYSTEM_EN = (
    "You answer questions about government reports. Use only the numbered passages [1]…[n]. Answer "
    "briefly in English. Every sentence with a figure cites its passage as [n] right after it. Copy "
    "figures exactly as the passages write them: do not compute or round. If the passages do not say, "
    "answer: Not found in the reports."
)

Kind = Literal["openai", "ollama"]


@dataclass(frozen=True)
class LLMSpec:
    """Which LLM server to use.

    Attributes:
        kind: ``openai`` (an OpenAI-compatible API) or ``ollama``.
        base_url: the server's address (for ``openai``, up to ``/v1``).
        model: the model's name on that server.
    """

    kind: Kind
    base_url: str
    model: str


def parse_llm(spec: str | None) -> LLMSpec | None:
    """Read the ``llm`` setting; ``None`` when it is empty.

    >>> parse_llm("openai:http://127.0.0.1:8000/v1#qwen2.5-7b")
    LLMSpec(kind='openai', base_url='http://127.0.0.1:8000/v1', model='qwen2.5-7b')
    >>> parse_llm("ollama:qwen2.5:7b@127.0.0.1:11434").model
    'qwen2.5:7b'

    Raises:
        SettingsError: the value names no kind of server, or no address / model.
    """
    if not spec or not spec.strip():
        return None
    kind, _, rest = spec.strip().partition(":")
    if kind == "openai":
        url, _, model = rest.partition("#")
        if not url.startswith(("http://", "https://")):
            raise SettingsError(
                f"--llm {spec!r}: an OpenAI-compatible server is 'openai:http://host:port/v1[#model]'"
            )
        return LLMSpec("openai", url.rstrip("/"), model or DEFAULT_OPENAI_MODEL)
    if kind == "ollama":
        model, _, host = rest.rpartition("@") if "@" in rest else (rest, "", "")
        if not model:
            raise SettingsError(f"--llm {spec!r}: an Ollama model is 'ollama:<model>[@host:port]'")
        host = host or DEFAULT_OLLAMA_HOST
        return LLMSpec("ollama", host if host.startswith("http") else f"http://{host}", model)
    raise SettingsError(
        f"--llm {spec!r}: use 'openai:<base_url>[#<model>]' or 'ollama:<model>[@<host:port>]', or leave it empty"
    )


def make_llm(spec: LLMSpec, settings: Settings) -> Any:
    """The llama-index LLM for a spec (from the ``[llm]`` extra).

    Raises:
        MissingExtraError: the integration's package is not installed.
    """
    if spec.kind == "openai":
        try:
            from llama_index.llms.openai_like import OpenAILike
        except ImportError:
            raise MissingExtraError("an OpenAI-compatible LLM (--llm openai:...)", "llm") from None
        return OpenAILike(
            model=spec.model,
            api_base=spec.base_url,
            api_key="not-needed",
            is_chat_model=True,
            timeout=settings.llm_timeout_s,
            max_retries=0,
            temperature=0.0,
            context_window=settings.llm_context_tokens,
            max_tokens=settings.llm_answer_tokens,
        )
    try:
        from llama_index.llms.ollama import Ollama
    except ImportError:
        raise MissingExtraError("an Ollama LLM (--llm ollama:...)", "llm") from None
    return Ollama(
        model=spec.model,
        base_url=spec.base_url,
        request_timeout=settings.llm_timeout_s,
        temperature=0.0,
        context_window=settings.llm_context_tokens,
    )


def passages(
    answer: Answer,
    hits: Sequence[Hit],
    manifest: dict[str, DocRecord],
    doc_text: Callable[[str], str],
    *,
    limit: int,
    budget_chars: int,
) -> tuple[list[Passage], list[Citation]]:
    """The evidence to give the LLM: the answer's citations first, then the best retrieved sentences,
    at most ``limit`` of them and ``budget_chars`` of text; each with the citation it stands for."""
    chosen: list[Citation] = list(answer.citations)
    seen = {(c.doc, c.sentence) for c in chosen}
    for hit in hits:
        key = (hit.chunk.doc_id, hit.chunk.index)
        if key not in seen:
            seen.add(key)
            chosen.append(citation(hit, manifest.get(hit.chunk.doc_id), doc_text(hit.chunk.doc_id), score=hit.score))
    out: list[Passage] = []
    cites: list[Citation] = []
    used = 0
    for c in chosen:
        if len(out) >= limit or (out and used + len(c.quote) > budget_chars):
            break
        record = manifest.get(c.doc)
        context = "; ".join(x for x in (c.title, f"kỳ báo cáo: {record.period}" if record and record.period else "") if x)
        out.append(Passage(len(out) + 1, c.quote, context, c.as_json()))
        cites.append(c)
        used += len(c.quote)
    return out, cites


def prompt(question: str, history: Sequence[str], answer: Answer, evidence: Sequence[Passage], lang: str) -> list[Any]:
    """The chat messages sent to the LLM."""
    from llama_index.core.base.llms.types import ChatMessage, MessageRole

    english = lang == "en"
    lines = []
    if history:
        lines.append(("Earlier questions: " if english else "Các câu hỏi trước: ") + " | ".join(history[-3:]))
    if answer.answer is not None:
        lines.append(("Figure found by search: " if english else "Số liệu tìm được: ") + answer.answer)
    lines.append("Passages:" if english else "Các đoạn trích:")
    lines += [f"[{p.number}] ({p.context}) {p.text}" if p.context else f"[{p.number}] {p.text}" for p in evidence]
    lines.append(("Question: " if english else "Câu hỏi: ") + question)
    return [
        ChatMessage(role=MessageRole.SYSTEM, content=SYSTEM_EN if english else SYSTEM_VI),
        ChatMessage(role=MessageRole.USER, content="\n".join(lines)),
    ]


class Composer:
    """Has the LLM compose an answer and lets it through only when the guard verifies it."""

    def __init__(self, spec: LLMSpec, settings: Settings, llm: Any | None = None) -> None:
        self.spec = spec
        self.settings = settings
        self.llm = llm if llm is not None else make_llm(spec, settings)

    def compose(
        self,
        question: str,
        history: Sequence[str],
        answer: Answer,
        hits: Sequence[Hit],
        manifest: dict[str, DocRecord],
        doc_text: Callable[[str], str],
        *,
        lang: str,
    ) -> Answer:
        """The answer with the LLM's verified draft as its ``text``, or the extractive answer with a
        notice of why the draft is not shown."""
        evidence, cites = self._evidence(answer, hits, manifest, doc_text)
        if not evidence:
            return answer
        try:
            reply = self.llm.chat(prompt(question, history, answer, evidence, lang))
            draft = (reply.message.content or "").strip()
        except Exception as error:  # noqa: BLE001 - a server's failure must never reach the user as a trace
            return self._failed(answer, error, lang)
        return self.judge(draft, answer, evidence, cites, lang=lang)

    def compose_stream(
        self,
        question: str,
        history: Sequence[str],
        answer: Answer,
        hits: Sequence[Hit],
        manifest: dict[str, DocRecord],
        doc_text: Callable[[str], str],
        *,
        lang: str,
    ) -> Iterator[Answer]:
        """``compose``, as the LLM writes: each time a sentence of the draft is complete and the
        draft so far passes the guard, the answer with that much of it (``generated``); at the end
        the answer ``compose`` gives. A sentence that does not pass holds back the rest until the
        end, where the whole draft is judged: no unverified figure is ever yielded."""
        evidence, cites = self._evidence(answer, hits, manifest, doc_text)
        if not evidence:
            yield answer
            return
        draft = ""
        shown = 0
        try:
            for chunk in self.llm.stream_chat(prompt(question, history, answer, evidence, lang)):
                draft += chunk.delta or ""
                cut = complete_sentences(draft)
                if cut <= shown:
                    continue
                part = self.verified_part(draft[:cut], answer, evidence, cites, lang=lang)
                if part is not None:
                    shown = cut
                    yield part
        except Exception as error:  # noqa: BLE001 - a server's failure must never reach the user as a trace
            yield self._failed(answer, error, lang)
            return
        yield self.judge(draft.strip(), answer, evidence, cites, lang=lang)

    def _evidence(
        self, answer: Answer, hits: Sequence[Hit], manifest: dict[str, DocRecord], doc_text: Callable[[str], str]
    ) -> tuple[list[Passage], list[Citation]]:
        return passages(
            answer, hits, manifest, doc_text, limit=self.settings.llm_passages, budget_chars=self.settings.llm_context_chars
        )

    def _failed(self, answer: Answer, error: Exception, lang: str) -> Answer:
        """The extractive answer with a notice: the server timed out or could not be reached."""
        log.warning("llm %s failed: %s", self.spec.base_url, error)
        return replace(answer, notice=_unreachable(error, lang), llm_error=f"server: {type(error).__name__}: {error}")

    def verified_part(
        self, part: str, answer: Answer, evidence: Sequence[Passage], cites: Sequence[Citation], *, lang: str
    ) -> Answer | None:
        """The answer with the first part of a draft, if every figure and marker in it checks out."""
        grounding = check_draft(part, evidence, lang=lang, tolerance_pct=self.settings.approx_tolerance_pct)
        if grounding.unknown_citations or not all(f.supported for f in grounding.figures) or echoes_prompt(part):
            return None
        return replace(
            answer,
            text=renumber(part.strip(), grounding.cited),
            generated=True,
            citations=[cites[n - 1] for n in grounding.cited],
            figures_checked=[f.as_json() for f in grounding.figures],
        )

    def judge(
        self, draft: str, answer: Answer, evidence: Sequence[Passage], cites: Sequence[Citation], *, lang: str
    ) -> Answer:
        """The answer a draft gives: shown if the guard verifies it, else the extractive answer."""
        grounding = check_draft(draft, evidence, lang=lang, tolerance_pct=self.settings.approx_tolerance_pct)
        figures = [f.as_json() for f in grounding.figures]
        problems = grounding.problems + (["the draft repeats the prompt instead of answering"] if echoes_prompt(draft) else [])
        if not draft or problems:
            log.info("llm draft refused: %s", "; ".join(problems) or "empty")
            return replace(
                answer,
                figures_checked=figures,
                notice=_refused(len(problems), lang),
                llm_error="unverified: " + ("; ".join(problems) or "the draft is empty"),
            )
        cited = [cites[n - 1] for n in grounding.cited]
        order = {old: i + 1 for i, old in enumerate(grounding.cited)}
        for f in figures:
            f["citation"] = order.get(f["citation"])
        return replace(
            answer, text=renumber(draft, grounding.cited), generated=True, figures_checked=figures, citations=cited
        )


_PROMPT_LABELS = ("Số liệu tìm được:", "Các đoạn trích:", "Câu hỏi:", "Các câu hỏi trước:", "Passages:",
                  "Question:", "Figure found by search:", "Earlier questions:")  # fmt: skip
_PASSAGE_HEAD = re.compile(r"^\s*\[\d+\] \(", re.MULTILINE)


def echoes_prompt(draft: str) -> bool:
    """A draft that copies the prompt's own labels or passage headings ("[1] (title) ...") back is
    no answer, even when every figure in it is the passages' (small models do this)."""
    return any(label in draft for label in _PROMPT_LABELS) or bool(_PASSAGE_HEAD.search(draft))


def _refused(problems: int, lang: str) -> str:
    if lang == "en":
        return f"The generated answer could not be verified against the reports ({problems} problem(s)); the answer below is quoted from the reports."
    return f"Câu trả lời do mô hình soạn không kiểm chứng được với báo cáo ({problems} điểm); dưới đây là câu trả lời trích từ báo cáo."


def _unreachable(error: Exception, lang: str) -> str:
    what = "timed out" if "timeout" in type(error).__name__.lower() or "timed out" in str(error).lower() else "could not be reached"
    if lang == "en":
        return f"The language model {what}; the answer below is quoted from the reports."
    vi = "không trả lời kịp" if what == "timed out" else "không kết nối được"
    return f"Mô hình ngôn ngữ {vi}; dưới đây là câu trả lời trích từ báo cáo."
