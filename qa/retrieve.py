"""Hybrid retrieval at sentence granularity: dense (Chroma) and BM25, with a document stage.

Dense retrieval finds paraphrases and English questions over Vietnamese text; BM25 finds the
exact terms and figures; reciprocal rank fusion (RRF) combines their rankings without having to
calibrate their scores against each other. Only committed documents are ever returned.

A question usually names its document's subject ("cầu Thạch Luyện", "Nghị định 26/2025") and
the fact it wants ("tổng mức đầu tư"), while the sentence that states the fact often names only
the fact: the subject is in the title or the heading above it. So BM25 also reads each sentence's
title and heading (``ingest.lexical``), and the hybrid ranking adds a document stage: documents
ranked by BM25 over their whole text and by their best sentence's dense rank, each sentence
gaining by its document's rank. What cannot hold an answer ranks lower: a heading, a sentence
that itself asks a question, and, for a question asking a figure, a date or a code, a sentence
with no number in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ingest.chunk import lexical_tokens
from ingest.index import Index
from ingest.lexical import LexicalIndex
from ingest.normalize import fold, match_form
from ingest.store import StoredChunk
from qa.question import Question

Mode = Literal["dense", "bm25", "hybrid"]
MODES: tuple[Mode, ...] = ("dense", "bm25", "hybrid")

# The weights below were fitted on the gold corpus's train split and chosen on its dev split.
# What a question term found only in a sentence's title or heading counts, against its idf.
CONTEXT_WEIGHT = 0.5
# BM25's ranking against the dense one's in the fusion. For a Vietnamese question the words are
# the stronger evidence; for an English one only the glossary's terms and the names carry over.
_LEXICAL_WEIGHT = {"vi": 2.0, "en": 1.0}
# The document stage: what a sentence gains by its document's rank, against a sentence ranking;
# the fusion constant of the two document rankings (few documents: the first ones matter) and
# how many documents each ranking gives.
_DOCUMENT_WEIGHT = 1.0
_DOCUMENT_RRF_K = 10
_DOCUMENT_DEPTH = 50
# A heading, a sentence that asks, or (for a figure, a date or a code) a sentence without a number.
_DEMOTED = 0.7
_NUMERIC_KINDS = frozenset({"quantity", "count", "percent", "money", "date", "docref"})
# Words that ask rather than name what is asked about: as BM25 terms they find the sentences
# that ask too ("... bị phạt bao nhiêu tiền?"). Typed without diacritics, only those that are
# no other word ("bao" is also "báo", "dau" is "đầu").
_ASKING = frozenset(
    {"bao", "nhiêu", "bao_nhiêu", "mấy", "gì", "nào", "ai", "đâu", "khi_nào", "bao_giờ", "thế_nào"}
    | {"như_thế_nào", "ra_sao", "hả", "vậy", "sao"}
)
_ASKING_FOLDED = frozenset(
    {"nhieu", "gi", "nao", "bao_nhieu", "khi_nao", "bao_gio", "the_nao", "nhu_the_nao"}
)
_WORD = re.compile(r"\w+")


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
            mode: ``dense``, ``bm25`` or ``hybrid`` (both, with the document stage).
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
        lexical_index = self.index.lexical()
        dense: list[tuple[str, float]] = []
        lexical: list[tuple[str, float]] = []
        if mode in ("dense", "hybrid"):
            vector = self.index.embedder.embed_query(dense_query(question, lexical_index))
            dense = [
                (c, s)
                for c, s in self.index.store.dense_query(vector, depth + 8, restrict)
                if c.split(":")[0] in allowed
            ]
            dense = dense[:depth]
        groups = _query_groups(question, lexical_index) if mode in ("bm25", "hybrid") else []
        if groups:
            scores = np.zeros(len(lexical_index), dtype=np.float32)
            for tokens, folded in groups:
                scores += lexical_index.scores(tokens, folded=folded, context_weight=CONTEXT_WEIGHT)
            lexical = lexical_index.top(scores, depth, allowed)
        if mode == "hybrid":
            fused = self._fuse(question, dense, lexical, groups, allowed)
        else:
            fused = {cid: 1.0 / (self.rrf_k + rank + 1) for rank, (cid, _) in enumerate(dense or lexical)}
        best = sorted(fused, key=lambda c: -fused[c])[:k]
        chunks = self.index.store.get_chunks(best)
        dense_of = dict(dense)
        lexical_of = dict(lexical)
        return [Hit(chunks[c], fused[c], dense_of.get(c), lexical_of.get(c)) for c in best if c in chunks]

    def _fuse(
        self,
        question: Question,
        dense: list[tuple[str, float]],
        lexical: list[tuple[str, float]],
        groups: list[tuple[list[str], bool]],
        allowed: set[str],
    ) -> dict[str, float]:
        """RRF of the dense and BM25 rankings, plus the document stage, times the demotions."""
        lexical_index = self.index.lexical()
        weight = _LEXICAL_WEIGHT["en" if question.lang == "en" else "vi"]
        fused: dict[str, float] = {}
        for ranking, w in ((dense, 1.0), (lexical, weight)):
            for rank, (cid, _) in enumerate(ranking):
                fused[cid] = fused.get(cid, 0.0) + w / (self.rrf_k + rank + 1)
        position = lexical_index.position
        doc_rank = _document_ranks(groups, dense, lexical_index, allowed)
        numeric = question.kind in _NUMERIC_KINDS
        for cid in fused:
            at = position.get(cid)
            if at is None:
                continue  # committed after the lexical index was built: no stage, no demotion
            doc = doc_rank.get(int(lexical_index.doc_index[at]))
            if doc is not None:
                fused[cid] += _DOCUMENT_WEIGHT / (self.rrf_k + doc + 1)
            if lexical_index.is_heading[at] or lexical_index.is_question[at]:
                fused[cid] *= _DEMOTED
            if numeric and not lexical_index.has_number[at]:
                fused[cid] *= _DEMOTED
        return fused


def dense_query(question: Question, lexical: LexicalIndex) -> str:
    """The text to embed for a question: typed without diacritics, they are put back first
    ("du an cau Thach Luyen" -> "dự án cầu Thạch Luyện"): the encoder cannot read it bare."""
    return lexical.restore_diacritics(question.query) if question.folded else question.query


def _document_ranks(
    groups: list[tuple[list[str], bool]],
    dense: list[tuple[str, float]],
    lexical: LexicalIndex,
    allowed: set[str],
) -> dict[int, int]:
    """Rank of the documents (positions in ``lexical.documents``) most likely to hold the answer:
    RRF of BM25 over each whole document and of each document's best sentence in the dense ranking."""
    scores = np.zeros(len(lexical.documents), dtype=np.float32)
    for tokens, folded in groups:
        scores += lexical.document_scores(tokens, folded=folded)
    scores = np.where([d in allowed for d in lexical.documents], scores, 0.0)
    by_words = [int(i) for i in np.argsort(-scores, kind="stable")[:_DOCUMENT_DEPTH] if scores[i] > 0]
    by_meaning: list[int] = []
    for cid, _ in dense:
        at = lexical.position.get(cid)
        if at is not None and (doc := int(lexical.doc_index[at])) not in by_meaning:
            by_meaning.append(doc)
            if len(by_meaning) == _DOCUMENT_DEPTH:
                break
    fused: dict[int, float] = {}
    for ranking in (by_words, by_meaning):
        for rank, doc in enumerate(ranking):
            fused[doc] = fused.get(doc, 0.0) + 1.0 / (_DOCUMENT_RRF_K + rank + 1)
    return {doc: rank for rank, doc in enumerate(sorted(fused, key=lambda d: -fused[d]))}


def _query_groups(question: Question, lexical: LexicalIndex) -> list[tuple[list[str], bool]]:
    """The question's BM25 tokens, as ``(tokens, folded)`` groups whose scores add up."""
    if question.lang == "en":
        groups = [(_english_tokens(question), False)]
        names = _name_tokens(question.text, lexical)
        if names:
            groups.append((names, True))
        return groups
    if question.folded:
        return [
            ([t for t in (fold(t) for t in lexical_tokens(question.text)) if t not in _ASKING_FOLDED], True)
        ]
    return [([t for t in lexical_tokens(question.text) if t not in _ASKING], False)]


def _english_tokens(question: Question) -> list[str]:
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


def _name_tokens(text: str, lexical: LexicalIndex) -> list[str]:
    """The names and numbers of an English question as the reports' words without diacritics:
    "Decree 261/2025", "Lao Cai", "Tet" -> "261", "2025", "lao", "cai", "lao_cai", "tet".

    A word counts when it is capitalised (past the first word), has a digit or a diacritic, and
    some report holds it: English words the reports never use drop out by themselves.
    """
    words = _WORD.findall(text)
    found: list[str] = []
    named: list[int] = []
    for i, word in enumerate(words):
        bare = fold(word)
        is_name = (i > 0 and word[:1].isupper()) or any(ch.isdigit() for ch in word) or bare != word.lower()
        if is_name and lexical.known(bare, folded=True):
            found.append(bare)
            named.append(i)
    for a, b in zip(named, named[1:], strict=False):
        pair = f"{fold(words[a])}_{fold(words[b])}"
        if b == a + 1 and lexical.known(pair, folded=True):
            found.append(pair)  # "Lao Cai" as the index joins the words of a name
    return found
