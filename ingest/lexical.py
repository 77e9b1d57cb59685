"""The lexical index: BM25 (bm25s) over the chunks' word tokens, with a diacritic-free twin.

Built from the tokens the store keeps with each chunk, so that it can never drift from what Chroma
holds (embedded or server). Building it is linear in the corpus (seconds at 20k sentences), so it
is saved beside the index (:meth:`LexicalIndex.save`) and loaded memory-mapped
(:meth:`LexicalIndex.load`); ``ingest.lexical_files`` keys the saved copy to the manifest.
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
("du an cau Thach Luyen" -> "dự án cầu Thạch Luyện", see ``ingest.diacritics``): the dense
encoder cannot read it bare.
"""

from __future__ import annotations

import json
import logging
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from mmap import ACCESS_READ
from mmap import mmap as MappedFile
from pathlib import Path
from typing import Any, Literal, NamedTuple

import numpy as np

from ingest.diacritics import Respeller
from ingest.normalize import fold
from ingest.postings import DocumentField, Postings, bm25_idf, save_json

# what the files of a saved index hold; another number is another layout, never read
FORMAT_VERSION = 1
_META = "lexical.json"


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
        self._postings = Postings.build(_context_postings(contexts))
        self._postings_folded = Postings.build(_context_postings(contexts, bare))
        # the document field: the document's sentences, and its title and headings once each
        self.documents = list(doc_terms)
        position = {d: i for i, d in enumerate(self.documents)}
        self.doc_index = np.array([position[d] for d in docs], dtype=np.int64)
        terms = [doc_terms[d] + Counter(doc_context[d]) for d in self.documents]
        self._doc_exact = DocumentField.build(terms)
        self._doc_folded = DocumentField.build([_folded_counts(c, bare) for c in terms])
        # for putting diacritics back: the sentences' syllables in order (pairs counted on first use)
        syllables = [" ".join(t for t in tokens if "_" not in t) for tokens in corpus]
        self._syllables: Sequence[str] | MappedFile = syllables
        self._respeller = Respeller(self._df, self._syllable_lines)

    def __len__(self) -> int:
        return len(self.chunk_ids)

    def save(self, directory: Path) -> list[Path]:
        """Write the index's files into an empty ``directory``: the two bm25s twins (``bm25s.BM25.save``),
        the fields' postings and flags as ``.npy`` arrays, the ids and word statistics as JSON.

        Nothing here is atomic or synced: ``ingest.lexical_files`` writes into a temporary
        directory, syncs, and renames it into place.

        Returns:
            Every file written, the description ``lexical.json`` last (it is written last).
        """
        directory.mkdir(parents=True, exist_ok=True)
        n = len(self.chunk_ids)
        if n:
            for name, index in (("exact", self._exact), ("folded", self._folded)):
                index.save(str(directory / name), show_progress=False)
        save_json(directory / "ids.json", {"chunks": self.chunk_ids, "documents": self.documents})
        # sorted: the files do not depend on the order a set happened to give while building
        save_json(
            directory / "df.json",
            {"exact": dict(sorted(self._df.items())), "folded": dict(sorted(self._df_folded.items()))},
        )
        save_json(directory / "syllables.json", list(self._syllable_lines()))
        arrays = {
            "doc_index": self.doc_index,
            "has_number": self.has_number,
            "is_heading": self.is_heading,
            "is_question": self.is_question,
            "context_of": self._context_of,
        }
        for name, array in arrays.items():
            np.save(directory / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)
        self._postings.save(directory, "context")
        self._postings_folded.save(directory, "context-folded")
        self._doc_exact.save(directory, "document")
        self._doc_folded.save(directory, "document-folded")
        save_json(
            directory / _META,
            {"format": FORMAT_VERSION, "chunks": n, "contexts": self._n_contexts, "documents": len(self.documents)},
        )
        files = sorted(p for p in directory.rglob("*") if p.is_file() and p.name != _META)
        return [*files, directory / _META]

    @classmethod
    def load(cls, directory: Path, *, mmap: bool = True) -> LexicalIndex:
        """Read an index written by :meth:`save`; the arrays (bm25s's score matrices among them)
        are memory-mapped when ``mmap``, so pages are read as queries touch them and shared
        between processes. The sentences' syllables are read only when a question typed without
        diacritics needs them.

        Raises:
            ValueError: the files are of another format or do not fit together.
            OSError, KeyError, json.JSONDecodeError: a file is missing or unreadable.
        """
        meta = json.loads((directory / _META).read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT_VERSION:
            raise ValueError(f"format {meta.get('format')!r}, this version reads {FORMAT_VERSION}")
        self = cls.__new__(cls)
        n = int(meta["chunks"])
        ids = json.loads((directory / "ids.json").read_text(encoding="utf-8"))
        self.chunk_ids = list(ids["chunks"])
        self.documents = list(ids["documents"])
        self.position = {cid: i for i, cid in enumerate(self.chunk_ids)}
        mode: Literal["r"] | None = "r" if mmap else None
        arrays = {
            name: np.load(directory / f"{name}.npy", mmap_mode=mode, allow_pickle=False)
            for name in ("doc_index", "has_number", "is_heading", "is_question", "context_of")
        }
        if len(self.chunk_ids) != n or any(len(a) != n for a in arrays.values()):
            raise ValueError(f"the arrays do not all hold {n} chunks")
        self.doc_index = arrays["doc_index"]
        self.has_number = arrays["has_number"]
        self.is_heading = arrays["is_heading"]
        self.is_question = arrays["is_question"]
        self._context_of = arrays["context_of"]
        self._n_contexts = int(meta["contexts"])
        self.doc_ids = np.array(self.documents, dtype=object)[self.doc_index] if n else np.array([], dtype=object)
        df = json.loads((directory / "df.json").read_text(encoding="utf-8"))
        self._df = df["exact"]
        self._df_folded = df["folded"]
        if n:
            import bm25s

            _quiet_bm25s()
            self._exact = bm25s.BM25.load(str(directory / "exact"), mmap=mmap, show_progress=False)
            self._folded = bm25s.BM25.load(str(directory / "folded"), mmap=mmap, show_progress=False)
            if any(int(b.scores["num_docs"]) != n for b in (self._exact, self._folded)):
                raise ValueError(f"the BM25 twins do not hold {n} chunks")
        else:
            self._exact = self._folded = _bm25([])
        self._postings = Postings.load(directory, "context", mmap=mmap)
        self._postings_folded = Postings.load(directory, "context-folded", mmap=mmap)
        self._doc_exact = DocumentField.load(directory, "document", mmap=mmap)
        self._doc_folded = DocumentField.load(directory, "document-folded", mmap=mmap)
        # mapped now, read on first use: the mapping outlives the file if a newer copy replaces it
        with (directory / "syllables.json").open("rb") as f:
            self._syllables = MappedFile(f.fileno(), 0, access=ACCESS_READ)
        self._respeller = Respeller(self._df, self._syllable_lines)
        return self

    def _syllable_lines(self) -> Sequence[str]:
        if isinstance(self._syllables, MappedFile):
            self._syllables = list(json.loads(self._syllables[:].decode("utf-8")))
        return self._syllables

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
                weight = context_weight * bm25_idf(len(self.chunk_ids), df.get(token, 0))
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
        spell it there, judged by the reports' syllables and the pairs they form (see
        ``ingest.diacritics``).

        >>> index.restore_diacritics("Du an cau Thach Luyen hoan thanh nam nao?")  # doctest: +SKIP
        'Dự án cầu Thạch Luyện hoàn thành năm nào?'
        """
        return self._respeller.restore(text)


def _context_postings(
    contexts: dict[tuple[str, ...], int], bare: dict[str, str] | None = None
) -> dict[str, list[int]]:
    """Token (folded through ``bare`` when given) -> the ids of the contexts that hold it."""
    found: dict[str, list[int]] = defaultdict(list)
    for tokens, i in contexts.items():
        for token in {bare[t] for t in tokens} if bare is not None else set(tokens):
            found[token].append(i)
    return found


def _folded_counts(counts: Counter[str], bare: dict[str, str]) -> Counter[str]:
    folded: Counter[str] = Counter()
    for token, n in counts.items():
        folded[bare[token]] += n
    return folded


def _quiet_bm25s() -> None:
    # bm25s sets its own logger to DEBUG, which floods stderr once anything configures logging
    logging.getLogger("bm25s").setLevel(logging.WARNING)


def _bm25(corpus: list[list[str]]) -> Any:
    """A bm25s index over the token lists, its vocabulary numbered in sorted order (bm25s numbers
    tokens in the order of a set, which changes from one process to the next): the same chunks
    give the same files, whichever process builds them."""
    import bm25s

    _quiet_bm25s()
    index = bm25s.BM25()
    if corpus:
        vocabulary = {t: i for i, t in enumerate(sorted({t for tokens in corpus for t in tokens}))}
        index.index(([[vocabulary[t] for t in tokens] for tokens in corpus], vocabulary), show_progress=False)
    return index
