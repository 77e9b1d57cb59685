"""Question analysis: what is asked (its answer type and unit) and the key terms to look for.

The question-word patterns are spelled with diacritics and also take each word typed without
them, so "cho thue dat bao nhieu ha" is read like "cho thuê đất bao nhiêu ha" while "máy" is not
"mấy". English questions are carried into Vietnamese terms
through the domain glossary.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from ingest.normalize import clean, fold, has_diacritics, match_form
from qa.glossary import Glossary, qualifies
from qa.numbers import COUNT_NOUNS, UNITS, Quantity, canonical_unit

AnswerKind = Literal["quantity", "count", "percent", "money", "date", "person", "docref", "place", "text"]

# the unit families an answer may have for each quantity question ("diện tích" without a unit: any area)
AREA_UNITS = ("ha", "m2", "km2")
MONEY_UNITS = ("đồng", "USD")

_QUESTION_WORDS = {
    "bao",
    "nhiêu",
    "mấy",
    "gì",
    "nào",
    "ai",
    "đâu",
    "khi",
    "bao giờ",
    "là",
    "không",
    "chưa",
    "hả",
    "vậy",
    "thì",
    "sao",
}
_FOLDED_QUESTION_WORDS = frozenset(fold(w) for w in _QUESTION_WORDS)
_STOPWORDS = _QUESTION_WORDS | {
    "đã",
    "được",
    "có",
    "của",
    "và",
    "các",
    "những",
    "trong",
    "cho",
    "với",
    "về",
    "tại",
    "ở",
    "theo",
    "từ",
    "đến",
    "này",
    "đó",
    "một",
    "số",
    "the",
    "là",
    "hiện",
    "đạt",
    "bị",
    "để",
    "như",
    "thế",
    "vào",
    "còn",
    "lại",
    "sở",
    "năm",
    "tháng",
    "ngày",
    "thực",
    "bao",
    "nhieu",
    # links and modal words ("phải tạm dừng", "đối với", "do giãn cách", "ra ngày nào", "nếu có")
    "phải",
    "ra",
    "nếu",
    "đối",
    "do",
    "sẽ",
    "đang",
    "vẫn",
    "mà",
    "nên",
    "vì",
    "bởi",
    "cần",
    # a speech's own voice: pronouns, forms of address, praise ("chúng ta đã ...", "kính thưa các đồng chí")
    "chúng",
    "ta",
    "tôi",
    "mình",
    "kính",
    "thưa",
    "đồng",
    "chí",
    "xin",
    "rất",
    "vui",
    "mừng",
    "đáng",
    "ghi",
    "nhận",
    "tự",
    "hào",
    "hết",
    "sức",
    "quý",
    "vị",
    "đại",
    "biểu",
}
# without diacritics many syllables collide ("số" and "sơ" are both "so", "tại" and "tài" both "tai"):
# only function words whose bare form is still unambiguous enough are dropped
# light verbs and links: a sentence need not repeat them ("thực hiện" in "Sở đã thực hiện bao nhiêu
# cuộc thanh tra" is "tiến hành" in another report; a document cited by its number and date,
# "Nghị quyết 41/NQ-HĐND ngày 04/12/2020", says when it was issued without "ban hành")
LIGHT_WORDS = frozenset(
    {
        "đối với",
        "áp dụng",
        "diễn ra",
        "thực hiện",
        "tiến hành",
        "ban hành",
        "bao gồm",
        "trong đó",
        "hiện nay",
        "hiện tại",
        "căn cứ",
        "dựa vào",
        "dựa trên",
        "làm việc",
        "đến nay",
        "vừa qua",
        "tổng",
        "tổng cộng",
        "tổng số",
        "diện tích",
        "số lượng",
        "vào lúc",
        "phải không",
    }
)
# multi-syllable words that ask, link or carry the verb, not the topic: not compounds to require
_FUNCTION_COMPOUNDS = LIGHT_WORDS | {
    "bao nhiêu",
    "phần trăm",
    "khi nào",
    "ngày nào",
    "như thế nào",
    "thế nào",
}
_FOLDED_STOPWORDS = {
    "bao",
    "nhieu",
    "la",
    "gi",
    "nao",
    "ai",
    "dau",
    "khi",
    "duoc",
    "cua",
    "va",
    "cac",
    "nhung",
    "trong",
    "cho",
    "voi",
    "the",
    "de",
    "nhu",
    "vao",
    "con",
    "thi",
    "sao",
    "nam",
    "thang",
    "ngay",
    "chung",
    "toi",
    # function words whose bare form is shared with a rarer content word (đã/đa, có/cơ, về/vé, từ/tư)
    "da",
    "co",
    "ve",
    "tu",
    "den",
    "bi",
    "nay",
    "mot",
    "hien",
    # "ở" (at); the "ô" of "ô nhiễm" still counts through its pair "o nhiem"
    "o",
}
_EN_STOPWORDS = {
    "how",
    "many",
    "much",
    "what",
    "which",
    "who",
    "when",
    "where",
    "was",
    "were",
    "is",
    "are",
    "the",
    "a",
    "an",
    "of",
    "in",
    "on",
    "to",
    "for",
    "by",
    "did",
    "do",
    "does",
    "has",
    "have",
    "had",
    "be",
    "been",
    "with",
    "and",
}

_DOCUMENT_NOUN = r"(?:nghị quyết|thông tư|quyết định|nghị định|chỉ thị|văn bản|công văn|kế hoạch)"
# (pattern on the lowercased question, kind, unit); first match wins. The patterns are spelled with
# their diacritics; each word also matches its diacritic-free form (see ``_tolerant``), so that
# "bao nhieu" reads as "bao nhiêu" while "máy" (machine) never reads as "mấy" (how many)
_SPELLED_RULES: list[tuple[str, AnswerKind, str]] = [
    (
        r"\bphần trăm\b|\bbao nhiêu %|\bchiếm (?:\w+ ){0,3}bao nhiêu\b|\b(?:tỷ|tỉ) lệ\b.*\bbao nhiêu\b"
        r"|\bbao nhiêu\b.*\b(?:tỷ|tỉ) lệ\b|\bpercent|\bpercentage\b|\brate\b",
        "percent",
        "%",
    ),
    (r"\bbao nhiêu (ha|héc[- ]?ta|hecta|m2|mét vuông|km vuông|km2?|km|tấn|kg|m3)\b", "quantity", ""),
    (r"\bhow many (hectares?|square met(?:er|re)s?|kilomet(?:er|re)s?|tonnes?|tons?)\b", "quantity", ""),
    (
        r"\bdiện tích\b.*\bbao nhiêu\b|\bbao nhiêu\b.*\bdiện tích\b|\bhow (?:large|big)\b"
        r"|\bwhat (?:is|was) the (?:\w+ )?area\b|\bwhat area\b|\bhow much area\b"
        # "how much land use fee": land is then the modifier of another noun, not what is measured
        r"|\bhow much land\b(?! use\b)",
        "quantity",
        "area",
    ),
    (
        r"\bkinh phí\b|\bngân sách\b|\bbao nhiêu (?:tiền|đồng|tỷ|tỉ|triệu)\b|\bvốn\b.*\bbao nhiêu\b"
        # "Thu tiền sử dụng đất ... bao nhiêu?", "Số tiền xử phạt là bao nhiêu?"
        r"|\b(?:thu|số|tổng số) tiền\b[^?]*\bbao nhiêu\b(?=\s*(?:\?|$|tiền|đồng|tỷ|tỉ|triệu))"
        r"|\bhow much (?:money|funding|budget)\b|\bfunding\b|\bbudget\b|\bcost\b|\bfees?\b|\brevenues?\b",
        "money",
        "đồng",
    ),
    # before the count: "ngày mấy?" asks for a date, "năm mấy?" for a year, "tháng mấy?" for a
    # month ("vào tháng 9 hằng năm")
    (r"\bnăm mấy\b", "date", "năm"),
    (r"\btháng (?:mấy|nào)\b|\b(?:what|which) month\b", "date", "tháng"),
    (r"\bngày mấy\b", "date", ""),
    # before the count: "Nghị định số mấy?" asks for a document's number, not a count
    (
        rf"\b{_DOCUMENT_NOUN} nào\b|\b{_DOCUMENT_NOUN}\b.*\bsố (?:mấy|bao nhiêu|nào|gì)\b"
        r"|\bwhich (?:resolution|circular|decision|decree|directive|document|regulation)\b"
        r"|\bwhat (?:resolution|circular|decree|decision)\b",
        "docref",
        "",
    ),
    (
        r"\bbao nhiêu\b|\bhow many\b|\bnumber of\b"
        # "Số cuộc thanh tra đột xuất?": the number of a counted noun, unless another question
        # word asks something else ("so to chuc hoi nghi khi nao" is "Sở tổ chức hội nghị khi nào")
        r"|^(?!.*\b(?:khi nào|ngày nào|năm nào|tháng nào|bao giờ|ở đâu|là gì|ai)\b)(?:tổng )?số (?:lượng )?"
        rf"(?=(?:{'|'.join(sorted(COUNT_NOUNS, key=len, reverse=True))})\b)",
        "count",
        "",
    ),
    # "mấy" after "bao nhiêu": typed bare, "nha may ... bao nhieu cong nhan" asks with "bao nhieu"
    (r"\bmấy\b", "count", ""),
    # "ngày tháng năm nào" asks for the whole date; "năm nào" alone for a year: a full date
    # answers it by its year ("Tesla chết năm nào?" -> năm 1943)
    (r"\bngày tháng năm nào\b", "date", ""),
    (r"\bnăm nào\b|\b(?:what|which) year\b", "date", "năm"),
    # a period asked for: a span of years answers it ("kỳ 5 năm (2020-2024)")
    (r"\b(?:giai đoạn|thời kỳ) nào\b|\b(?:what|which) period\b", "date", "giai đoạn"),
    (
        r"\bngày nào\b|\bkhi nào\b|\bbao giờ\b|\bthời gian nào\b|\bwhen\b|\bwhat date\b"
        r"|\bwhich date\b|\bwhat day\b",
        "date",
        "",
    ),
    (r"(?:^| )ai(?: |$|\?)|\bwho\b|\bwhom\b", "person", ""),
    (r"\bở đâu\b|\btại đâu\b|\bnơi nào\b|\bđịa điểm nào\b|\bwhere\b", "place", ""),
]


def _tolerant(pattern: str) -> re.Pattern[str]:
    """A spelled rule that also takes each of its words typed without diacritics.

    "bao nhiêu" becomes "bao (?:nhiêu|nhieu)": a question typed without diacritics matches, and so
    does one typed with them, but a word typed with other diacritics ("máy" for "mấy") does not.
    """

    def word(m: re.Match[str]) -> str:
        text = m.group(0)
        if text.startswith("\\"):
            return text  # an escape ("\b", "\w") is regex syntax, not a word
        spelled = match_form(text)
        return spelled if fold(spelled) == spelled else f"(?:{spelled}|{fold(spelled)})"

    return re.compile(re.sub(r"\\.|[^\W\d_]+", word, pattern))


_KIND_RULES = [(_tolerant(pattern), kind, unit) for pattern, kind, unit in _SPELLED_RULES]
_EN_UNITS = {
    "hectare": "ha",
    "hectares": "ha",
    "percent": "%",
    "tonnes": "tấn",
    "tons": "tấn",
    "tonne": "tấn",
}
_NUMBER = re.compile(r"\d+(?:[.,/]\d+)*")
# one item of a clause ends at a comma, "và", a semicolon or a bracket
_ITEM_EDGE = re.compile(r"[,;()]|\s(?:và|va|and)\s")
_TARGET = re.compile(r"(?<!\w)(?:chỉ tiêu|chi tieu|mục tiêu|muc tieu|targets?|goals?)(?!\w)")
# a bracketed or quoted phrase: Vietnamese inside an English question when it has diacritics
_QUOTED = re.compile(r"[(\"“‘']([^()\"“”‘’']{2,80})[)\"”’']")
# where the noun phrase after "how many" ends: its verb or a preposition
_EN_PHRASE_END = re.compile(
    r"\b(?:were|was|did|do|does|have|has|had|are|is|in|of|by|for|to|that|which|who|with|on|at|during)\b|[?.,]"
)
# time expressions constrain the evidence (see anchors) but are not what the question is about
_TIME_PHRASE = re.compile(
    r"\b(?:trong\s+)?(?:\d+|[a-z]+)\s+(?:tháng|thang)\s+(?:đầu|cuối|dau|cuoi)\s+(?:năm|nam)(?:\s+\d{4})?"
    r"|\b(?:năm|nam|quý|quy)\s+\d{1,4}(?:/\d{4})?|\b(?:in|during|for)?\s*(?:the\s+)?(?:first|last)\s+\w+\s+months?(?:\s+of)?(?:\s+\d{4})?"
    r"|\b(?:in|during)\s+\d{4}\b"
    # a period asked for ("áp dụng cho giai đoạn nào") is the answer's type, not its topic
    r"|\b(?:giai\s+đoạn|giai\s+doan|thời\s+kỳ|thoi\s+ky)\s+(?:nào|nao)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Question:
    """What a question asks and the terms that locate its answer.

    Attributes:
        text: the question as asked (cleaned).
        lang: ``"vi"`` or ``"en"``.
        kind: the answer type.
        unit: the answer's unit: canonical ("ha", "%", "đồng"), ``"area"`` for any area unit,
            a counted noun ("tổ chức", "cuộc") for counts, ``"năm"`` for a date asked by its year,
            ``"giai đoạn"`` for a period, ``"tháng"`` for a month,
            or ``""`` when any will do.
        terms: key terms in the report's language, in ``match_form`` (or folded when ``folded``).
        anchors: numbers the question itself states, each with the word before it
            ("giai đoạn 2", "năm 2020"): the evidence must state them too.
        query: the text to embed for dense retrieval.
        folded: the question was typed without diacritics; compare folded forms.
        unit_strict: a count's noun must match (a known counted noun, or an English noun carried
            over by the glossary); otherwise it is only a preference.
        compounds: the question's multi-syllable words (underthesea), space-joined, in
            ``match_form``; question words, units and time phrases left out. For an English
            question, the compounds its glossary phrases must be rendered by.
        aliases: ``(term, words)`` pairs, in the question's form: an abbreviation the question
            uses and the reports use too, and the words it stands for ("tp", "thành phố"). A text
            that has the words has the term.
        untranslated: content words of an English question that the glossary does not carry
            ("campaign"): asked about, but found in no Vietnamese text.
        unit_alternatives: other renderings of an English counted noun ("cases": "vụ việc" is the
            unit, "trường hợp" an alternative); a count in any of them answers.
        target: the question asks for a target ("chỉ tiêu", "mục tiêu"), not what was achieved.
        quoted: the report's own words an English question quotes ("allocated (giao đất)"), in
            ``match_form``: the evidence must say them.
    """

    text: str
    lang: str
    kind: AnswerKind
    unit: str
    terms: list[str]
    anchors: list[tuple[str, str, str]] = field(default_factory=list)
    query: str = ""
    folded: bool = False
    unit_strict: bool = True
    compounds: list[str] = field(default_factory=list)
    unit_alternatives: tuple[str, ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()
    untranslated: tuple[str, ...] = ()
    target: bool = False
    quoted: tuple[str, ...] = ()

    def form(self, text: str) -> str:
        """The comparison form of a passage for this question (folded or ``match_form``)."""
        return fold(text) if self.folded else match_form(text)


def analyse(text: str, glossary: Glossary, *, folded: bool | None = None) -> Question:
    """Read a question: its language, answer kind, unit, key terms and stated numbers.

    ``folded`` forces the comparison without diacritics (a question typed partly without them,
    which the engine tells from the index's vocabulary); by default, a question with no diacritic
    at all is compared folded.

    >>> analyse("Cho thuê đất bao nhiêu ha?", Glossary.load()).unit
    'ha'
    """
    text = clean(text)
    english = glossary.is_english(text)
    folded = not english and (not has_diacritics(text) if folded is None else folded)
    flat = fold(text)
    kind, (unit, *unit_alternatives), asking = _kind_and_unit(text, english, glossary)
    if english:
        # unit words ("héc-ta") are the answer's type, not its topic; nouns that can be counted
        # ("hội nghị" in "when was the conference held") are kept
        vi_terms = [t for t in glossary.translate(text) if match_form(t) not in UNITS]
        # Vietnamese words quoted in an English question ("public service units (đơn vị sự nghiệp
        # công lập)") are the report's own terms
        vi_terms += [match_form(m.group(1)) for m in _QUOTED.finditer(text) if has_diacritics(m.group(1))]
        terms = _terms(" ; ".join(vi_terms), folded=False)
        if kind == "count" and unit:
            vi_terms.append(unit)  # what is counted ("tổ chức" for "organizations") locates the figure too
        query = text + " (" + ", ".join(vi_terms) + ")" if vi_terms else text
        # "the 2nd conference" states a 2 as "lần thứ 2" does
        anchors = _anchors(re.sub(r"\b(\d+)(?:st|nd|rd|th)\b", r"\1", flat), english=True)
    else:
        # without diacritics a question word is also a content word ("may": "mấy", "máy"): where
        # it asks, it is no term
        terms = _terms(_unasked(text, asking) if folded else text, folded=folded)
        query = text
        anchors = _anchors(fold(text) if folded else match_form(text), english=False)
    unit_strict = True
    if kind == "count" and unit and not english:
        # the counted noun is checked by the answer's type; as a term it would only add noise
        unit_words = set((fold(unit) if folded else match_form(unit)).split())
        terms = [t for t in terms if not set(t.split()) <= unit_words]
        unit_strict = any(unit == noun or fold(unit) == fold(noun) for noun in COUNT_NOUNS)
    compounds = _english_compounds(text, glossary) if english else [] if folded else _compounds(text, unit)
    return Question(
        text,
        "en" if english else "vi",
        kind,
        unit,
        terms,
        anchors,
        query,
        folded,
        unit_strict,
        compounds,
        tuple(unit_alternatives),
        target=_TARGET.search(match_form(text)) is not None,
        untranslated=tuple(glossary.untranslated(_QUOTED.sub(" ", text))) if english else (),
        quoted=tuple(match_form(m.group(1)) for m in _QUOTED.finditer(text) if has_diacritics(m.group(1)))
        if english
        else (),
    )


def names_target(text: str, start: int, end: int) -> bool:
    """Whether the item of ``text`` around ``text[start:end]`` (between commas, "và", semicolons or
    brackets) names a target: "chỉ tiêu 95%" does, "đạt 98,42%, vượt chỉ tiêu" does not."""
    lo = max((m.end() for m in _ITEM_EDGE.finditer(text, 0, start)), default=0)
    after = _ITEM_EDGE.search(text, end)
    return _TARGET.search(text.lower(), lo, after.start() if after else len(text)) is not None


def bare_words(text: str) -> list[str]:
    """The content words of a question typed without diacritics ("dia", "chinh" in "so hồ sơ trích
    đo dia chinh"); question and function words ("bao", "cho") are left out."""
    return [
        w
        for w in re.findall(r"(?<!\w)[^\W\d_]{2,}(?!\w)", match_form(text))
        if not has_diacritics(w)
        and not _is_unit(w)
        and w not in _STOPWORDS
        and w not in _FOLDED_STOPWORDS
        and w not in _EN_STOPWORDS
    ]


def _english_compounds(text: str, glossary: Glossary) -> list[str]:
    """The Vietnamese compounds an English question's phrases must be rendered by.

    A phrase whose renderings all contain one compound needs it ("conference" -> "hội nghị",
    "leased" -> "cho thuê đất" or "cho thuê": "cho thuê"); one rendered several ways ("household
    waste": "chất thải sinh hoạt" or "rác thải sinh hoạt") requires none of them.
    """
    found = []
    for match in glossary.find(text):
        shortest = min(match.vietnamese, key=len)
        if (
            len(shortest.split()) == 2  # one word of the index, as the compounds of Vietnamese questions
            and shortest not in UNITS
            and all(shortest in v for v in match.vietnamese)
            and shortest not in found
        ):
            found.append(shortest)
    return found


def _compounds(text: str, unit: str) -> list[str]:
    """Multi-syllable words of a Vietnamese question that name what it is about."""
    from ingest.segment import words

    skip = _FUNCTION_COMPOUNDS | {match_form(unit)}
    # capitalised syllables (after the first word) belong to names, which the segmenter often glues
    # to the next word ("Luther lan", "Nissan mở"): such a "compound" names nothing to look for
    capitalised = {match_form(w) for w in re.findall(r"\w+", text)[1:] if w[:1].isupper()}
    found = []
    for word in words(_TIME_PHRASE.sub(" , ", text)):
        compound = word.replace("_", " ")
        syllables = compound.split()
        if (
            "_" in word
            and compound not in skip
            and not any(_NUMBER.fullmatch(x) for x in syllables)
            and not capitalised.intersection(syllables)
        ):
            found.append(compound)
    return found


def _unasked(text: str, asking: tuple[int, int]) -> str:
    """``text`` with the question words inside the span that asks blanked out."""
    start, end = asking
    inner = re.sub(
        r"\w+", lambda m: " ; " if fold(m.group(0)) in _FOLDED_QUESTION_WORDS else m.group(0), text[start:end]
    )
    return text[:start] + inner + text[end:]


def _kind_and_unit(
    text: str, english: bool, glossary: Glossary
) -> tuple[AnswerKind, tuple[str, ...], tuple[int, int]]:
    """The answer type and its unit, with the other renderings of an English counted noun after it
    ("cases": "vụ việc", "trường hợp"), and where the question asks ("bao nhiêu", "mấy")."""
    # lowercased, tones unified, every diacritic kept as typed: positions equal the folded form's
    low = match_form(text)
    for pattern, kind, unit in _KIND_RULES:
        m = pattern.search(low)
        if not m:
            continue
        if kind == "quantity" and not unit:
            word = m.group(1)
            unit = _EN_UNITS.get(word, "") or canonical_unit(word) or canonical_unit(fold(word)) or ""
            if not unit and fold(word).startswith("hec"):
                unit = "ha"
        if kind == "count":
            return kind, _counted_nouns(text, english, glossary, m.end()), m.span()
        return kind, (unit,), m.span()
    return "text", ("",), (0, 0)


def _counted_nouns(text: str, english: bool, glossary: Glossary, after: int) -> tuple[str, ...]:
    """The noun a count question counts: "bao nhiêu cuộc thanh tra" -> ("cuộc",).

    In English, the last glossary phrase of the noun phrase after "how many" (its head), with
    every rendering: "how many cases were ..." -> ("vụ việc", "trường hợp"); "how many production
    and business establishments ..." -> ("cơ sở sản xuất, kinh doanh",).
    """
    if english:
        rest = text[after:]
        end = _EN_PHRASE_END.search(rest.lower())
        # a participle after the noun is no noun: "complaint cases assigned by ..." counts cases
        found = [m for m in glossary.find(rest[: end.start()] if end else rest) if not qualifies(m.english)]
        return tuple(match_form(v) for v in found[-1].vietnamese) if found else ("",)
    return (_counted_noun(text, after),)


def _counted_noun(text: str, after: int) -> str:
    # the words after "bao nhiêu" in the question's own spelling (positions are equal in the folded form)
    rest = match_form(text)[after:].strip()
    rest_folded = fold(rest)
    for noun in sorted(COUNT_NOUNS, key=len, reverse=True):
        # whole words only: "công ty" does not start with the noun "con"
        if re.match(rf"{re.escape(noun)}(?!\w)", rest) or (
            not has_diacritics(rest) and re.match(rf"{re.escape(fold(noun))}(?!\w)", rest_folded)
        ):
            return noun
    first = rest.split(" ", 1)[0].strip("?.,")
    # "bao nhiêu khi ...", "bao nhiêu vào năm ...": a function word is not what is counted
    return "" if first in _STOPWORDS or fold(first) in _FOLDED_STOPWORDS else first


def _terms(text: str, *, folded: bool) -> list[str]:
    """Content syllables and adjacent-syllable pairs of the question, in comparison form.

    Time expressions ("9 tháng đầu năm 2021") and unit words ("ha", "phần trăm") are left out:
    the first are checked as anchors, the second by the answer's type.
    """
    form = fold(text) if folded else match_form(text)
    form = _TIME_PHRASE.sub(" ; ", form)
    stop = _FOLDED_STOPWORDS if folded else _STOPWORDS
    question_words = _FOLDED_QUESTION_WORDS if folded else _QUESTION_WORDS
    terms: list[str] = []
    for phrase in re.split(r"[;,.?!:()]", form):
        syllables = re.findall(r"\w+", phrase)
        for s in syllables:
            if s in stop or s in _EN_STOPWORDS or s in terms or _NUMBER.fullmatch(s) or _is_unit(s):
                continue
            terms.append(s)
        for a, b in zip(syllables, syllables[1:], strict=False):
            pair = f"{a} {b}"
            if (
                a not in question_words
                and b not in question_words
                and not _NUMBER.fullmatch(a)
                and not _NUMBER.fullmatch(b)
                and not (_is_unit(a) or _is_unit(b))
                and pair not in terms
            ):
                terms.append(pair)
    return terms


def _is_unit(word: str) -> bool:
    return canonical_unit(word) is not None or word in ("phan", "tram", "phần", "trăm", "hecta", "héc")


def _anchors(form: str, *, english: bool) -> list[tuple[str, str, str]]:
    """Numbers the question states, with the word before and after each.

    ("đoạn", "2", "có") for "giai đoạn 2 có diện tích", ("năm", "2020", "") for "năm 2020",
    ("quyết", "41/nq-hđnd", "") for "Nghị quyết 41/NQ-HĐND": the evidence must state the number
    next to one of those words (English: the number alone).
    """
    found = []
    # a document number is one anchor with its letters: "41/nq-hđnd", "31/2018/tt-btnmt"
    for m in re.finditer(
        r"(?:(\w+)\s+)?(?<![\w.,/])(\d+(?:[.,/]\d+)*(?:/[^\W\d_][\w-]*)*)(?![\w])(?:\s+(\w+))?", form
    ):
        before, after = (m.group(1) or "").lower(), (m.group(3) or "").lower()
        if english or _NUMBER.fullmatch(before):
            before = ""
        if english or _NUMBER.fullmatch(after):
            after = ""
        found.append((before, m.group(2), after))
    return found


# the answer type and unit a figure of each kind calls for, when a claim states it
_CLAIM_KINDS: dict[str, AnswerKind] = {
    "area": "quantity",
    "length": "quantity",
    "mass": "quantity",
    "volume": "quantity",
    "percent": "percent",
    "money": "money",
    "count": "count",
    "fraction": "count",
    "date": "date",
    "code": "docref",
}
CHECKABLE_KINDS = frozenset(_CLAIM_KINDS)
# "9 tháng", "3 năm": durations set the time frame of a claim; they are not its figures
_DURATION_UNITS = frozenset(
    {"tháng", "năm", "ngày", "quý", "tuần", "giờ", "phút", "months", "years", "days", "weeks"}
)


def is_checkable(q: Quantity) -> bool:
    """Whether a figure in a claim is one to check (not a year, a bare number or a duration)."""
    return q.kind in CHECKABLE_KINDS and not (q.kind == "count" and q.unit in _DURATION_UNITS)


def for_claim(text: str, figure: Quantity, others: Sequence[Quantity], glossary: Glossary) -> Question:
    """The question a claimed figure answers: "cho thuê đất ... 66,4 ha" -> how many ha were leased.

    Args:
        text: the claim sentence.
        figure: the figure to check (its span is in ``text``).
        others: every checkable figure of the sentence (left out of the anchors: they are checked, not given).
        glossary: for English claims.
    """
    text = clean(text)
    english = glossary.is_english(text)
    kind = _CLAIM_KINDS[figure.kind]
    unit = figure.unit if kind in ("quantity", "count") else ("%" if kind == "percent" else "")
    if kind == "money":
        unit = "đồng"
    if english and kind == "count" and unit:
        # "22 organizations" counts what the report calls "tổ chức"
        unit = next((match_form(t) for t in glossary.translate(unit)), unit)
    bare = text[: figure.start] + " ; " + text[figure.end :]
    if english:
        vi_terms = [t for t in glossary.translate(bare) if canonical_unit(t) is None]
        terms = _terms(" ; ".join(vi_terms), folded=False)
    else:
        terms = _terms(bare, folded=False)
        unit_words = set(match_form(unit).split()) if kind == "count" else set()
        terms = [t for t in terms if not (unit_words and set(t.split()) <= unit_words)]
    given = text
    for q in sorted(others, key=lambda q: -q.start):
        given = given[: q.start] + " ; " + given[q.end :]
    anchors = _anchors(fold(given) if english else match_form(given), english=english)
    # "đạt 99%, vượt chỉ tiêu": the claimed figure is what was achieved, not the target
    target = names_target(match_form(text), figure.start, figure.end)
    return Question(text, "en" if english else "vi", kind, unit, terms, anchors, text, False, target=target)
