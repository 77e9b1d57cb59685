"""The lexical index: BM25 (bm25s) over the chunks' word tokens, with a diacritic-free twin.

Built in memory from the tokens the store keeps with each chunk, so that it can never drift from
what Chroma holds (embedded or server): every process rebuilds it when it opens the index.
The twin indexes the same tokens with diacritics stripped, so "cho thue dat" finds "cho thuê đất".

Three fields:

- the sentence's own tokens (BM25 over sentences);
- its context, the tokens of the document's title and of the heading it sits under: a question
  term the sentence lacks but its context has counts a fraction of its weight, and a term counts
  once, from whichever field weighs more. A question that names a document's subject ("cầu Thạch
  Luyện") and a fact under it ("tổng mức đầu tư") finds the sentence that states the fact without
  repeating the subject, and sentences that restate the subject gain nothing over it for that;
- the whole document (BM25 over documents: title, headings and text), for the document stage.

Word statistics of the sentences also put the diacritics back on a question typed without them
("du an cau Thach Luyen" -> "dự án cầu Thạch Luyện"): the dense encoder cannot read it bare.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import bm25s
import numpy as np

from ingest.normalize import fold

_WORD = re.compile(r"\w+")
# how much a word pair seen in the reports counts against how often each syllable is seen,
# when putting diacritics back ("phat" after "bị" is "phạt", not "phát")
_PAIR_WEIGHT = 3.0


class LexicalRow(NamedTuple):
    """A chunk's lexical fields as the store keeps them."""

    chunk_id: str
    doc_id: str
    tokens: list[str]
    context: list[str]
    role: str


class LexicalIndex:
    """BM25 over chunk tokens (with their title-and-heading context) and over whole documents,
    searchable with or without diacritics.

    Attributes:
        chunk_ids: the chunks, in index order (every array below is aligned with it).
        position: each chunk id's place in ``chunk_ids``.
        doc_ids: each chunk's document id.
        documents: the document ids, in the order of :meth:`document_scores`.
        doc_index: each chunk's position in ``documents``.
        has_number: whether the chunk states any number (a figure, a date, a code).
        is_heading: the chunk is a heading.
        is_question: the chunk is a sentence that asks ("... bị phạt bao nhiêu tiền?").
    """

    def __init__(self, rows: Iterable[LexicalRow]) -> None:
        """Index the chunks' rows (see ``ingest.store.Store.lexical_rows``)."""
        ids: list[str] = []
        docs: list[str] = []
        corpus: list[list[str]] = []
        contexts: dict[tuple[str, ...], int] = {}
        context_of: list[int] = []
        roles: list[str] = []
        doc_terms: dict[str, Counter[str]] = {}
        doc_context: dict[str, set[str]] = {}
        for row in rows:
            ids.append(row.chunk_id)
            docs.append(row.doc_id)
            corpus.append(row.tokens)
            roles.append(row.role)
            context = tuple(row.context)
            if context not in contexts:
                contexts[context] = len(contexts)
            context_of.append(contexts[context])
            doc_terms.setdefault(row.doc_id, Counter()).update(row.tokens)
            doc_context.setdefault(row.doc_id, set()).update(context)
        self.chunk_ids = ids
        self.position = {cid: i for i, cid in enumerate(ids)}
        self.doc_ids = np.array(docs, dtype=object)
        self.has_number = np.fromiter(
            (any(t.isdigit() for t in tokens) for tokens in corpus), dtype=bool, count=len(corpus)
        )
        role_array = np.array(roles, dtype=object)
        self.is_heading = role_array == "heading"
        self.is_question = role_array == "question"
        self._df = Counter(t for tokens in corpus for t in set(tokens))
        # each distinct token folded once (a corpus holds a few thousand, and hundreds of thousands of uses)
        bare = {t: fold(t) for t in self._df}
        bare.update((t, fold(t)) for tokens in contexts for t in tokens if t not in bare)
        folded = [[bare[t] for t in tokens] for tokens in corpus]
        self._exact = _bm25(corpus)
        self._folded = _bm25(folded)
        self._df_folded = Counter(t for tokens in folded for t in set(tokens))
        # the context field: each distinct title-and-heading once, and which chunks sit under it
        self._context_of = np.array(context_of, dtype=np.int64)
        self._n_contexts = len(contexts)
        self._postings = _postings(contexts)
        self._postings_folded = _postings(contexts, bare)
        # the document field: the document's sentences, and its title and headings once each
        self.documents = list(doc_terms)
        position = {d: i for i, d in enumerate(self.documents)}
        self.doc_index = np.array([position[d] for d in docs], dtype=np.int64)
        terms = [doc_terms[d] + Counter(doc_context[d]) for d in self.documents]
        self._doc_exact = _DocumentField(terms)
        self._doc_folded = _DocumentField([_folded_counts(c, bare) for c in terms])
        # for putting diacritics back: the sentences' syllables in order (pairs counted on first use)
        self._syllables = [" ".join(t for t in tokens if "_" not in t) for tokens in corpus]
        self._pairs: Counter[tuple[str, str]] | None = None
        self._spellings: dict[str, list[str]] = {}

    def __len__(self) -> int:
        return len(self.chunk_ids)

    def known(self, token: str, *, folded: bool = False) -> bool:
        """Whether any chunk holds the token (in the diacritic-free field when ``folded``)."""
        return (self._df_folded if folded else self._df).get(token, 0) > 0

    def idf(self, token: str, *, folded: bool = False) -> float:
        """Inverse document frequency of a token over the chunks (unseen tokens weigh the most)."""
        df = (self._df_folded if folded else self._df).get(token, 0)
        return math.log(1.0 + (len(self.chunk_ids) + 1) / (df + 0.5))

    def scores(
        self, tokens: Sequence[str], *, folded: bool = False, context_weight: float = 0.0
    ) -> np.ndarray:
        """BM25 score of every chunk for the query tokens (shape ``(len(self),)``).

        Args:
            tokens: query tokens (see ``ingest.chunk.lexical_tokens``); a repeated token counts again.
            folded: match without diacritics.
            context_weight: what a query token found only in the chunk's title or heading counts,
                as a fraction of its inverse document frequency (``0``: the sentence alone). A
                token counts once per chunk, from whichever field gives it more.
        """
        if not self.chunk_ids or not tokens:
            return np.zeros(len(self.chunk_ids), dtype=np.float32)
        index = self._folded if folded else self._exact
        query = [fold(t) for t in tokens] if folded else list(tokens)
        if context_weight <= 0:
            return np.asarray(index.get_scores(query), dtype=np.float32)
        df = self._df_folded if folded else self._df
        postings = self._postings_folded if folded else self._postings
        total = np.zeros(len(self.chunk_ids), dtype=np.float32)
        for token, count in Counter(query).items():
            under = postings.get(token)
            if not df.get(token) and under is None:
                continue
            field = np.asarray(index.get_scores([token]), dtype=np.float32)
            if under is not None:
                in_context = np.zeros(self._n_contexts, dtype=bool)
                in_context[under] = True
                weight = context_weight * _bm25_idf(len(self.chunk_ids), df.get(token, 0))
                field = np.maximum(field, np.where(in_context[self._context_of], weight, 0.0))
            total += count * field
        return total

    def search(
        self,
        tokens: Sequence[str],
        k: int,
        *,
        folded: bool = False,
        allowed_docs: set[str] | None = None,
        context_weight: float = 0.0,
    ) -> list[tuple[str, float]]:
        """The ``k`` best chunks as ``(chunk_id, score)``, best first, zero scores left out.

        Args:
            tokens: query tokens (see ``ingest.chunk.lexical_tokens``).
            k: how many to return.
            folded: match without diacritics.
            allowed_docs: only chunks of these documents (the committed ones, a filter).
            context_weight: see :meth:`scores`.
        """
        return self.top(self.scores(tokens, folded=folded, context_weight=context_weight), k, allowed_docs)

    def top(
        self, scores: np.ndarray, k: int, allowed_docs: set[str] | None = None
    ) -> list[tuple[str, float]]:
        """The ``k`` best chunks of a score array (see :meth:`scores`), zero scores left out."""
        if allowed_docs is not None and len(scores):
            scores = np.where(self.doc_mask(allowed_docs), scores, 0.0)
        order = np.argsort(-scores, kind="stable")[:k]
        return [(self.chunk_ids[i], float(scores[i])) for i in order if scores[i] > 0]

    def doc_mask(self, allowed_docs: set[str]) -> np.ndarray:
        """Which chunks belong to the allowed documents (shape ``(len(self),)``)."""
        allowed = np.fromiter(
            (d in allowed_docs for d in self.documents), dtype=bool, count=len(self.documents)
        )
        return allowed[self.doc_index]

    def document_scores(self, tokens: Sequence[str], *, folded: bool = False) -> np.ndarray:
        """BM25 score of every document (its sentences, title and headings) for the query tokens,
        in the order of ``documents``."""
        if folded:
            return self._doc_folded.scores([fold(t) for t in tokens])
        return self._doc_exact.scores(tokens)

    def restore_diacritics(self, text: str) -> str:
        """The text with each word typed without diacritics spelled as the reports most likely
        spell it there, judged by the reports' syllables and the pairs they form.

        Words with diacritics, words with digits and words the reports never spell are kept.
        Case is kept: a capitalised word stays capitalised, an upper-case one upper case.

        >>> index.restore_diacritics("Du an cau Thach Luyen hoan thanh nam nao?")  # doctest: +SKIP
        'Dự án cầu Thạch Luyện hoàn thành năm nào?'
        """
        pairs = self._word_pairs()
        runs: list[list[re.Match[str]]] = []
        last_end = -1
        for match in _WORD.finditer(text):
            word = match.group(0)
            if fold(word) != word.lower() or not self._spellings.get(word.lower()):
                last_end = -1  # kept as it is, and it breaks the run
                continue
            if runs and last_end >= 0 and not text[last_end : match.start()].strip():
                runs[-1].append(match)
            else:
                runs.append([match])
            last_end = match.end()
        out = []
        pos = 0
        for run in runs:
            for match, spelled in zip(
                run, self._best_spelling([m.group(0).lower() for m in run], pairs), strict=True
            ):
                word = match.group(0)
                if word.isupper() and len(word) > 1:
                    spelled = spelled.upper()
                elif word[:1].isupper():
                    spelled = spelled[:1].upper() + spelled[1:]
                out.append(text[pos : match.start()])
                out.append(spelled)
                pos = match.end()
        out.append(text[pos:])
        return "".join(out)

    def _word_pairs(self) -> Counter[tuple[str, str]]:
        if self._pairs is None:
            pairs: Counter[tuple[str, str]] = Counter()
            for line in self._syllables:
                syllables = line.split(" ")
                pairs.update(zip(syllables, syllables[1:], strict=False))
            spellings: dict[str, list[str]] = defaultdict(list)
            for token in self._df:
                if "_" not in token and not any(ch.isdigit() for ch in token):
                    spellings[fold(token)].append(token)
            self._spellings = dict(spellings)
            self._pairs = pairs
        return self._pairs

    def _best_spelling(self, words: list[str], pairs: Counter[tuple[str, str]]) -> list[str]:
        """The most likely spellings of a run of bare words (Viterbi over the reports' pairs)."""
        best = {s: (math.log1p(self._df[s]), [s]) for s in self._spellings[words[0]]}
        for word in words[1:]:
            step = {}
            for s in self._spellings[word]:
                score, path = max(
                    ((prev + _PAIR_WEIGHT * math.log1p(pairs[(p[-1], s)]), p) for prev, p in best.values()),
                    key=lambda x: x[0],
                )
                step[s] = (score + math.log1p(self._df[s]), [*path, s])
            best = step
        return max(best.values(), key=lambda x: x[0])[1]


def _bm25_idf(n: int, df: int) -> float:
    # bm25s's default ("lucene") idf, so that a context match weighs like a sentence match would
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


def _postings(
    contexts: dict[tuple[str, ...], int], bare: dict[str, str] | None = None
) -> dict[str, np.ndarray]:
    """Token (folded through ``bare`` when given) -> the ids of the contexts that hold it."""
    found: dict[str, list[int]] = defaultdict(list)
    for tokens, i in contexts.items():
        for token in {bare[t] for t in tokens} if bare is not None else set(tokens):
            found[token].append(i)
    return {t: np.array(ids, dtype=np.int64) for t, ids in found.items()}


def _folded_counts(counts: Counter[str], bare: dict[str, str]) -> Counter[str]:
    folded: Counter[str] = Counter()
    for token, n in counts.items():
        folded[bare[token]] += n
    return folded


class _DocumentField:
    """BM25 over whole documents from their term counts (bm25s's default scoring: Lucene's idf,
    ``k1`` 1.5, ``b`` 0.75), kept as postings: documents are few, and their terms those of the
    sentences, so building a second bm25s index would only repeat the sentences' work."""

    _K1 = 1.5
    _B = 0.75

    def __init__(self, documents: list[Counter[str]]) -> None:
        self.n = len(documents)
        lengths = np.array([sum(c.values()) for c in documents], dtype=np.float32)
        norm = self._K1 * (
            1 - self._B + self._B * lengths / max(float(lengths.mean()) if self.n else 1.0, 1.0)
        )
        found: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
        for i, counts in enumerate(documents):
            for token, tf in counts.items():
                where, how_many = found[token]
                where.append(i)
                how_many.append(tf)
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for token, (where, how_many) in found.items():
            at = np.array(where, dtype=np.int64)
            frequency = np.array(how_many, dtype=np.float32)
            weight = _bm25_idf(self.n, len(where)) * frequency / (frequency + norm[at])
            self._postings[token] = (at, weight.astype(np.float32))

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        total = np.zeros(self.n, dtype=np.float32)
        for token in tokens:
            posting = self._postings.get(token)
            if posting is not None:
                total[posting[0]] += posting[1]
        return total


def _bm25(corpus: list[list[str]]) -> bm25s.BM25:
    # bm25s sets its own logger to DEBUG, which floods stderr once anything configures logging
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    index = bm25s.BM25()
    if corpus:
        index.index(corpus, show_progress=False)
    return index
