"""Extractive answering: choose the sentence, then the clause, then the span the question asks for.

Reports pack several facts into one sentence ("thu hồi đất 06 trường hợp ...; giao đất 12 tổ chức
...; cho thuê đất 22 tổ chức với diện tích 66,4 ha; ..."). A candidate answer is a span of the right
type (a figure in the right unit, a date, a name) inside a clause; it is scored by how much of the
question's weighted terms its clause and sentence hold, how close those terms stand to it, and the
sentence's retrieval rank. Numbers the question states ("giai đoạn 2", "năm 2020") must be in the
evidence, or the candidate is dropped: a neighbouring figure is never passed off as the answer.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ingest.normalize import fold, match_form
from ingest.store import DocRecord
from qa.asked import type_of_figure, uniform
from qa.features import FEATURES
from qa.numbers import Quantity, find_quantities
from qa.question import AREA_UNITS, LIGHT_WORDS, MONEY_UNITS, Question, names_target
from qa.ranker import Ranker, answer_features
from qa.records import Answer, Citation
from qa.retrieve import Hit

IdfFn = Callable[[str], float]
KnownFn = Callable[[str], bool]  # whether the index holds a word token ("thống_kê")
# a question term found only in the sentences around the evidence counts this much
_CONTEXT_WEIGHT = 0.5
# onset, vowels, coda of a Vietnamese syllable: "Tesla", "Warsaw", "Luther" are none
_VIETNAMESE_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    r"[aăâeêioôơuưyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]{1,3}"
    r"(?:ng|nh|ch|[cmnpt])?"
)
_MEASURES = frozenset({"area", "length", "mass", "volume", "money", "percent"})
# where one item of a list ends and the next begins: "56,2% là người Công giáo, 35,7% ..."
_ITEM_BREAK = re.compile(r",\s*|\s+(?:và|and)\s+")
_BRACKETED = re.compile(r"\([^()]*\)")
_PART_DISCOUNT = 0.9  # a figure in brackets answers for its part, not for the whole before it
_YEAR_WORD = re.compile(r"(?<!\w)[Nn]ăm\s+$")
_MONTH_WORD = re.compile(r"(?<!\w)[Tt]háng\s+$")

# clause ends: ";", ":", dashes, run-on full stops, and purpose clauses ("để phục vụ ...", "nhằm ...")
_PURPOSE = re.compile(r"\s*(?:để|nhằm)\s", re.IGNORECASE)  # a clause of what the work served
_CLAUSE_BREAK = re.compile(r"[;:]\s*|(?<!\d)\s[-–]\s(?!\d)|\.\s+(?=[A-ZĐÀ-Ỹ])|,?\s+(?=(?:để|nhằm)\s)")
_SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Đào",
    "Đoàn",
    "Vương",
    "Trịnh",
    "Trương",
    "Lâm",
    "Phùng",
    "Mai",
    "Tô",
    "Hà",
    "Tạ",
    "Châu",
    "Lưu",
    "Thái",
    "Cao",
    "Quách",
    "Lương",
    "Đinh",
    "Tăng",
    "Hứa",
    "Từ",
    "Kiều",
    "Triệu",
    "La",
    "Thân",
    "Chu",
    "Mạc",
    "Nghiêm",
    "Văn",
    "Khúc",
]
_TITLE_CASE = r"[A-ZĐÀ-ỸÂĂÊÔƠƯ][a-zà-ỹđ]+"
_NAME = re.compile(rf"\b((?:{'|'.join(_SURNAMES)})(?: {_TITLE_CASE}){{1,3}})\b")
_PLACE = re.compile(
    rf"\b(?:tại|ở)\s+((?:(?:thành phố|tỉnh|quận|huyện|phường|xã|thị xã|TP\.)\s*)?{_TITLE_CASE}(?: {_TITLE_CASE})*)"
)


# a span in a clause: (start, end, value, unit, penalty, the kind of figure, whether it is of the
# asked type)
_Span = tuple[int, int, float | None, str | None, float, str, bool]


@dataclass(frozen=True)
class Candidate:
    """One possible answer: a span in a clause of a retrieved sentence, with its features and score.

    Attributes:
        hit: the retrieved sentence.
        text: the span as the report words it ("66,4 ha").
        start: the span's start in the document.
        end: its end (exclusive).
        value: the parsed figure in ``unit``, or ``None``.
        unit: canonical unit or counted noun, or ``None``.
        score: the ranker's probability that this span answers the question (the hand-set
            composite score when no ranker is given).
        features: the feature vector, in the order of ``qa.features.FEATURES``.
        fits: the span is of the asked type (otherwise another figure of the same clause).
    """

    hit: Hit
    text: str
    start: int  # in the document
    end: int
    value: float | None
    unit: str | None
    score: float
    features: tuple[float, ...] = ()
    fits: bool = True


@dataclass
class _Draft:
    """A candidate whose features are still being filled in (``support`` needs every candidate)."""

    hit: Hit
    text: str
    start: int
    end: int
    value: float | None
    unit: str | None
    row: list[float]


_SUPPORT = FEATURES.index("support")
_FITS = FEATURES.index("type_fit")


def _fill_support(drafts: Sequence[_Draft]) -> None:
    """Set each candidate's ``support``: how many other sentences state the same answer."""
    sentences: dict[tuple[object, ...], set[str]] = {}
    keys = []
    for d in drafts:
        key: tuple[object, ...] = (
            (round(d.value, 6), d.unit) if d.value is not None else (match_form(d.text),)
        )
        keys.append(key)
        sentences.setdefault(key, set()).add(d.hit.chunk.chunk_id)
    for d, key in zip(drafts, keys, strict=True):
        others = len(sentences[key]) - 1
        d.row[_SUPPORT] = 0.0 if others <= 0 else 0.5 if others == 1 else 1.0


_FIGURE_KINDS = (
    ("money",),
    ("percent",),
    ("area", "length", "mass", "volume"),
    ("count", "fraction"),
    ("number",),
    ("date",),
    ("year",),
    ("code",),
)
# a question that asks for the upper or the lower end of a range (matched without diacritics)
_ASKS_MAX = re.compile(r"\b(?:toi da|cao nhat|lon nhat|nhieu nhat|maximum|max|highest|at most|up to|largest|upper)\b")
_ASKS_MIN = re.compile(r"\b(?:toi thieu|thap nhat|nho nhat|it nhat|minimum|min|lowest|at least|smallest|lower)\b")
# a number that points into a legal text or a list rather than measuring: "Điều 9", "khoản 2", "Mẫu số 02"
_LEGAL_REFERENCE = re.compile(
    r"(?:điều|khoản|điểm|mục|chương|phụ lục|mẫu|số|tại|dieu|khoan|diem|muc|chuong|phu luc|mau|so)\s*$", re.IGNORECASE
)
# between the two ends of a range: "từ X đến Y", "X - Y", "X tới Y"
_RANGE_LINK = re.compile(r"\s*(?:đến|tới|den|toi|-|–|~)\s*$", re.IGNORECASE)
# features read against the question's best candidate: (feature, its gap feature)
_GAPS = tuple(
    (FEATURES.index(f), FEATURES.index(f"{f}_gap"))
    for f in ("sentence_cov", "clause_cov", "dense", "proximity", "heuristic")
)
_HEURISTIC_TOP = FEATURES.index("heuristic_top")


def _figure_kind(kind: str) -> tuple[float, ...]:
    """One-hot of a candidate's figure kind (a name or a passage is none of them)."""
    return tuple(1.0 if kind in kinds else 0.0 for kinds in _FIGURE_KINDS)


def _fill_gaps(drafts: Sequence[_Draft]) -> None:
    """Set each candidate's gaps: how far below the question's best candidate it stands."""
    for feature, gap in _GAPS:
        best = max((d.row[feature] for d in drafts), default=0.0)
        for d in drafts:
            d.row[gap] = best - d.row[feature]
    # the hand-set score's own choice (the first of equals)
    top = max(range(len(drafts)), key=lambda i: drafts[i].row[0], default=None)
    if top is not None and drafts[top].row[0] > 0:
        drafts[top].row[_HEURISTIC_TOP] = 1.0



def clauses(sentence: str) -> list[tuple[int, int]]:
    """Spans of the clauses of a sentence, split at ";", ":", dashes and run-on full stops."""
    spans = []
    pos = 0
    for m in _CLAUSE_BREAK.finditer(sentence):
        if m.start() > pos:
            spans.append((pos, m.start()))
        pos = m.end()
    if pos < len(sentence):
        spans.append((pos, len(sentence)))
    return spans or [(0, len(sentence))]


@lru_cache(maxsize=65536)
def _tokens(form: str) -> tuple[str, ...]:
    # the same sentences and clauses are read again for each question term and each question
    return tuple(re.findall(r"\w+", form))


class Extractor:
    """Scores candidate spans in retrieved sentences for an analysed question."""

    def __init__(
        self,
        question: Question,
        idf: IdfFn,
        known: KnownFn,
        manifest: dict[str, DocRecord],
        asked: dict[str, float] | None = None,
    ) -> None:
        self.q = question
        # the fitted probabilities of the answer types the question asks for (``qa.asked``)
        self.asked = asked or uniform()
        self._asked_top = max(self.asked, key=lambda t: self.asked[t])
        folded_question = fold(question.text).lower()
        self._asks = (
            "max" if _ASKS_MAX.search(folded_question) else "min" if _ASKS_MIN.search(folded_question) else ""
        )
        self.idf = idf
        self.known = known
        self.manifest = manifest
        self.unigrams = [t for t in question.terms if " " not in t]
        self.bigrams = [t for t in question.terms if " " in t]
        self.weights = {t: idf(t) for t in self.unigrams}
        # an English word the glossary does not carry is asked about but found in no text: it
        # weighs as an average term the evidence lacks
        unsaid = len(question.untranslated) * (sum(self.weights.values()) / max(len(self.weights), 1))
        self.total = (sum(self.weights.values()) + unsaid) or 1.0
        top = max(self.weights.values(), default=0.0) or 1.0
        self._relative = {t: w / top for t, w in self.weights.items()}
        self._relative.update(
            {b: max(self.weights.get(x, 0.0) for x in b.split()) / top for b in self.bigrams}
        )
        # the question's names: capitalised words ("Tesla", "Warsaw"); the first word only when it
        # cannot be a Vietnamese syllable (any opening word is capitalised)
        words = re.findall(r"\w+", question.text)
        self.names = frozenset(
            question.form(w)
            for n, w in enumerate(words)
            if question.lang == "vi"  # an English question's names are spelled otherwise in the report
            and w[:1].isupper()
            and (n > 0 or not _VIETNAMESE_SYLLABLE.fullmatch(w.lower()))
        )
        # the syllables of the question's light verbs and links ("ban hành", "đối với"): they count
        # for a sentence that has them, but a sentence without them may still state the fact
        said = question.form(question.text) if question.lang == "vi" else " ; ".join(question.terms)
        self._light = frozenset(
            syllable
            for word in LIGHT_WORDS
            if re.search(rf"(?<!\w){re.escape(question.form(word))}(?!\w)", said)
            for syllable in question.form(word).split()
        )
        self._anchor_patterns = [re.compile(_alone(number)) for _, number, _ in question.anchors]
        # the question's two-syllable words, for telling a word from another that shares a syllable
        self._pairs: list[tuple[str, str]] = [
            (words[0], words[1]) for c in question.compounds if len(words := c.split()) == 2
        ]
        self._syllables = frozenset(s for p in self._pairs for s in p)
        # an abbreviation the question uses is found in its words too ("tp": "thành phố")
        self._aliases = [(t, " ".join(_tokens(words))) for t, words in question.aliases if t in self.weights]
        self._alias_words = {t: frozenset(words.split()) for t, words in self._aliases}
        self._by_text = dict(self._relative) | {words: self._relative[t] for t, words in self._aliases}
        terms = sorted(self._by_text, key=len, reverse=True)
        self._term_pattern = (
            re.compile(r"(?<!\w)(?=(" + "|".join(map(re.escape, terms)) + r")(?!\w))") if terms else None
        )

    # -- term evidence ----------------------------------------------------------------------------
    def coverage(self, form: str, context: frozenset[str] = frozenset()) -> float:
        """Share of the question's weighted terms present in a text (0-1), pairs counting extra.

        A name missing from the text but present in its ``context`` (the tokens of the sentences
        around it) counts at half weight: "He died in 1943" is about the Tesla of the sentence before.
        """
        tokens = self._found(form)
        joined = " " + " ".join(_tokens(form)) + " "
        got = sum(
            w if t in tokens else _CONTEXT_WEIGHT * w if t in context and t in self.names else 0.0
            for t, w in self.weights.items()
        )
        pairs = [b for b in self.bigrams if f" {b} " in joined]
        pair_share = len(pairs) / len(self.bigrams) if self.bigrams else 0.0
        return 0.8 * (got / self.total) + 0.2 * pair_share

    def _found(self, form: str) -> set[str]:
        """The words of a text, with each abbreviation of the question whose words it has."""
        tokens = set(_tokens(form))
        if self._aliases:
            joined = " " + " ".join(_tokens(form)) + " "
            tokens |= {t for t, words in self._aliases if f" {words} " in joined}
        return tokens

    def _names_in(self, tokens: frozenset[str]) -> bool:
        """Whether a document's words hold every name the question gives ("UBND" or its words)."""
        words = self._alias_words
        return all(n in tokens or (n in words and words[n] <= tokens) for n in self.names)

    def _term_positions(self, form: str) -> list[tuple[int, int, float]]:
        """Where the question's terms occur in ``form``: ``(start, end, weight relative to the rarest)``."""
        positions = []
        for m in self._term_pattern.finditer(form) if self._term_pattern else ():
            # a pair and its syllables overlap: the lookahead finds each term where it starts
            term = m.group(1)
            positions.append((m.start(1), m.start(1) + len(term), self._by_text[term]))
        return positions

    def _anchor_positions(self, form: str) -> list[tuple[int, int]]:
        """Where the numbers the question states occur in ``form``."""
        return [m.span() for pattern in self._anchor_patterns for m in pattern.finditer(form)]

    def _gate(self, sentence_form: str, sentence_cov: float, context: frozenset[str] = frozenset()) -> float:
        """Factor (0-1] that demotes sentences missing what the question is about.

        The rarest terms of a Vietnamese question ("trồng lúa" in "bao nhiêu ha đất trồng lúa") name
        its topic: a sentence without them is about something else, however close its figures. When
        the missing terms are names stated in the sentences around (``context``), the sentence is
        only mildly demoted.
        """
        factor = min(1.0, sentence_cov / 0.5)
        if self.q.untranslated:
            factor *= 0.5  # an English noun no glossary phrase carries: the topic is not checked
        if not self.weights:
            return factor
        top = max(self.weights.values())
        if self.q.lang == "vi":
            tokens = self._found(sentence_form)
            missing = [
                t
                for t, w in self.weights.items()
                if w >= 0.8 * top and t not in tokens and t not in self._light
            ]
            if missing:
                # a name carries over from the sentences around ("ông", "thành phố" refer back to
                # it); a common noun ("trồng lúa") names the fact itself and must be in the sentence
                factor *= 0.85 if all(t in context and t in self.names for t in missing) else 0.5
        if self.q.compounds:
            # a compound word the question names and the sentence lacks ("dân số" is not "dân" + "số";
            # "hội nghị" for "conference" is not the "hội" of "hội thảo")
            joined = " " + " ".join(_tokens(sentence_form)) + " "
            if any(
                f" {c} " not in joined and self.idf(c.replace(" ", "_")) >= 0.8 * top
                for c in self.q.compounds
            ):
                factor *= 0.45
        if self.q.quoted and any(f" {q} " not in f" {sentence_form} " for q in self.q.quoted):
            factor *= 0.45  # the user named the report's own words, and the sentence lacks them
        return factor

    def _served_factor(self, part_forms: list[str], purposes: list[bool]) -> float:
        """Demote a sentence whose figures say nothing the question asks: its terms are only in
        what the work served ("để phục vụ ... chuyển nhượng ... quyền sử dụng đất").

        "Thẩm định 58 hồ sơ ... với tổng diện tích 294,8 ha để phục vụ công tác ... chuyển
        nhượng": the 294,8 ha are of the dossiers, not of land transferred. Money is left alone:
        what it is spent on is what it is asked by ("5 tỷ đồng để xây dựng trường học").
        """
        if self.q.kind in ("person", "place", "text", "money") or not any(purposes) or all(purposes):
            return 1.0
        stated = " ".join(form for form, purpose in zip(part_forms, purposes, strict=True) if not purpose)
        return 0.4 if self.coverage(stated) == 0.0 else 1.0

    def _sibling_factor(self, clause_form: str, others: list[str]) -> float:
        """Demote a clause when the question's topic sits in a sibling clause of the same sentence.

        In "thu hồi đất 06 trường hợp ...; giao đất 12 tổ chức ...", the figures of the "giao đất"
        clause do not answer a question about "thu hồi".
        """
        if self.q.kind in ("person", "place", "text") or not self.weights:
            return 1.0
        tokens = self._found(clause_form)
        top = max(self.weights.values())
        found_in_others = [self._found(o) for o in others]
        for term, weight in self.weights.items():
            if (
                weight >= 0.8 * top
                and term not in tokens
                and term not in self._light
                and any(term in found for found in found_in_others)
            ):
                return 0.4
        return 1.0

    def _target_factor(self, clause_form: str, start: int, end: int) -> float:
        """Tell a target from what was achieved: "đạt 98,42%, vượt chỉ tiêu thành phố giao".

        A question about a target ("chỉ tiêu", "mục tiêu", "target") is answered only by a figure
        whose own item of the clause names one; any other question, not by such a figure.
        """
        named = names_target(clause_form, start, end)
        if self.q.target:
            return 1.0 if named else 0.3
        return 0.5 if named else 1.0

    def _anchor_factor(self, clause_form: str, others: list[str]) -> float:
        """Demote a clause when a number the question states is in a sibling clause, not in it.

        "What area was rented out to the 22 organizations?": "cho thuê đất 22 tổ chức với diện
        tích 66,4 ha" answers it, not "giao đất 12 tổ chức với diện tích 12,62 ha" beside it.
        """
        for pattern in self._anchor_patterns:
            if not pattern.search(clause_form) and any(pattern.search(o) for o in others):
                return 0.4
        return 1.0

    def _rival(self, text: str) -> list[tuple[str, str]]:
        """The question's compound words that ``text`` restates with another word of the index.

        "Thống kê đất đai" restates the "kiểm kê" of "kiểm kê đất đai": "thống kê" is a word of
        the reports that shares the syllable "kê" with it.
        """
        if not self._pairs:
            return []
        syllables = re.findall(r"\w+", match_form(text))
        if self._syllables.isdisjoint(syllables):
            return []
        pairs = set(itertools.pairwise(syllables))
        return [
            c
            for c in self._pairs
            if c not in pairs
            # the shared syllable holds the same place in both words: "thành phố" restates nothing
            # of "hoàn thành"
            and any((a == c[0]) != (b == c[1]) and self.known(f"{a}_{b}") for a, b in pairs)
        ]

    def anchors_hold(self, text_form: str) -> bool:
        """Every number the question states appears in the text, after the same word when it has one."""
        for before, number, after in self.q.anchors:
            alone = _alone(number)
            # a document number names itself: "Nghị quyết số 07/NQ-HĐND" is "Nghị quyết 07/NQ-HĐND"
            if (not before and not after) or re.search(r"[^\W\d_]", number):
                ok = re.search(alone, text_form) is not None
            else:
                ok = any(
                    re.search(pattern, text_form)
                    for pattern in (
                        # "Nghị quyết 41" is "Nghị quyết số 41"
                        rf"(?<!\w){re.escape(before)}\s*(?:s[ốo]\s+)?{alone}" if before else None,
                        rf"{alone}\s*{re.escape(after)}(?!\w)" if after else None,
                    )
                    if pattern
                )
            if not ok:
                return False
        return True

    # -- candidates -------------------------------------------------------------------------------
    def candidates(
        self, hits: Sequence[Hit], doc_text: Callable[[str], str], ranker: Ranker | None = None
    ) -> list[Candidate]:
        """Every typed span in the retrieved sentences with its features, scored; best first.

        With a ``ranker``, the score is its fitted probability; without, the hand-set composite.
        A number the question states must stand somewhere in the candidate's document; where it
        stands (sentence, window, heading or title) is a feature, not a gate.
        """
        out: list[_Draft] = []
        n = max(len(hits), 1)
        best_lexical = max((h.lexical or 0.0 for h in hits), default=0.0) or 1.0
        doc_order: dict[str, int] = {}
        doc_hits: dict[str, int] = {}
        for hit in hits:
            doc_order.setdefault(hit.chunk.doc_id, len(doc_order))
            doc_hits[hit.chunk.doc_id] = doc_hits.get(hit.chunk.doc_id, 0) + 1
        question_row = self._question_features()
        for rank, hit in enumerate(hits):
            chunk = hit.chunk
            record = self.manifest.get(chunk.doc_id)
            text = doc_text(chunk.doc_id)
            title = record.title if record else ""
            scope_form = self.q.form(" ".join([chunk.text, chunk.heading, title, record.period if record else ""]))
            anchors_scope = self.anchors_hold(scope_form)
            anchors_doc = anchors_scope or self.anchors_hold(_document_form(text, self.q.folded))
            doc_tokens = _document_tokens(text, self.q.folded)
            # a name the question gives ("Warsaw", "Cần Thơ") that the whole document never states:
            # the document is about another subject
            elsewhere = 1.0 if self._names_in(doc_tokens) else 0.3
            sentence_form = self.q.form(chunk.text + " " + chunk.heading)
            # a heading is a chunk of its own, under itself
            is_heading = chunk.text.strip() == chunk.heading.strip()
            context_form = self.q.form(
                text[chunk.window_start : chunk.start] + " " + text[chunk.end : chunk.window_end]
            )
            context = frozenset(_tokens(context_form))
            sentence_cov = self.coverage(sentence_form, context)
            gate = self._gate(sentence_form, sentence_cov, context)
            rank_score = 1.0 - rank / n
            hit_row = (
                self.coverage(context_form),
                self.coverage(self.q.form(chunk.heading)) if chunk.heading else 0.0,
                self.coverage(self.q.form(title)) if title else 0.0,
                self._doc_coverage(doc_tokens),
                1.0 if self.anchors_hold(sentence_form) else 0.0,
                1.0 if self.anchors_hold(self.q.form(text[chunk.window_start : chunk.window_end])) else 0.0,
                1.0 if anchors_scope else 0.0,
                1.0 if anchors_doc else 0.0,
                rank_score,
                1.0 / (1.0 + rank),
                hit.dense or 0.0,
                (hit.lexical or 0.0) / best_lexical,
                1.0 / (1.0 + doc_order[chunk.doc_id]),
                doc_hits[chunk.doc_id] / n,
            )
            # with the question's numbers outside the scope, the hand-set score keeps its old gate
            anchored = 1.0 if anchors_scope else 0.0
            parts = clauses(chunk.text)
            part_forms = [self.q.form(chunk.text[a:b]) for a, b in parts]
            part_spans = [self._spans(chunk.text[a:b], chunk.text[:a]) for a, b in parts]
            part_facts = [self._has_fact(chunk.text[a:b]) for a, b in parts]
            served = self._served_factor(
                part_forms, [_PURPOSE.match(chunk.text[a:b]) is not None for a, b in parts]
            )
            for i, (c_start, c_end) in enumerate(parts):
                clause = chunk.text[c_start:c_end]
                clause_form = part_forms[i]
                # only clauses that state a figure of the same type are parallel facts
                parallel = [f for j, f in enumerate(part_forms) if j != i and part_facts[j]]
                sibling = self._sibling_factor(clause_form, parallel) * self._anchor_factor(
                    clause_form, parallel
                )
                # a name or a passage answers for its whole sentence; a figure for its own clause
                clause_cov = (
                    self.coverage(clause_form)
                    if self.q.kind not in ("person", "place", "text")
                    else sentence_cov
                )
                positions = self._term_positions(clause_form)
                spans = part_spans[i]
                shares = self._shares(clause, clause_form, spans, positions)
                n_typed = sum(1 for span in spans if span[6]) or 1
                for k, ((span_start, span_end, value, unit, penalty, figure, fits), share) in enumerate(
                    zip(spans, shares, strict=True)
                ):
                    proximity = _proximity(positions, span_start, span_end)
                    local = 0.5 * proximity + 0.5 * share
                    target = self._target_factor(clause_form, span_start, span_end)
                    heuristic = -1.0 if not fits else (
                        anchored
                        * gate
                        * elsewhere
                        * sibling
                        * served
                        * target
                        * (0.40 * sentence_cov + 0.30 * clause_cov + 0.15 * local + 0.15 * rank_score)
                        - penalty
                    )
                    row = (
                        heuristic,
                        sentence_cov,
                        clause_cov,
                        *hit_row[:4],
                        proximity,
                        share,
                        gate,
                        elsewhere,
                        sibling,
                        served,
                        target,
                        penalty,
                        *hit_row[4:8],
                        1.0 if self.q.anchors else 0.0,
                        *hit_row[8:],
                        0.0,  # support: filled in once every candidate is known
                        1.0 / n_typed if fits else 0.0,
                        1.0 if k == 0 else 0.0,
                        *question_row,
                        1.0 if fits else 0.0,
                        *_figure_kind(figure),
                        0.0,  # the gaps to the question's best: filled in once every candidate is known
                        0.0,
                        0.0,
                        0.0,
                        *self._asked_features(figure),
                        *self._range_features(clause, spans, k),
                        math.log1p(span_end - span_start) / 6.0,
                        1.0 if is_heading else 0.0,
                        1.0 if _LEGAL_REFERENCE.search(clause[max(0, span_start - 16) : span_start]) else 0.0,
                        1.0 if figure == "number" and value is not None and abs(value) <= 12 else 0.0,
                        0.0,  # heuristic_gap and heuristic_top: filled in once every candidate is known
                        0.0,
                    )
                    start = chunk.start + c_start + span_start
                    end = chunk.start + c_start + span_end
                    out.append(_Draft(hit, clause[span_start:span_end], start, end, value, unit, list(row)))
        _fill_support(out)
        _fill_gaps(out)
        scores = (
            ranker.probabilities([d.row for d in out]) if ranker is not None and out else [d.row[0] for d in out]
        )
        found = [
            Candidate(d.hit, d.text, d.start, d.end, d.value, d.unit, float(s), tuple(d.row), d.row[_FITS] == 1.0)
            for d, s in zip(out, scores, strict=True)
        ]
        found.sort(key=lambda c: -c.score)
        return found

    def _asked_features(self, figure: str) -> tuple[float, float]:
        """How likely the question asks for a span of this figure kind, and whether it is the likeliest."""
        types = type_of_figure(figure)
        return sum(self.asked[t] for t in types), 1.0 if self._asked_top in types else 0.0

    def _range_features(self, clause: str, spans: list[_Span], k: int) -> tuple[float, float, float, float]:
        """Whether a span is an end of a range, and the end the question asks for."""
        start, end = spans[k][0], spans[k][1]
        before = [s for s in spans if s[1] <= start]
        after = [s for s in spans if s[0] >= end]
        high = bool(before) and _RANGE_LINK.search(clause[max(before, key=lambda s: s[1])[1] : start]) is not None
        low = bool(after) and _RANGE_LINK.search(clause[end : min(after, key=lambda s: s[0])[0]]) is not None
        if not (high or low):
            return 0.0, 0.0, 0.0, 1.0 if self._asks else 0.0
        asked = (high and self._asks == "max") or (low and self._asks == "min")
        other = bool(self._asks) and not asked
        return 1.0, 1.0 if asked else 0.0, 1.0 if other else 0.0, 1.0 if self._asks else 0.0

    def _question_features(self) -> tuple[float, ...]:
        kind = self.q.kind
        return (
            1.0 if kind == "count" else 0.0,
            1.0 if kind in ("quantity", "percent", "money") else 0.0,
            1.0 if kind == "date" else 0.0,
            1.0 if kind in ("person", "place", "docref", "text") else 0.0,
            1.0 if self.q.lang == "en" else 0.0,
            1.0 if self.q.folded else 0.0,
            1.0 if self.q.unit_strict and self.q.unit else 0.0,
        )

    def _doc_coverage(self, tokens: frozenset[str]) -> float:
        """Weighted share of the question's terms anywhere in a document's words."""
        got = sum(w for t, w in self.weights.items() if t in tokens or self._alias_in(t, tokens))
        return got / self.total

    def _alias_in(self, term: str, tokens: frozenset[str]) -> bool:
        words = self._alias_words.get(term)
        return words is not None and words <= tokens

    def _shares(
        self, clause: str, clause_form: str, spans: list[_Span], positions: list[tuple[int, int, float]]
    ) -> list[float]:
        """Each span's share of the question's terms in its own stretch of the clause.

        Only figures of one kind make a list ("48,1% ..., 31,3% ..."): a date and a year in one
        sentence ("Ngày 9/10/2021, Sở tổ chức hội nghị sơ kết 9 tháng đầu năm 2021") are not items
        of a list, and each is measured against the whole clause.
        """
        anchors = self._anchor_positions(clause_form)
        shares = [0.0] * len(spans)
        # figures of the asked type make lists among themselves, the others among themselves
        for family in {(span[6], span[5]) for span in spans}:
            members = [k for k, span in enumerate(spans) if (span[6], span[5]) == family]
            found = _segment_shares(clause, [spans[k][:2] for k in members], positions, anchors, self._rival)
            for k, share in zip(members, found, strict=True):
                shares[k] = share
        return shares

    def _has_fact(self, clause: str) -> bool:
        """Whether a clause states a fact of the asked family (a figure, a date, a code)."""
        family = {"date": ("date",), "docref": ("code",)}.get(self.q.kind)
        found = _quantities(clause)
        if family:
            return any(q.kind in family for q in found)
        return any(q.kind not in ("date", "year", "code") for q in found)

    def _spans(self, clause: str, before: str = "") -> list[_Span]:
        """Candidate spans of a clause: those of the asked type, then every other figure.

        A figure of another type ("20.000" bare in a table row for "bao nhiêu tiền", "08 ngày làm
        việc" for "trong bao lâu") is still a candidate: how well it fits is a feature the
        ranker weighs, not a gate. Figures the question itself states are never candidates.
        ``before`` is the sentence before the clause.
        """
        spans = self._typed_spans(clause, before)
        taken = [(a, b) for a, b, *_ in spans]
        for q in _quantities(clause):
            if any(a < q.end and q.start < b for a, b in taken) or self._given(q, clause):
                continue
            spans.append((q.start, q.end, _value(q), q.unit or None, _penalty(q, clause), q.kind, False))
        # the clause itself, for an answer in words that a question asked as a figure or a date
        stripped = clause.strip()
        if self.q.kind != "text" and len(stripped) > 15:
            lead = len(clause) - len(clause.lstrip())
            spans.append((lead, lead + len(stripped), None, None, 0.0, "text", False))
        return spans

    def _typed_spans(self, clause: str, before: str = "") -> list[_Span]:
        """Spans of the asked type in a clause."""
        kind = self.q.kind
        if kind in ("quantity", "count", "percent", "money", "date", "docref"):
            spans: list[_Span] = []
            for q in _quantities(clause):
                # a month named by its number alone answers "tháng mấy?", and "khi nào?" loosely
                month = _month(q, clause) if kind == "date" and self.q.unit in ("tháng", "") else None
                if month is not None:
                    spans.append((month, q.end, None, None, 0.0 if self.q.unit else 0.1, "date", True))
                    continue
                fit = self._fit(q, clause)
                shortened = self._shortened_noun(q, clause, before) if kind == "count" else None
                if shortened and q.kind in ("count", "fraction", "number"):
                    fit = 0.0  # "1.290 giấy" counts "giấy chứng nhận"
                if fit is None or self._given(q, clause):
                    continue
                start, end, value = q.start, q.end, _value(q)
                year = _year_of(q, clause) if kind == "date" and self.q.unit == "năm" else None
                if year:
                    start, end, value = year
                elif q.kind == "year":
                    # a year keeps the word that makes it one: "năm 1943", as a date keeps "ngày"
                    cue = _YEAR_WORD.search(clause, 0, q.start)
                    start = cue.start() if cue else start
                unit = q.unit or None
                if shortened:
                    unit, end = shortened
                spans.append((start, end, value, unit, fit + _penalty(q, clause), q.kind, True))
            return spans
        if kind == "person":
            return [(m.start(1), m.end(1), None, None, 0.0, kind, True) for m in _NAME.finditer(clause)]
        if kind == "place":
            return [(m.start(1), m.end(1), None, None, 0.0, kind, True) for m in _PLACE.finditer(clause)]
        if kind == "text":
            stripped = clause.strip()
            lead = len(clause) - len(clause.lstrip())
            return [(lead, lead + len(stripped), None, None, 0.0, kind, True)] if len(stripped) > 15 else []
        return []

    def _given(self, q: Quantity, clause: str) -> bool:
        """Whether a figure is one the question itself states ("hơn năm 2005", "60 Hertz"): not its answer.

        A one-digit number is the question's own only after the same word ("thế kỷ thứ 2" asked,
        "thế kỷ thứ 2" found): "giai đoạn 1" labels a question, but "1 dự án" may well answer it.
        """
        digits = re.sub(r"\D", "", q.text)
        before = re.findall(r"\w+", self.q.form(clause[max(0, q.start - 20) : q.start]))[-1:]
        return any(
            re.sub(r"\D", "", number) == digits and (len(digits) > 1 or (word != "" and [word] == before))
            for word, number, _ in self.q.anchors
        )

    def _fit(self, q: Quantity, clause: str) -> float | None:
        """Whether a figure is of the asked type: ``None`` if not, else a penalty for a looser fit."""
        kind, unit = self.q.kind, self.q.unit
        if kind == "percent":
            return 0.0 if q.unit == "%" else None
        if kind == "money":
            return 0.0 if q.unit in MONEY_UNITS else None
        if kind == "quantity":
            if unit == "area":
                return 0.0 if q.unit in AREA_UNITS else None
            ok = q.unit == unit if unit else q.kind in ("area", "length", "mass", "volume")
            return 0.0 if ok else None
        if kind == "count":
            return self._count_fit(q, clause)
        if kind == "date" and unit == "giai đoạn":
            # "giai đoạn nào" is answered by a span of years ("2020-2024"); one year or day is a
            # looser fit
            spans_years = q.kind == "year" and q.upper is not None
            return 0.0 if spans_years else (0.1 if q.kind in ("year", "date") else None)
        if kind == "date":
            # "năm nào", "khi nào" is often answered by a year alone
            return 0.0 if q.kind == "date" else (0.05 if q.kind == "year" else None)
        if kind == "docref":
            return 0.0 if q.kind == "code" else None
        return None

    def _count_fit(self, q: Quantity, clause: str) -> float | None:
        unit = self.q.unit
        if not unit and q.kind in _MEASURES:
            return 0.1  # "Khổ đường sắt là bao nhiêu?" names no unit: a measure may answer it
        if q.kind not in ("count", "fraction", "number"):
            return None
        if not unit:
            return 0.0 if q.kind in ("count", "fraction") else 0.1
        # "10 cuộc thanh tra" answers "how many inspections" (thanh tra) as well as "bao nhiêu cuộc"
        following = match_form(clause[q.end : q.end + 40]).strip()
        # "ở tuổi 39", "lần thứ 3": the counted noun may also stand right before the number
        preceding = match_form(clause[max(0, q.start - 30) : q.start]).strip()
        if any(
            _same_noun(q.unit, noun)
            or _starts_with_noun(following, noun)
            or (q.kind == "number" and _ends_with_noun(preceding, noun))
            for noun in (unit, *self.q.unit_alternatives)
        ):
            return 0.0
        # a known counted noun is a requirement ("hộ gia đình" is not "tổ chức"); any other word
        # after "bao nhiêu" is only a hint of what is counted
        return None if self.q.unit_strict else 0.15

    def _shortened_noun(self, q: Quantity, clause: str, before: str) -> tuple[str, int] | None:
        """The asked counted noun a figure is followed by in short, and where its short form ends.

        A noun counted in full once is shortened to its first word when the sentence counts it
        again: "cấp 5.210 giấy chứng nhận ...; riêng quý IV cấp được 1.290 giấy".
        """
        if q.unit:
            return None
        said = fold(match_form(before + clause[: q.start]))
        following = clause[q.end : q.end + 40]
        for noun in (self.q.unit, *self.q.unit_alternatives):
            head = noun.split()[0] if " " in noun else ""
            m = re.match(rf"\s*{re.escape(head)}(?!\w)", following, re.IGNORECASE) if head else None
            if m and fold(match_form(noun)) in said:
                return noun, q.end + m.end()
        return None


def _alone(number: str) -> str:
    """A pattern for a number the question states, as a whole number (leading zeros allowed)."""
    digits = re.escape(number.lstrip("0") or "0")
    # "107/2020" is also the start of "107/2020/NĐ-CP", but "9/10" is not "9/10/2021"
    return rf"(?<![\w.,/])0*{digits}(?!\w|/\d|[.,]\d)"


@lru_cache(maxsize=512)
def _document_form(text: str, folded: bool) -> str:
    return fold(text) if folded else match_form(text)


@lru_cache(maxsize=512)
def _document_tokens(text: str, folded: bool) -> frozenset[str]:
    # the same document text object comes back from the engine's cache: its hash is computed once
    return frozenset(re.findall(r"\w+", fold(text) if folded else match_form(text)))


@lru_cache(maxsize=16384)
def _quantities(text: str) -> tuple[Quantity, ...]:
    # retrieved sentences recur from question to question; their figures are read once
    return tuple(find_quantities(text))


def _year_of(q: Quantity, clause: str) -> tuple[int, int, float] | None:
    """The year of a one-year date, as ``(start, end, year)`` in ``clause``, with its "năm".

    "ngày 7 tháng 1 năm 1943" answers "năm nào?" as "năm 1943".
    """
    if q.kind != "date" or q.date is None or (q.date_end is not None and q.date_end.year != q.date.year):
        return None
    digits = str(q.date.year)
    at = clause.rfind(digits, q.start, q.end)
    if at < 0:
        return None
    cue = _YEAR_WORD.search(clause, q.start, at)
    return (cue.start() if cue else at), at + len(digits), float(q.date.year)


def _month(q: Quantity, clause: str) -> int | None:
    """Where a month named by its number alone starts in ``clause`` ("tháng 9" hằng năm)."""
    if q.kind != "number" or q.value != int(q.value) or not 1 <= q.value <= 12:
        return None
    cue = _MONTH_WORD.search(clause, 0, q.start)
    return cue.start() if cue else None


def _value(q: Quantity) -> float | None:
    return None if q.kind in ("date", "code") else q.value


def _penalty(q: Quantity, clause: str) -> float:
    # "trên 10ha", "dưới 10ha" are thresholds in a rule, rarely the figure asked for; in brackets,
    # "(dưới 10ha)" names a category and is never a measurement
    if q.qualifier == "approx":
        return 0.01  # where the report states a figure twice, the exact wording wins over "khoảng"
    if q.qualifier not in ("over", "under"):
        return 0.0
    bracketed = clause[: q.start].rstrip().endswith("(") and clause[q.end :].lstrip().startswith(")")
    return 0.6 if bracketed else 0.15


def _same_noun(found: str, asked: str) -> bool:
    a, b = match_form(found), match_form(asked)
    return a == b or fold(a) == fold(b) or a.startswith(b + " ") or b.startswith(a + " ")


def _starts_with_noun(text: str, noun: str) -> bool:
    a, b = fold(text), fold(match_form(noun))
    return a == b or a.startswith(b + " ") or (a.startswith(b) and not a[len(b) : len(b) + 1].isalnum())


def _ends_with_noun(text: str, noun: str) -> bool:
    a, b = fold(text), fold(match_form(noun))
    return a == b or a.endswith(" " + b)


def _segment_shares(
    clause: str,
    spans: list[tuple[int, int]],
    positions: list[tuple[int, int, float]],
    anchors: Sequence[tuple[int, int]] = (),
    rival: Callable[[str], list[tuple[str, str]]] = lambda text: [],
) -> list[float]:
    """Each span's share of the question's terms in its own stretch of a clause, the stretches split
    between neighbouring spans.

    In "56,2% là người Công giáo, 35,7% người Do Thái", a question about "người Công giáo" is
    answered by the first figure: the words between two figures belong to the earlier one up to the
    first comma or "và" between them, and to the later one after it ("cho thuê đất 22 tổ chức với
    diện tích 66,4 ha, giao đất 12 tổ chức, diện tích 12,62 ha"). With no such break, they belong
    to the later figure ("cho thuê đất 22 tổ chức với diện tích 66,4 ha"). The words before the
    first figure frame them all and tell none apart: the share is of the question's other terms
    (an even share for every figure when the frame holds them all).

    Figures in brackets are parts of the figure before them: "10 cuộc thanh tra (05 cuộc theo kế
    hoạch, 05 cuộc đột xuất) về đất đai". The words after the bracket go on with the whole; a part
    shares the bracket's words among its siblings and has its whole's words too, at a discount, so
    that it answers only when the question names what sets it apart ("đột xuất").

    A number the question states (``anchors``: "Nghị quyết 41/NQ-HĐND ... ngày nào?") picks out
    its own item: when it stands in the clause, a figure whose stretch lacks it has no share.

    ``rival`` names the question's compound words a stretch restates with another word ("thống
    kê" for "kiểm kê"). Where a later item restates a word of the frame, the items are parallel
    and the frame is the first figure's own: "Hoàn thành kiểm kê đất đai ... năm 2019 và Thống kê
    đất đai năm 2020" answers "kiểm kê ... năm nào?" with 2019.
    """
    # a bracket holds parts of the figure before it; with no figure of the kind outside any bracket,
    # the bracketed ones are the list itself ("30.547 (19,3%) hộ ..., 12.000 (7,4%) hộ ...")
    brackets = [m.span() for m in _BRACKETED.finditer(clause)]
    if all(any(lo <= start < hi for lo, hi in brackets) for start, _ in spans):
        brackets = []
    # a syllable of the question's terms counts once for a figure, wherever it is found (a pair and
    # its syllables overlap: "toàn cơ" here, "toàn" there)
    weights: dict[str, float] = {}
    for a, b, w in positions:
        for syllable in clause[a:b].lower().split():
            weights[syllable] = max(w, weights.get(syllable, 0.0))
    total = math.fsum(weights.values())  # exact sums: the same whatever order a set is read in
    if not spans or not total:
        return [0.0] * len(spans)

    def bracketed(start: int) -> bool:
        return any(lo <= start < hi for lo, hi in brackets)

    def terms(lo: int, hi: int, *, outside: bool) -> set[str]:
        return {
            syllable
            for a, b, _ in positions
            if lo <= a and b <= hi and not (outside and bracketed(a))
            for syllable in clause[a:b].lower().split()
        }

    # outside the brackets, their text is neither a break nor a term
    outer_text = clause
    for lo, hi in brackets:
        outer_text = outer_text[:lo] + " " * (hi - lo) + outer_text[hi:]
    outer = [k for k, (start, _) in enumerate(spans) if not bracketed(start)]
    # the words before the first figure frame the whole list: every figure of it has them ("Theo
    # điều tra dân số năm 1901, Lodz có 500.000 người, trong đó 48,1% ..."; "Dự án cấp nước giai
    # đoạn 2020 - 2025, tầm nhìn đến 2035")
    preamble = min((spans[k][0] for k in outer), default=0)
    outer_stretches = _stretches(outer_text, preamble, len(clause), [spans[k] for k in outer])
    # the words before the first figure and after the last one's own frame the whole list
    closing = max((hi for _, hi in outer_stretches), default=len(clause))
    framing = terms(0, preamble, outside=True) | terms(closing, len(clause), outside=True)
    # a question's word that the frame states and a later item restates with another word frames
    # nothing: "kiểm kê đất đai ... năm 2019 và Thống kê đất đai năm 2020" lists two items, and the
    # words before the first figure are its own
    first_outer = min(outer, key=lambda k: spans[k][0]) if outer else None
    restated = {
        c
        for k, (lo, hi) in zip(outer, outer_stretches, strict=True)
        if k != first_outer
        for c in rival(clause[lo:hi])
    }
    rivalled = [" ".join(c) for c in restated if _has_words(clause, 0, preamble, " ".join(c))]
    framing -= {syllable for c in rivalled for syllable in c.split()}
    telling = math.fsum(weights[t] for t in weights if t not in framing)

    def share(found: set[str]) -> float:
        # what tells the figures apart is what the frame does not say for all of them; when the
        # frame says everything, nothing does, and each figure has an even share
        if not telling:
            return 1.0 / max(len(outer), 1)
        return math.fsum(weights[t] for t in found - framing) / telling

    def own(lo: int, hi: int) -> set[str]:
        # a rivalled word counts where it stands whole: the "kê" of "thống kê" is not "kiểm kê"
        found = terms(lo, hi, outside=True)
        for c in rivalled:
            if not _has_words(clause, lo, hi, c):
                found -= set(c.split())
        return found

    shares = [0.0] * len(spans)
    # where each figure's own words are: its stretch, and for a part in brackets its whole's too
    stretches: dict[int, list[tuple[int, int]]] = {}
    for k, (lo, hi) in zip(outer, outer_stretches, strict=True):
        lo = 0 if k == first_outer and rivalled else lo
        shares[k] = share(own(lo, hi))
        stretches[k] = [(lo, hi)]
    for lo, hi in brackets:
        members = [k for k, (start, end) in enumerate(spans) if lo <= start and end <= hi]
        whole = next(((a, b) for a, b in outer_stretches if a <= lo < b), (preamble, len(clause)))
        inherited = terms(*whole, outside=True)
        parts = _stretches(clause, lo, hi, [spans[k] for k in members])
        for k, (start, end) in zip(members, parts, strict=True):
            stretches[k] = [(start, end), whole]
            shares[k] = _PART_DISCOUNT * share(inherited | terms(start, end, outside=False))
    # a number stated before the list and set apart from it ("Theo điều tra dân số năm 1901, ...,
    # 56,2% ...") is every figure's; one right before the first figure is that figure's own
    # ("Nghị quyết 41/NQ-HĐND ngày 04/12/2020 và Nghị quyết 04/NQ-HĐND ngày 05/3/2021")
    breaks = [m.end() for m in _ITEM_BREAK.finditer(outer_text, 0, preamble)]
    apart = breaks[-1] if breaks else 0
    anchors = [(a, b) for a, b in anchors if a >= apart]
    if first_outer is not None:
        stretches[first_outer].append((apart, preamble))
    if anchors:
        for k, reach in stretches.items():
            if not any(lo <= a and b <= hi for lo, hi in reach for a, b in anchors):
                shares[k] = 0.0
    return shares


def _has_words(text: str, lo: int, hi: int, words: str) -> bool:
    """Whether ``words`` stand whole in ``text[lo:hi]`` (case aside)."""
    return re.search(rf"(?<!\w){re.escape(words)}(?!\w)", match_form(text[lo:hi])) is not None


def _stretches(text: str, lo: int, hi: int, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The stretch of ``text[lo:hi]`` that belongs to each span (see ``_segment_shares``)."""
    order = sorted(range(len(spans)), key=lambda k: spans[k])
    bounds: list[tuple[int, int]] = [(0, 0)] * len(spans)
    left = lo
    for n, k in enumerate(order):
        start, end = spans[k]
        # the last figure's own words end at the first break after it too: what follows closes
        # the whole list ("..., trình Bộ Tài nguyên và Môi trường phê duyệt")
        following = spans[order[n + 1]][0] if n + 1 < len(order) else hi
        first_break = _ITEM_BREAK.search(text, end, max(end, following))
        right = first_break.start() if first_break else (end if n + 1 < len(order) else hi)
        bounds[k] = (min(left, start), max(right, end))
        left = max(right, end)
    return bounds


def _proximity(positions: list[tuple[int, int, float]], start: int, end: int) -> float:
    """Close to 1 when a rare question term stands right next to the span, falling with distance.

    Terms before the figure ("cho thuê đất ... 66,4 ha") count fully; terms after it count at half
    the distance's worth (reports state the thing, then its figure).
    """
    best = 0.0
    for p_start, p_end, weight in positions:
        gap = start - p_end if p_end <= start else (p_start - end) * 2
        best = max(best, weight / (1.0 + max(gap, 0) / 25.0))
    return best


def citation(
    hit: Hit,
    record: DocRecord | None,
    doc_text: str,
    *,
    answer: tuple[int, int] | None = None,
    score: float = 0.0,
) -> Citation:
    """A citation of a retrieved sentence, its quote taken from the document's own text; a table
    row's citation names its table, row and the column of the answer's cell."""
    c = hit.chunk
    t = c.table
    cells = [] if t is None else [{"col": x.col, "header": x.header, "text": doc_text[x.start : x.end]} for x in t.cells]
    col = next((x.col for x in t.cells if answer and x.start <= answer[0] < x.end), -1) if t is not None else -1
    return Citation(
        doc=c.doc_id,
        title=record.title if record else "",
        filename=record.filename if record else "",
        sentence=c.index,
        start=c.start,
        end=c.end,
        quote=doc_text[c.start : c.end],
        answer_start=answer[0] if answer else -1,
        answer_end=answer[1] if answer else -1,
        context=doc_text[c.window_start : c.window_end],
        context_start=c.window_start,
        score=round(max(0.0, min(1.0, score)), 3),
        table=t.table if t is not None else -1,
        row=t.row if t is not None else -1,
        col=col,
        cells=cells,
        row_label=t.label if t is not None else "",
        origin=c.origin,
    )


def answer_question(
    question: Question,
    hits: Sequence[Hit],
    *,
    idf: IdfFn,
    known: KnownFn,
    manifest: dict[str, DocRecord],
    doc_text: Callable[[str], str],
    min_score: float,
    asked: str,
    ranker: Ranker | None = None,
) -> Answer:
    """Choose the answer among the retrieved sentences, or abstain.

    Args:
        question: the analysed question.
        hits: retrieved sentences, best first.
        idf: weight of a term in the corpus.
        known: whether the corpus holds a word token.
        manifest: committed documents (titles, periods).
        doc_text: the display text of a document by id (for quotes).
        min_score: without a ranker, abstain below this hand-set score.
        asked: the question as the user typed it.
        ranker: the fitted ranker; its calibrated confidence below its threshold abstains.
    """
    extractor = Extractor(question, idf, known, manifest, ranker.asked(question.text) if ranker else None)
    found = extractor.candidates(hits, doc_text, ranker)
    return decide(question, found, hits, manifest=manifest, doc_text=doc_text, min_score=min_score, asked=asked, ranker=ranker)


def decide(
    question: Question,
    found: Sequence[Candidate],
    hits: Sequence[Hit],
    *,
    manifest: dict[str, DocRecord],
    doc_text: Callable[[str], str],
    min_score: float,
    asked: str,
    ranker: Ranker | None = None,
    leniency: float = 1.0,
) -> Answer:
    """The answer among scored candidates (best first), or an abstention: the best is answered
    when its calibrated confidence reaches the ranker's threshold (the hand-set ``min_score``
    without a ranker) times ``leniency``, with the other sentences that state the same figure as
    corroboration."""
    if not found:
        confidence = 0.0
    elif ranker is None:
        confidence = found[0].score
    else:
        confidence = ranker.confidence(
            answer_features(
                [c.score for c in found], [_same_answer(c, found[0]) for c in found], found[0].features
            )
        )
    threshold = leniency * (ranker.answer_threshold if ranker is not None else min_score)
    # other sentences are cited beside the best one when they are likely enough answers themselves
    floor = ranker.claim_threshold if ranker is not None else min_score

    def cite(c: Candidate, *, span: bool = True) -> Citation:
        doc = c.hit.chunk.doc_id
        return citation(
            c.hit, manifest.get(doc), doc_text(doc), answer=(c.start, c.end) if span else None, score=c.score
        )

    def reply(best: Candidate | None, cites: list[Citation], answer: str | None = None) -> Answer:
        related = (
            []
            if best
            else [citation(h, manifest.get(h.chunk.doc_id), doc_text(h.chunk.doc_id)) for h in hits[:3]]
        )
        return Answer(
            question=asked,
            answer=answer if answer is not None else (best.text.strip() if best else None),
            value=best.value if best else None,
            unit=best.unit if best else None,
            kind=question.kind,
            abstained=best is None,
            confidence=confidence,
            citations=cites,
            related=related,
            interpreted_as=question.text,
        )

    if not found or confidence < threshold:
        return reply(None, [])
    best = found[0]
    if question.kind == "text" and best.fits:
        chosen = [best, *_distinct_sentences(found[1:], 2, floor, exclude=best.hit.chunk.chunk_id)]
        return reply(best, [cite(c, span=False) for c in chosen], answer=best.hit.chunk.text)
    # the best span, then other sentences that state the same figure (corroboration)
    cites = [cite(best)]
    seen = {best.hit.chunk.chunk_id}
    for c in found[1:]:
        if len(cites) >= 3:
            break
        if c.hit.chunk.chunk_id not in seen and c.score >= floor and _same_answer(c, best):
            seen.add(c.hit.chunk.chunk_id)
            cites.append(cite(c))
    return reply(best, cites)


def _same_answer(a: Candidate, b: Candidate) -> bool:
    if a.value is not None and b.value is not None:
        return abs(a.value - b.value) <= 1e-9 * max(1.0, abs(b.value)) and a.unit == b.unit
    return match_form(a.text) == match_form(b.text)


def _distinct_sentences(
    found: Sequence[Candidate], n: int, min_score: float, *, exclude: str = ""
) -> list[Candidate]:
    chosen: list[Candidate] = []
    seen: set[str] = {exclude}
    for c in found:
        if len(chosen) == n:
            break
        if c.hit.chunk.chunk_id not in seen and c.score >= min_score:
            seen.add(c.hit.chunk.chunk_id)
            chosen.append(c)
    return chosen
