"""The question-answering engine: built once from settings, then asked many times."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from baocao.errors import QuestionError
from baocao.settings import Settings
from ingest.index import Index
from ingest.normalize import clean
from ingest.ocr import ocr_confidence
from ingest.store import DocRecord
from qa.abbreviations import Abbreviations
from qa.answer import Candidate, Extractor, decide
from qa.conversation import resolve
from qa.factcheck import Checker, Verdict
from qa.glossary import Glossary
from qa.llm import Composer, parse_llm
from qa.periods import read_question
from qa.question import Question, analyse, bare_words
from qa.ranker import Ranker
from qa.records import Answer
from qa.retrieve import Filters, Hit, Mode, Retriever
from qa.timeline import answer_over_time, with_period


class Engine:
    """Answers questions (and, with ``qa.factcheck``, checks claims) over one index."""

    def __init__(self, index: Index, settings: Settings, glossary: Glossary | None = None) -> None:
        self.index = index
        self.settings = settings
        self.glossary = glossary or Glossary.load()
        self.abbreviations = Abbreviations.load()
        self.retriever = Retriever(index, rrf_k=settings.rrf_k)
        self.ranker = _ranker(settings.ranker)
        spec = parse_llm(settings.llm)
        self.composer = Composer(spec, settings) if spec else None
        self._doc_text = lru_cache(maxsize=256)(index.store.document_text)

    @classmethod
    def from_settings(cls, settings: Settings) -> Engine:
        """Open the index the settings name (read-only) and build the engine over it."""
        return cls(Index.open(settings), settings)

    def refresh(self) -> None:
        """Re-read the manifest (documents added or removed by this or another process)."""
        self.index.manifest(refresh=True)
        self._doc_text.cache_clear()

    def ask(
        self,
        question: str,
        *,
        history: Sequence[str] = (),
        filters: Filters | None = None,
        mode: Mode = "hybrid",
        qid: str | None = None,
        series: bool = False,
    ) -> Answer:
        """Answer a question from the reports, with citations, or abstain.

        Args:
            question: Vietnamese or English, with or without diacritics.
            history: earlier questions of the conversation, oldest first (for follow-ups).
            filters: restrict to documents, a reporting period or an issuer.
            mode: retrieval mode (``hybrid`` unless comparing in eval).
            qid: an id echoed back in the answer.
            series: give the measure's figure in every period (``Answer.series``) whatever the
                question's words ("qua các quý" asks for it too).

        Raises:
            QuestionError: the question is empty or longer than ``max_question_chars``.
        """
        answer, hits, analysed = self._extract(question, history, filters, mode, series)
        answer = self._warn_ocr(answer)
        if self.composer is not None:
            answer = self.composer.compose(
                question, history, answer, hits, self.index.manifest(), self._doc_text, lang=analysed.lang
            )
        return replace(answer, id=qid) if qid is not None else answer

    def ask_stream(
        self,
        question: str,
        *,
        history: Sequence[str] = (),
        filters: Filters | None = None,
        mode: Mode = "hybrid",
        series: bool = False,
    ) -> Iterator[Answer]:
        """``ask``, with an LLM's answer shown as it is written: each yielded answer holds the
        longest part of the draft verified so far, and the last one is what ``ask`` gives (the
        verified draft, or the extractive answer with a notice). Without an LLM, one answer."""
        answer, hits, analysed = self._extract(question, history, filters, mode, series)
        answer = self._warn_ocr(answer)
        if self.composer is None:
            yield answer
            return
        yield from self.composer.compose_stream(
            question, history, answer, hits, self.index.manifest(), self._doc_text, lang=analysed.lang
        )

    def _warn_ocr(self, answer: Answer) -> Answer:
        """An answer whose figure comes from a scanned page read with low OCR confidence says so."""
        for c in answer.citations[:1]:
            conf = ocr_confidence(c.origin)
            if conf is not None and conf < self.settings.ocr_min_confidence and answer.answer is not None:
                page = c.origin.split(" (")[0]
                return replace(
                    answer,
                    notice=f"Số liệu đọc bằng OCR từ {page} với độ tin cậy {conf:.0f}%: hãy đối chiếu bản quét.",
                )
        return answer

    def _extract(
        self, question: str, history: Sequence[str], filters: Filters | None, mode: Mode, series: bool = False
    ) -> tuple[Answer, list[Hit], Question]:
        """The extractive answer, the sentences it was looked for in, and the analysed question."""
        if not question or not question.strip():
            raise QuestionError("the question is empty; type a question about the reports")
        if len(question) > self.settings.max_question_chars:
            raise QuestionError(
                f"the question is {len(question)} characters, over the {self.settings.max_question_chars} limit; shorten it"
            )
        resolved = resolve(question, history, self.glossary)
        manifest = self.index.manifest()
        # over several periods' reports the question's words of time select the figures' period;
        # over one period's they are words like the others
        several = len({r.period for r in manifest.values() if r.period}) > 1
        timing = read_question(resolved, series=series) if several or series else None
        analysed = self._analyse(timing.rest if timing is not None and timing.any else resolved)
        # a question that asks when ("năm nào", "ngày nào") is answered by a period's words: it is
        # read whole, as over one period's reports
        asks_when = timing is not None and not (timing.compares or timing.series) and analysed.kind == "date"
        if asks_when:
            analysed = self._analyse(resolved)
        depth = self.settings.candidates
        hits, found, decide_among = self._candidates(analysed, question, depth, mode, filters, manifest)
        if timing is None or asks_when:
            answer = with_period(decide_among(found), found, manifest)
        else:
            answer = answer_over_time(timing, found, decide_among, manifest)
            if answer.abstained and timing.period is not None and not (timing.compares or timing.series):
                # read whole, the question's period words also match the sentence of its period
                # (the reports' "năm 2025" beside "Năm 2025 ... bao nhiêu cuộc"); its other
                # periods' figures are out all the same
                whole = self._analyse(resolved)
                _, found_whole, decide_whole = self._candidates(whole, question, depth, mode, filters, manifest)
                again = answer_over_time(timing, found_whole, decide_whole, manifest)
                answer = again if not again.abstained else answer
        return answer, hits, analysed

    def _candidates(
        self, analysed: Question, question: str, depth: int, mode: Mode, filters: Filters | None, manifest: dict[str, DocRecord]
    ) -> tuple[list[Hit], list[Candidate], Callable[..., Answer]]:
        """The retrieved sentences, the scored candidates in them, and the decision among some of
        them (``qa.answer.decide`` bound to the question)."""
        hits = self.retriever.search(analysed, depth, mode=mode, filters=filters, depth=self.settings.retrieval_depth)
        lexical = self.index.lexical()
        extractor = Extractor(
            analysed,
            lambda t: lexical.idf(t, folded=analysed.folded),
            lambda t: lexical.known(t, folded=analysed.folded),
            manifest,
            self.ranker.asked(analysed.text) if self.ranker else None,
        )
        found = extractor.candidates(hits, self._doc_text, self.ranker)

        def decide_among(candidates: Sequence[Candidate], leniency: float = 1.0) -> Answer:
            return decide(
                analysed,
                candidates,
                hits,
                manifest=manifest,
                doc_text=self._doc_text,
                min_score=self.settings.answer_min_score,
                asked=question,
                ranker=self.ranker,
                leniency=leniency,
            )

        return hits, found, decide_among

    def candidates(
        self, question: str, *, mode: Mode = "hybrid", asked: dict[str, float] | None = None
    ) -> tuple[Question, list[Candidate]]:
        """Every candidate answer with its features, best first (what ``baocao eval train`` fits on).

        ``asked`` overrides the answer-type probabilities (training reads them out of fold).
        """
        analysed = self._analyse(question)
        hits = self.retriever.search(
            analysed, self.settings.candidates, mode=mode, depth=self.settings.retrieval_depth
        )
        lexical = self.index.lexical()
        extractor = Extractor(
            analysed,
            lambda t: lexical.idf(t, folded=analysed.folded),
            lambda t: lexical.known(t, folded=analysed.folded),
            self.index.manifest(),
            asked if asked is not None else self.ranker.asked(analysed.text) if self.ranker else None,
        )
        return analysed, extractor.candidates(hits, self._doc_text, self.ranker)

    def retrieve(
        self, question: str, *, mode: Mode = "hybrid", k: int | None = None, history: Sequence[str] = ()
    ) -> list[Hit]:
        """The sentences retrieval ranks for a question, best first (for eval and "related" lists)."""
        analysed = self._analyse(resolve(question, history, self.glossary))
        return self.retriever.search(
            analysed, k or self.settings.top_k, mode=mode, depth=self.settings.retrieval_depth
        )

    def as_retriever(self, *, top_k: int | None = None, mode: Mode = "hybrid") -> Any:
        """The hybrid retriever as a llama-index ``BaseRetriever`` (``qa.llama.BaocaoRetriever``):
        ``retrieve(question)`` gives the best sentences as ``NodeWithScore``s with their metadata."""
        from qa.llama import BaocaoRetriever

        return BaocaoRetriever(self, top_k=top_k, mode=mode)

    def as_query_engine(self) -> Any:
        """The answer stage as a llama-index query engine: ``query(question)`` gives a ``Response``
        whose ``source_nodes`` are the answer's citations (``qa.llama.BaocaoQueryEngine``)."""
        from qa.llama import BaocaoQueryEngine

        return BaocaoQueryEngine(engine=self)

    def as_chat_engine(self) -> Any:
        """A llama-index chat engine that keeps the conversation and resolves follow-ups."""
        from qa.llama import BaocaoChatEngine

        return BaocaoChatEngine(self)

    def _analyse(self, question: str) -> Question:
        """Analyse a question: an abbreviation the reports do not use ("Sở TN&MT") is read as its
        words, and a question typed partly without diacritics is compared without them.

        "so hồ sơ trích đo dia chinh đã thẩm dinh": "dia", "chinh", "dinh" are no word of the
        reports as spelled, but are the bare form of words that are ("địa", "chính", "định").
        """
        lexical = self.index.lexical()
        analysed = analyse(self.abbreviations.expand(question, lexical.known), self.glossary)
        if analysed.lang == "vi" and not analysed.folded:
            bare = [
                w for w in bare_words(analysed.text) if not lexical.known(w) and lexical.known(w, folded=True)
            ]
            if bare:
                analysed = analyse(analysed.text, self.glossary, folded=True)
        # an abbreviation the reports use is kept, and also stands for its words: "UBND TP" is
        # found in "Ủy ban nhân dân thành phố" as well
        aliases = tuple(
            (analysed.form(short), analysed.form(words))
            for short, words in self.abbreviations.kept(analysed.text)
        )
        return replace(analysed, aliases=aliases) if aliases else analysed

    def checker(self, mode: Mode = "hybrid") -> Checker:
        """The fact-checker over this engine's index, ranker and settings."""
        lexical = self.index.lexical()
        return Checker(
            self.retriever,
            self.glossary,
            idf=lexical.idf,
            known=lexical.known,
            manifest=self.index.manifest,
            doc_text=self._doc_text,
            min_score=self.ranker.claim_threshold if self.ranker else self.settings.claim_min_score,
            ranker=self.ranker,
            tolerance_pct=self.settings.approx_tolerance_pct,
            top_k=self.settings.candidates,
            depth=self.settings.retrieval_depth,
            mode=mode,
            compare=lambda question: self._extract(question, (), None, mode)[0],
        )

    def check(self, speech: str) -> list[Verdict]:
        """Check every figure of a speech against the reports.

        Returns:
            One verdict per figure, in the speech's order, each with the claim's span in the speech.
        """
        if len(speech) > self.settings.max_speech_chars:
            raise QuestionError(
                f"the speech is {len(speech)} characters, over the {self.settings.max_speech_chars} limit; "
                "check it in parts"
            )
        return self.checker().check_speech(speech)

    def check_claim(self, claim: str, *, claim_id: str, mode: Mode = "hybrid") -> list[Verdict]:
        """Check one claim sentence (a line of a claims file); a sentence with no figure gives ``[]``."""
        return self.checker(mode).check_text(clean(claim), claim_id)


def _ranker(name: str) -> Ranker | None:
    """The answer ranker a setting names: the packaged model, a model file, or none (hand-set)."""
    if name == "heuristic":
        return None
    return Ranker.load(None if name == "fitted" else Path(name))
