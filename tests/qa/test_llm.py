"""Generative answers through a real LLM client against a stand-in server on 127.0.0.1, and the
grounding guard that decides whether the draft is shown."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from baocao.errors import SettingsError
from baocao.settings import Settings
from ingest import Index
from qa import Engine
from qa.grounding import Passage, check_draft, renumber
from qa.llm import LLMSpec, parse_llm
from tests.conftest import ROOT, free_port
from tests.qa.conftest import CORPUS
from tests.qa.llm_server import llm_server, passage_lines

QUESTION = "Trong 9 tháng đầu năm 2021, Sở đã cho thuê đất bao nhiêu ha?"


@pytest.fixture(scope="module")
def settings(tmp_path_factory, cached_embedder) -> Settings:  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=tmp_path_factory.mktemp("llm-index"), progress=False, llm_timeout_s=10.0)
    with Index.open(settings, writable=True, embedder=cached_embedder) as index:
        assert index.ingest([CORPUS]).failed == []
    return settings


def engine_with(settings: Settings, llm: str, cached_embedder, **changes) -> Engine:  # type: ignore[no-untyped-def]
    s = settings.replace(llm=llm, **changes)
    return Engine(Index.open(s, embedder=cached_embedder), s)


def cite_the_leasing(prompt: str, *, figure: str = "66,4 ha") -> str:
    """A draft citing the passage about leasing, with the given figure."""
    n = next(n for n, line in passage_lines(prompt).items() if "cho thuê đất 22 tổ chức" in line)
    return f"Sở đã cho thuê đất cho 22 tổ chức với diện tích {figure} [{n}]."


# ------------------------------------------------------------------------------------------ settings


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("openai:http://127.0.0.1:8000/v1#qwen2.5-7b", LLMSpec("openai", "http://127.0.0.1:8000/v1", "qwen2.5-7b")),
        ("openai:http://localhost:8080/v1", LLMSpec("openai", "http://localhost:8080/v1", "local")),
        ("ollama:qwen2.5:7b", LLMSpec("ollama", "http://127.0.0.1:11434", "qwen2.5:7b")),
        ("ollama:llama3.1:8b@10.0.0.5:11434", LLMSpec("ollama", "http://10.0.0.5:11434", "llama3.1:8b")),
        ("", None),
    ],
)
def test_llm_setting_is_read(spec: str, expected: LLMSpec | None) -> None:
    assert parse_llm(spec) == expected


@pytest.mark.parametrize("spec", ["gpt4", "openai:127.0.0.1:8000", "ollama:@host:1"])
def test_a_bad_llm_setting_says_how_to_write_it(spec: str) -> None:
    with pytest.raises(SettingsError, match="openai:|ollama:"):
        parse_llm(spec)


# ------------------------------------------------------------------------------------------ the guard

PASSAGES = [
    Passage(1, "Thực hiện thu hồi đất 06 trường hợp với diện tích 21,32 ha; cho thuê đất 22 tổ chức với diện tích 66,4 ha.", "Sơ kết 9 tháng đầu năm 2021"),
    Passage(2, "Tỷ lệ thu gom chất thải rắn sinh hoạt hiện đạt 98,42%.", ""),
]


@pytest.mark.parametrize(
    ("draft", "lang", "shown"),
    [
        ("Cho thuê đất 22 tổ chức, 66,4 ha [1].", "vi", True),
        ("22 organizations leased 66.4 hectares [1].", "en", True),
        ("In 2021, the collection rate reached 98.42% [2].", "en", False),  # 2021 is not in [2]
        ("Tỷ lệ thu gom đạt 98,42% [2]. Năm 2021 thu hồi 21,32 ha [1].", "vi", True),
        ("Cho thuê đất 66,4 ha [2].", "vi", False),  # the figure is in [1], not in the passage cited
        ("Cho thuê đất 64,6 ha [1].", "vi", False),  # digits swapped
        ("Cho thuê đất 66,4 ha.", "vi", False),  # no citation at all
        ("Cho thuê đất 66,4 ha [3].", "vi", False),  # a passage that was not supplied
        ("Tỷ lệ thu gom đạt khoảng 98% [2].", "vi", True),  # rounded, hedged
        ("Không tìm thấy thông tin này trong các báo cáo.", "vi", False),  # cites nothing
    ],
)
def test_every_figure_must_be_in_a_cited_passage(draft: str, lang: str, shown: bool) -> None:
    grounding = check_draft(draft, PASSAGES, lang=lang, tolerance_pct=5.0)
    assert grounding.supported is shown, grounding.problems


def test_markers_are_renumbered_in_order_of_use() -> None:
    assert renumber("a [3] b [1, 3] c [2]", [3, 1, 2]) == "a [1] b [2, 1] c [3]"


# ------------------------------------------------------------------------------------------ end to end


@pytest.mark.parametrize("kind", ["openai", "ollama"])
def test_a_verified_draft_is_shown_with_its_citations(settings, cached_embedder, kind: str) -> None:  # type: ignore[no-untyped-def]
    with llm_server(cite_the_leasing) as server:
        port = server.server_address[1]
        spec = f"openai:http://127.0.0.1:{port}/v1#test" if kind == "openai" else f"ollama:test@127.0.0.1:{port}"
        answer = engine_with(settings, spec, cached_embedder).ask(QUESTION)
        prompt = server.prompts[-1]
    # the LLM got the question, the extractive figure and numbered passages with their documents
    assert QUESTION in prompt and "66,4 ha" in prompt and passage_lines(prompt)
    assert answer.generated and answer.text == "Sở đã cho thuê đất cho 22 tổ chức với diện tích 66,4 ha [1]."
    assert [f["supported"] for f in answer.figures_checked] == [True, True]
    assert "66,4 ha" in answer.citations[0].quote and answer.as_json()["text"] == answer.text
    assert answer.answer == "66,4 ha"  # the extractive answer stays in the record


def test_a_draft_with_a_wrong_figure_is_never_shown(settings, cached_embedder) -> None:  # type: ignore[no-untyped-def]
    with llm_server(lambda p: cite_the_leasing(p, figure="76,4 ha")) as server:
        answer = engine_with(settings, f"openai:http://127.0.0.1:{server.server_address[1]}/v1", cached_embedder).ask(QUESTION)
    assert not answer.generated and answer.shown() == "66,4 ha"
    assert "không kiểm chứng được" in answer.notice and "'76,4 ha' is not in the passages" in (answer.llm_error or "")
    assert {f["text"]: f["supported"] for f in answer.figures_checked}["76,4 ha"] is False


def test_an_english_question_gets_an_english_draft_checked(settings, cached_embedder) -> None:  # type: ignore[no-untyped-def]
    def english(prompt: str) -> str:
        n = next(n for n, line in passage_lines(prompt).items() if "cho thuê đất 22 tổ chức" in line)
        return f"66.4 hectares were leased to 22 organizations [{n}]."

    with llm_server(english) as server:
        answer = engine_with(settings, f"openai:http://127.0.0.1:{server.server_address[1]}/v1", cached_embedder).ask(
            "how many hectares were leased"
        )
        assert "Passages:" in server.prompts[-1]  # the prompt is in the question's language
    assert answer.generated and answer.text.startswith("66.4 hectares")


def test_a_slow_or_absent_server_gives_the_extractive_answer(settings, cached_embedder) -> None:  # type: ignore[no-untyped-def]
    with llm_server(cite_the_leasing, delay_s=3.0) as server:
        slow = engine_with(
            settings, f"openai:http://127.0.0.1:{server.server_address[1]}/v1", cached_embedder, llm_timeout_s=0.5
        ).ask(QUESTION)
    assert not slow.generated and slow.answer == "66,4 ha" and "không trả lời kịp" in slow.notice
    port = free_port()  # a port nothing listens on
    absent = engine_with(settings, f"ollama:test@127.0.0.1:{port}", cached_embedder).ask(QUESTION)
    assert not absent.generated and absent.answer == "66,4 ha" and "không kết nối được" in absent.notice


def test_cli_ask_with_llm_json(settings, cached_embedder) -> None:  # type: ignore[no-untyped-def]
    with llm_server(cite_the_leasing) as server:
        out = subprocess.run(
            [sys.executable, "-m", "baocao.cli", "ask", QUESTION, "--json", "--data-dir", str(settings.data_dir),
             "--llm", f"openai:http://127.0.0.1:{server.server_address[1]}/v1#test"],
            capture_output=True, text=True, cwd=ROOT, timeout=120, check=True,
        )  # fmt: skip
    data = json.loads(out.stdout)
    assert data["llm_error"] is None and "Sở đã cho thuê" in out.stdout  # Vietnamese as text, not escapes
    assert data["generated"] is True and data["text"].endswith("66,4 ha [1].")
    assert all(f["supported"] and f["citation"] == 1 for f in data["figures_checked"])


@pytest.mark.parametrize("kind", ["openai", "ollama"])
def test_a_streamed_draft_shows_only_verified_sentences(settings, cached_embedder, kind: str) -> None:  # type: ignore[no-untyped-def]
    def two_sentences(prompt: str) -> str:
        first = cite_the_leasing(prompt)
        return f"{first} Ngoài ra đã cho thuê thêm 99,9 ha [1]. Kết thúc."

    with llm_server(two_sentences) as server:
        port = server.server_address[1]
        spec = f"openai:http://127.0.0.1:{port}/v1#test" if kind == "openai" else f"ollama:test@127.0.0.1:{port}"
        updates = list(engine_with(settings, spec, cached_embedder).ask_stream(QUESTION))
        assert len(server.sent) > 5  # it did arrive in pieces
    partial, final = updates[:-1], updates[-1]
    # the first sentence was shown as soon as it was complete and checked; the invented 99,9 ha never was
    assert partial and partial[0].generated and partial[0].text.endswith("66,4 ha [1].")
    assert all("99,9" not in u.text for u in updates)
    assert not final.generated and final.shown() == "66,4 ha" and "99,9 ha" in (final.llm_error or "")


def test_a_streamed_verified_draft_ends_as_ask_gives_it(settings, cached_embedder) -> None:  # type: ignore[no-untyped-def]
    with llm_server(cite_the_leasing) as server:
        engine = engine_with(settings, f"openai:http://127.0.0.1:{server.server_address[1]}/v1", cached_embedder)
        streamed = list(engine.ask_stream(QUESTION))[-1]
        asked = engine.ask(QUESTION)
    assert streamed.generated and streamed.text == asked.text and streamed.citations == asked.citations


def test_a_draft_that_echoes_the_prompt_is_refused(settings, cached_embedder) -> None:  # type: ignore[no-untyped-def]
    # small base models copy the passages back: every figure is then "in the passages", but it is no answer
    with llm_server(lambda prompt: prompt) as server:
        answer = engine_with(settings, f"openai:http://127.0.0.1:{server.server_address[1]}/v1", cached_embedder).ask(QUESTION)
    assert not answer.generated and "repeats the prompt" in (answer.llm_error or "")
