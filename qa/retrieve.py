"""Hybrid retrieval at sentence granularity: dense (Chroma) and BM25 fused by reciprocal rank.

Dense retrieval finds paraphrases and English questions over Vietnamese text; BM25 finds the
exact terms and figures; reciprocal rank fusion (RRF) combines their rankings without having to
calibrate their scores against each other. Only committed documents are ever returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ingest.chunk import lexical_tokens
from ingest.index import Index
from ingest.normalize import fold, match_form
from ingest.store import StoredChunk
from qa.question import Question

Mode = Literal["dense", "bm25", "hybrid"]
MODES: tuple[Mode, ...] = ("dense", "bm25", "hybrid")


@dataclass(frozen=True)
class Hit:
    """A retrieved sentence with its scores.

    Attributes:
        chunk: the sentence chunk.
        score: the fused score (RRF), higher is better.
        dense: cosine similarity to the query, or ``None`` if dense retrieval did not return it.
        lexical: BM25 score, or ``None`` if BM25 did not return it.
    """

    chunk: StoredChunk
    score: float
    dense: float | None
    lexical: float | None


@dataclass(frozen=True)
class Filters:
    """Restrictions on what may be retrieved: document ids, reporting period, issuing body."""

    doc_ids: tuple[str, ...] = ()
    period: str = ""
    issuer: str = ""


class Retriever:
    """Searches one index by dense, BM25 or hybrid retrieval."""

    def __init__(self, index: Index, *, rrf_k: int = 60) -> None:
        self.index = index
        self.rrf_k = rrf_k

    def allowed_docs(self, filters: Filters | None = None) -> set[str]:
        """Ids of the committed documents that pass the filters."""
        manifest = self.index.manifest()
        docs = set(manifest)
        if filters is None:
            return docs
        if filters.doc_ids:
            docs &= set(filters.doc_ids)
        if filters.period:
            want = match_form(filters.period)
            docs = {d for d in docs if want in match_form(manifest[d].period)}
        if filters.issuer:
            want = match_form(filters.issuer)
            docs = {d for d in docs if want in match_form(manifest[d].issuer)}
        return docs

    def search(
        self,
        question: Question,
        k: int,
        *,
        mode: Mode = "hybrid",
        filters: Filters | None = None,
        depth: int | None = None,
    ) -> list[Hit]:
        """The ``k`` best sentences for a question.

        Args:
            question: the analysed question (its ``query`` is embedded, its terms feed BM25).
            k: how many hits to return.
            mode: ``dense``, ``bm25`` or ``hybrid``.
            filters: restrict to some documents, a period or an issuer.
            depth: how deep each ranking is read before fusing (default ``3 * k``).
        """
        allowed = self.allowed_docs(filters)
        if not allowed:
            return []
        depth = depth or 3 * k
        restrict = (
            sorted(allowed) if filters and (filters.doc_ids or filters.period or filters.issuer) else None
        )
        dense: list[tuple[str, float]] = []
        lexical: list[tuple[str, float]] = []
        if mode in ("dense", "hybrid"):
            vector = self.index.embedder.embed_query(question.query)
            dense = [
                (c, s)
                for c, s in self.index.store.dense_query(vector, depth + 8, restrict)
                if c.split(":")[0] in allowed
            ]
            dense = dense[:depth]
        if mode in ("bm25", "hybrid"):
            lexical = self.index.lexical().search(
                _query_tokens(question), depth, folded=question.folded, allowed_docs=allowed
            )
        fused: dict[str, float] = {}
        for ranking in (dense, lexical):
            for rank, (cid, _) in enumerate(ranking):
                fused[cid] = fused.get(cid, 0.0) + 1.0 / (self.rrf_k + rank + 1)
        best = sorted(fused, key=lambda c: -fused[c])[:k]
        chunks = self.index.store.get_chunks(best)
        dense_of = dict(dense)
        lexical_of = dict(lexical)
        return [Hit(chunks[c], fused[c], dense_of.get(c), lexical_of.get(c)) for c in best if c in chunks]


def _query_tokens(question: Question) -> list[str]:
    if question.lang == "en":
        # the glossary's Vietnamese terms, two-syllable pairs joined as the index joins words,
        # and the unit the answer must carry ("ha"), which an English question names in English
        tokens = [t.replace(" ", "_") for t in question.terms]
        unit = (
            # as the index holds it: a compound joined ("tổ_chức"), and its syllables
            [question.unit.replace(" ", "_"), *question.unit.split()]
            if question.kind in ("count", "quantity")
            and question.unit.replace(" ", "").isalpha()
            and question.unit != "area"
            else []
        )
        return tokens + [t for term in question.terms for t in term.split()] + list(dict.fromkeys(unit))
    if question.folded:
        return [fold(t) for t in lexical_tokens(question.text)]
    return lexical_tokens(question.text)
