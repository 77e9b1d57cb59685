"""The lexical index: BM25 (bm25s) over the chunks' word tokens, with a diacritic-free twin.

Built in memory from the tokens the store keeps with each chunk, so that it can never drift from
what Chroma holds (embedded or server): every process rebuilds it when it opens the index.
The twin indexes the same tokens with diacritics stripped, so "cho thue dat" finds "cho thuê đất".
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Iterable, Sequence

import bm25s
import numpy as np

from ingest.normalize import fold


class LexicalIndex:
    """BM25 over chunk tokens, searchable with or without diacritics."""

    def __init__(self, rows: Iterable[tuple[str, str, list[str]]]) -> None:
        """Index ``(chunk_id, doc_id, tokens)`` rows."""
        ids: list[str] = []
        docs: list[str] = []
        corpus: list[list[str]] = []
        for chunk_id, doc_id, tokens in rows:
            ids.append(chunk_id)
            docs.append(doc_id)
            corpus.append(tokens)
        self.chunk_ids = ids
        self.doc_ids = np.array(docs, dtype=object)
        folded = [[fold(t) for t in tokens] for tokens in corpus]
        self._exact = _bm25(corpus)
        self._folded = _bm25(folded)
        self._df = Counter(t for tokens in corpus for t in set(tokens))
        self._df_folded = Counter(t for tokens in folded for t in set(tokens))

    def __len__(self) -> int:
        return len(self.chunk_ids)

    def known(self, token: str, *, folded: bool = False) -> bool:
        """Whether any chunk holds the token (in the diacritic-free field when ``folded``)."""
        return (self._df_folded if folded else self._df).get(token, 0) > 0

    def idf(self, token: str, *, folded: bool = False) -> float:
        """Inverse document frequency of a token over the chunks (unseen tokens weigh the most)."""
        df = (self._df_folded if folded else self._df).get(token, 0)
        return math.log(1.0 + (len(self.chunk_ids) + 1) / (df + 0.5))

    def scores(self, tokens: Sequence[str], *, folded: bool = False) -> np.ndarray:
        """BM25 score of every chunk for the query tokens (shape ``(len(self),)``)."""
        if not self.chunk_ids or not tokens:
            return np.zeros(len(self.chunk_ids), dtype=np.float32)
        if folded:
            return np.asarray(self._folded.get_scores([fold(t) for t in tokens]), dtype=np.float32)
        return np.asarray(self._exact.get_scores(list(tokens)), dtype=np.float32)

    def search(
        self,
        tokens: Sequence[str],
        k: int,
        *,
        folded: bool = False,
        allowed_docs: set[str] | None = None,
    ) -> list[tuple[str, float]]:
        """The ``k`` best chunks as ``(chunk_id, score)``, best first, zero scores left out.

        Args:
            tokens: query tokens (see ``ingest.chunk.lexical_tokens``).
            k: how many to return.
            folded: match without diacritics.
            allowed_docs: only chunks of these documents (the committed ones, a filter).
        """
        scores = self.scores(tokens, folded=folded)
        if allowed_docs is not None and len(scores):
            mask = np.fromiter((d in allowed_docs for d in self.doc_ids), dtype=bool, count=len(scores))
            scores = np.where(mask, scores, 0.0)
        order = np.argsort(-scores, kind="stable")[:k]
        return [(self.chunk_ids[i], float(scores[i])) for i in order if scores[i] > 0]


def _bm25(corpus: list[list[str]]) -> bm25s.BM25:
    # bm25s sets its own logger to DEBUG, which floods stderr once anything configures logging
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    index = bm25s.BM25()
    if corpus:
        index.index(corpus, show_progress=False)
    return index
