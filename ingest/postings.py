"""Postings tables of the lexical index, and BM25 over whole documents built on them.

A table keeps every token's entries in flat arrays (where each token's entries start, the
entries, optionally a weight per entry) rather than a dict of small arrays: a saved index then
maps each array from its file in one go instead of rebuilding tens of thousands of objects.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np


def bm25_idf(n: int, df: int) -> float:
    """bm25s's default ("lucene") idf of a token held by ``df`` of ``n`` entries: a context match
    weighs like a sentence match would."""
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


class Postings:
    """Token -> its entries (positions, and a weight for each when the field has weights), kept
    as one table: a token's entries are ``ids[indptr[row]:indptr[row + 1]]``. The same arrays
    serve a fresh build and, memory-mapped, a saved index."""

    def __init__(
        self, tokens: list[str], indptr: np.ndarray, ids: np.ndarray, weights: np.ndarray | None = None
    ) -> None:
        self.tokens = tokens
        self._row = {t: i for i, t in enumerate(tokens)}
        self._indptr = indptr
        self._ids = ids
        self._weights = weights

    @classmethod
    def build(
        cls, ids: Mapping[str, Sequence[int]], weights: Mapping[str, np.ndarray] | None = None
    ) -> Postings:
        """The table of token -> positions (and token -> one weight per position), tokens in
        sorted order so that the same entries always give the same files."""
        tokens = sorted(ids)
        indptr = np.zeros(len(tokens) + 1, dtype=np.int64)
        indptr[1:] = np.cumsum([len(ids[t]) for t in tokens])
        flat = np.array([i for t in tokens for i in ids[t]], dtype=np.int64)
        flat_weights = None
        if weights is not None:
            flat_weights = (
                np.concatenate([weights[t] for t in tokens]).astype(np.float32)
                if tokens
                else np.zeros(0, dtype=np.float32)
            )
        return cls(tokens, indptr, flat, flat_weights)

    def get(self, token: str) -> np.ndarray | None:
        """The token's positions, or ``None`` when no entry holds it."""
        row = self._row.get(token)
        return None if row is None else self._ids[self._indptr[row] : self._indptr[row + 1]]

    def weighted(self, token: str) -> tuple[np.ndarray, np.ndarray] | None:
        """The token's positions and their weights, or ``None``."""
        row = self._row.get(token)
        if row is None or self._weights is None:
            return None
        at = slice(self._indptr[row], self._indptr[row + 1])
        return self._ids[at], self._weights[at]

    def save(self, directory: Path, name: str) -> None:
        """Write ``name.tokens.json``, ``name.indptr.npy``, ``name.ids.npy`` (and ``name.weights.npy``)."""
        save_json(directory / f"{name}.tokens.json", self.tokens)
        np.save(directory / f"{name}.indptr.npy", self._indptr, allow_pickle=False)
        np.save(directory / f"{name}.ids.npy", self._ids, allow_pickle=False)
        if self._weights is not None:
            np.save(directory / f"{name}.weights.npy", self._weights, allow_pickle=False)

    @classmethod
    def load(cls, directory: Path, name: str, *, mmap: bool, weighted: bool = False) -> Postings:
        """Read a table written by :meth:`save` (its arrays memory-mapped when ``mmap``).

        Raises:
            ValueError: the arrays do not fit together (a damaged file).
        """
        mode: Literal["r"] | None = "r" if mmap else None
        tokens = json.loads((directory / f"{name}.tokens.json").read_text(encoding="utf-8"))
        indptr = np.load(directory / f"{name}.indptr.npy", mmap_mode=mode, allow_pickle=False)
        ids = np.load(directory / f"{name}.ids.npy", mmap_mode=mode, allow_pickle=False)
        weights = (
            np.load(directory / f"{name}.weights.npy", mmap_mode=mode, allow_pickle=False) if weighted else None
        )
        if len(indptr) != len(tokens) + 1 or int(indptr[-1]) != len(ids) or (
            weights is not None and len(weights) != len(ids)
        ):
            raise ValueError(f"the postings '{name}' do not fit together")
        return cls(list(tokens), indptr, ids, weights)


class DocumentField:
    """BM25 over whole documents from their term counts (bm25s's default scoring: Lucene's idf,
    ``k1`` 1.5, ``b`` 0.75), kept as postings: documents are few, and their terms those of the
    sentences, so building a second bm25s index would only repeat the sentences' work."""

    _K1 = 1.5
    _B = 0.75

    def __init__(self, n: int, postings: Postings) -> None:
        self.n = n
        self._postings = postings

    @classmethod
    def build(cls, documents: list[Counter[str]]) -> DocumentField:
        """The field over each document's term counts."""
        n = len(documents)
        lengths = np.array([sum(c.values()) for c in documents], dtype=np.float32)
        norm = cls._K1 * (1 - cls._B + cls._B * lengths / max(float(lengths.mean()) if n else 1.0, 1.0))
        found: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
        for i, counts in enumerate(documents):
            for token, tf in counts.items():
                where, how_many = found[token]
                where.append(i)
                how_many.append(tf)
        weights: dict[str, np.ndarray] = {}
        for token, (where, how_many) in found.items():
            at = np.array(where, dtype=np.int64)
            frequency = np.array(how_many, dtype=np.float32)
            weight = bm25_idf(n, len(where)) * frequency / (frequency + norm[at])
            weights[token] = weight.astype(np.float32)
        return cls(n, Postings.build({t: where for t, (where, _) in found.items()}, weights))

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every document for the tokens (shape ``(n,)``)."""
        total = np.zeros(self.n, dtype=np.float32)
        for token in tokens:
            posting = self._postings.weighted(token)
            if posting is not None:
                total[posting[0]] += posting[1]
        return total

    def save(self, directory: Path, name: str) -> None:
        """Write the field's postings and its document count (see :meth:`Postings.save`)."""
        self._postings.save(directory, name)
        save_json(directory / f"{name}.json", {"documents": self.n})

    @classmethod
    def load(cls, directory: Path, name: str, *, mmap: bool) -> DocumentField:
        """Read a field written by :meth:`save`."""
        n = int(json.loads((directory / f"{name}.json").read_text(encoding="utf-8"))["documents"])
        return cls(n, Postings.load(directory, name, mmap=mmap, weighted=True))


def save_json(path: Path, value: Any) -> None:
    """Write a value as compact UTF-8 JSON (Vietnamese tokens kept readable)."""
    path.write_text(json.dumps(value, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


