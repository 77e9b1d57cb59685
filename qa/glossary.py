"""English domain terms mapped to the Vietnamese terms that reports use.

An English question over a Vietnamese report ("how many hectares were leased") reaches the right
sentence through the multilingual embedding, but the embedding cannot tell that sentence's clauses
apart ("thu hồi đất ...; giao đất ...; cho thuê đất ... 66,4 ha"). The glossary carries the
question's English terms into the report's Vietnamese ones ("leased" -> "cho thuê") for lexical
retrieval and clause selection.

The data lives in ``qa/data/glossary.tsv``: one ``en<TAB>vi<TAB>domain`` row per pair, several rows
per English term when it has alternatives. Matching is on word boundaries, case-insensitive,
longest phrase first, with a light lemmatiser so that "leased", "inspections" and "hectares" find
"lease", "inspection" and "hectare".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from baocao.errors import BaocaoError
from ingest.normalize import fold, match_form

__all__ = ["DOMAINS", "Glossary", "GlossaryEntry", "GlossaryMatch", "lemma"]

DOMAINS = frozenset(
    {
        "land",
        "environment",
        "inspection",
        "complaints",
        "budget",
        "waste",
        "water",
        "minerals",
        "planning",
        "administration",
        "climate",
        "surveying",
        "general",
    }
)
_HEADER = ("en", "vi", "domain")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# a word: letters and digits, with any combining marks that follow (decomposed Vietnamese stays one token)
_TOKEN = re.compile(r"[^\W_](?:[^\W_]|[\u0300-\u036f])*")
# what may sit between two words of one phrase: spaces, hyphens, a slash, a possessive "'s"
_GAP = re.compile(r"(?:\s|[-\u2010\u2011\u2013/]|['\u2019]s?)*")
_APOSTROPHES = "'\u2019"

# Function words: never a match on their own, and no evidence of a language in is_english.
_STOPWORDS = _words(
    """
    a an the of in on at to for by with from as into onto about over under per via than then and or nor but
    is are was were be been being am do does did done doing have has had having
    how many much what which who whom whose when where why whether if that this these those there here
    it its they them their theirs he him his she her hers we us our ours you your yours i me my
    not no any some all each every both either neither other another such same own
    so too very just only also still yet even up down out off again further once well
    can could will would shall should may might must
    during after before since until while within without between among against through across
    get got gets please tell give show say said let
    """
)

# Frequent English words that are neither stopwords nor glossary terms, for is_english only.
_ENGLISH_WORDS = _words(
    """
    one two three four five six seven eight nine ten eleven twelve twenty hundred first second third last next
    new old big small large high low long short main major key current previous recent total number
    happen happened take took taken make made find found know known mention mentioned according
    like many more most less least few several whole part parts kind type name named called
    answer question reported says people work worked working went go going come came see seen
    """
)

# Unaccented Vietnamese syllables that are also English words: evidence of neither language.
_AMBIGUOUS = _words(
    "a an ban be bin can con day do dong go ha hang hoc hon in long lot ma map may me men no nam non on pin "
    "sang so tan tap than the tin to ton top"
)

# A syllable Vietnamese could spell once its diacritics are gone: onset, vowel cluster, final.
_VIETNAMESE_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?"
)


def _pairs(text: str) -> dict[str, str]:
    return dict(pair.split(":") for pair in text.split())


# forms the suffix rules cannot reach
_IRREGULAR = _pairs(
    # irregular verbs and plurals
    "held:hold paid:pay spent:spend sold:sell built:build bought:buy brought:bring sent:send met:meet "
    "led:lead lent:lend dealt:deal laid:lay gave:give given:give took:take taken:take made:make "
    "found:find began:begin begun:begin chose:choose chosen:choose drew:draw drawn:draw grew:grow "
    "grown:grow rose:rise risen:rise fell:fall fallen:fall spoke:speak spoken:speak withdrew:withdraw "
    "withdrawn:withdraw undertook:undertake undertaken:undertake oversaw:oversee overseen:oversee dug:dig "
    "won:win analyses:analysis criteria:criterion indices:index children:child men:man women:woman "
    # a doubled "l" the suffix rules keep ("filled" -> "fill") but British spelling adds
    "cancelled:cancel cancelling:cancel controlled:control controlling:control labelled:label "
    "modelled:model levelled:level levelling:leveling totalled:total patrolled:patrol patrolling:patrol "
    # British spellings the "-ise" rule does not cover
    "licence:license licences:licenses programme:program programmes:programs centre:center "
    "centres:centers metre:meter metres:meters kilometre:kilometer kilometres:kilometers litre:liter "
    "litres:liters tonne:ton tonnes:tons defence:defense odour:odor labour:labor "
    # number words, so that "first nine months" meets "first 9 months"
    "one:1 two:2 three:3 four:4 five:5 six:6 seven:7 eight:8 nine:9 ten:10 eleven:11 twelve:12"
)
# words the suffix rules would damage: "-ed", "-ing" and "-s" that are not inflections
_KEEP = _words(
    "hundred united sacred naked need seed speed feed proceed exceed succeed breed deed weed heed greed "
    "bleed embed during morning evening ceiling nothing something anything everything series species news"
)
_BRITISH = re.compile(r"(?<=\w\w)is(e|ed|es|ing|ation|ations)$")
_BRITISH_YS = re.compile(r"ys(e|ed|es|ing)$")
_VOWEL = re.compile(r"[aeiouy]")
_DOUBLE_KEPT = ("ll", "ss", "zz", "ff")


def _undouble(stem: str) -> str:
    # "planned" -> "plann" -> "plan"; "filled" keeps its "ll"
    if len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1] not in "aeiouy" and stem[-2:] not in _DOUBLE_KEPT:
        return stem[:-1]
    return stem


def qualifies(word: str) -> bool:
    """Whether an English word qualifies a noun rather than names one: a participle ("assigned",
    "covered") or a gerund ("finalising")."""
    return word.lower().endswith(("ed", "ing"))


def lemma(word: str) -> str:
    """A light lemma of one lowercase English word, for matching only (it need not be a word).

    Strips one inflection (-s, -es, -ies, -ed, -ied, -ing), undoes a doubled final consonant,
    drops a final "e", folds British "-ise/-isation" into "-ize/-ization", and maps irregular
    forms and number words. Base and inflected forms meet: "lease", "leased", "leasing" and
    "leases" all give "leas"; "nine" gives "9".

    Args:
        word: one lowercase word.

    Returns:
        Its lemma.
    """
    w = _IRREGULAR.get(word, word)
    if w.isdigit() or len(w) <= 2 or w in _KEEP:
        return w
    w = w.replace("isation", "ization")
    w = _BRITISH.sub(r"iz\1", w)
    w = _BRITISH_YS.sub(r"yz\1", w)
    if len(w) > 4 and w.endswith(("ies", "ied")):
        w = w[:-3] + "y"
    elif w.endswith("es") and w[:-2].endswith(("ss", "x", "z", "ch", "sh")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        w = w[:-1]
    elif w.endswith("eed"):
        w = w[:-1]  # "agreed" -> "agree"; "need", "exceed" were kept above
    elif w.endswith("ed") and _VOWEL.search(w[:-2]):
        w = _undouble(w[:-2])
    elif w.endswith("ing") and len(w) > 4 and _VOWEL.search(w[:-3]):
        w = _undouble(w[:-3])
    if w.endswith("e") and len(w) >= 3:
        w = w[:-1]
    return w


@dataclass(frozen=True)
class GlossaryEntry:
    """One row of the glossary file."""

    english: str
    vietnamese: str
    domain: str
    line: int


@dataclass(frozen=True)
class GlossaryMatch:
    """An English phrase found in a text, with the Vietnamese terms it stands for.

    Attributes:
        english: the phrase as found in the text, lowercased ("hectares").
        vietnamese: its Vietnamese terms, most specific (longest) first ("cho thuê đất", "cho thuê").
        start: offset of the phrase's first character in the text.
        end: offset just past its last character.
        domain: the domain tag of its first Vietnamese term.
    """

    english: str
    vietnamese: tuple[str, ...]
    start: int
    end: int
    domain: str


@dataclass(frozen=True)
class _Token:
    word: str | None  # lowercase ASCII word, or None for a word no English term can contain
    lemma: str | None
    start: int
    end: int
    joined: bool  # whether it may continue the phrase of the token before it


@dataclass(frozen=True)
class _Sense:
    vietnamese: tuple[str, ...]
    domain: str


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    last_end: int | None = None
    for m in _TOKEN.finditer(text):
        start, end = m.span()
        raw = m.group(0)
        if raw in ("s", "S") and start > 0 and text[start - 1] in _APOSTROPHES:
            continue  # the "s" of a possessive: "people's committee" matches "people committee"
        low = raw.lower()
        english = low.isascii()
        joined = last_end is not None and _GAP.fullmatch(text, last_end, start) is not None
        tokens.append(_Token(low if english else None, lemma(low) if english else None, start, end, joined))
        last_end = end
    return tokens


def _key_words(english: str) -> tuple[str, ...]:
    return tuple(t.word for t in _tokens(english) if t.word is not None)


def _sense(entries: Sequence[GlossaryEntry]) -> _Sense:
    # most specific first: more words, then the file's order
    ordered = sorted(entries, key=lambda e: (-len(e.vietnamese.split()), e.line))
    vietnamese = tuple(dict.fromkeys(e.vietnamese for e in ordered))
    return _Sense(vietnamese, ordered[0].domain)


class Glossary:
    """English -> Vietnamese domain terms, matched in English text.

    >>> g = Glossary.load()
    >>> g.translate("how many hectares were leased")
    ['ha', 'héc-ta', 'hecta', 'cho thuê']
    """

    def __init__(self, entries: Iterable[GlossaryEntry]) -> None:
        """Index the given rows; ``load`` is the usual way in.

        Args:
            entries: the rows, already checked (``load`` checks them).
        """
        self._entries = tuple(entries)
        by_words: dict[tuple[str, ...], list[GlossaryEntry]] = {}
        by_lemmas: dict[tuple[str, ...], list[GlossaryEntry]] = {}
        for entry in self._entries:
            words = _key_words(entry.english)
            by_words.setdefault(words, []).append(entry)
            by_lemmas.setdefault(tuple(lemma(w) for w in words), []).append(entry)
        self._exact = {words: _sense(group) for words, group in by_words.items()}
        # An inflected form takes the senses of its base form only, the shortest English key of the
        # group: "plans" means "plan" (kế hoạch), not "planned" (theo kế hoạch) nor "planning" (quy hoạch).
        self._lemma: dict[tuple[str, ...], _Sense] = {}
        for lemmas, group in by_lemmas.items():
            base = min(group, key=lambda e: (len(e.english), e.line)).english
            self._lemma[lemmas] = _sense([e for e in group if e.english == base])
        self._max_words = max((len(words) for words in by_words), default=0)
        vocabulary = {w for words in by_words for w in words} | _STOPWORDS | _ENGLISH_WORDS
        self._vocabulary = frozenset(vocabulary)
        self._vocabulary_lemmas = frozenset(lemma(w) for w in vocabulary)

    @classmethod
    def load(cls, path: Path | None = None) -> Glossary:
        """Read a glossary file; by default the packaged ``qa/data/glossary.tsv``.

        The file is UTF-8, tab-separated, with the header ``en, vi, domain``; blank lines and lines
        starting with ``#`` are skipped.

        Args:
            path: a glossary file, or None for the packaged one.

        Returns:
            The glossary.

        Raises:
            BaocaoError: the file cannot be read, or a row is malformed (wrong number of fields,
                unknown domain, a Vietnamese term not in NFC lowercase match form, an English term
                that is not lowercase ASCII or holds only stopwords, a repeated pair). The message
                names the file and line and says how to fix it.
        """
        if path is None:
            name = "qa/data/glossary.tsv"
            try:
                text = resources.files("qa").joinpath("data", "glossary.tsv").read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise BaocaoError(
                    f"cannot read the packaged glossary '{name}': {exc}; reinstall baocao"
                ) from exc
        else:
            name = str(path)
            try:
                text = Path(path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise BaocaoError(f"cannot read glossary '{name}': {exc}; give a UTF-8 text file") from exc
        return cls(_parse(text, name))

    @property
    def entries(self) -> tuple[GlossaryEntry, ...]:
        """Every row, in the file's order."""
        return self._entries

    def __len__(self) -> int:
        """Number of rows (English-Vietnamese pairs)."""
        return len(self._entries)

    def find(self, text: str) -> list[GlossaryMatch]:
        """English glossary phrases in a text, longest first, not overlapping, in text order.

        Matching is case-insensitive and on word boundaries; each word may be inflected
        ("leased", "inspections", "hectares"), and an exact wording in the glossary wins over
        its lemma. A phrase does not run across punctuation other than a hyphen, a slash or a
        possessive "'s". Stopwords alone match nothing; words with diacritics match nothing.

        Args:
            text: a question or any text, in any Unicode form.

        Returns:
            The matches, ordered by position.
        """
        tokens = _tokens(text)
        candidates: list[tuple[int, int, _Sense]] = []
        for i, first in enumerate(tokens):
            if first.word is None:
                continue
            words: list[str] = []
            lemmas: list[str] = []
            for j in range(i, min(i + self._max_words, len(tokens))):
                token = tokens[j]
                if token.word is None or token.lemma is None or (j > i and not token.joined):
                    break
                words.append(token.word)
                lemmas.append(token.lemma)
                if j == i and token.word in _STOPWORDS:
                    continue  # a stopword may open a phrase ("by post") but is nothing alone
                sense = self._exact.get(tuple(words)) or self._lemma.get(tuple(lemmas))
                if sense is not None:
                    candidates.append((j - i + 1, i, sense))
        candidates.sort(key=lambda c: (-c[0], c[1]))
        taken = [False] * len(tokens)
        matches: list[GlossaryMatch] = []
        for length, i, sense in candidates:
            if any(taken[i : i + length]):
                continue
            taken[i : i + length] = [True] * length
            start, end = tokens[i].start, tokens[i + length - 1].end
            matches.append(GlossaryMatch(text[start:end].lower(), sense.vietnamese, start, end, sense.domain))
        matches.sort(key=lambda m: m.start)
        return matches

    def translate(self, text: str) -> list[str]:
        """The Vietnamese terms of the English phrases in a text, in order, without repeats.

        Args:
            text: an English question.

        Returns:
            Vietnamese terms in NFC lowercase match form: "how many hectares were leased" ->
            ["ha", "héc-ta", "hecta", "cho thuê"].
        """
        terms = (term for match in self.find(text) for term in match.vietnamese)
        return list(dict.fromkeys(terms))

    def untranslated(self, text: str) -> list[str]:
        """The content words of an English text that no glossary phrase carries, in order.

        Function words, frequent question words, capitalised words (names: "Can Tho") and the
        forms that qualify rather than name ("-ed", "-ing", "-ly") are left out: what is left is
        the topic the Vietnamese terms do not say ("campaign" in "When is the campaign held?").
        """
        covered = [(m.start, m.end) for m in self.find(text)]
        words = []
        for token in _tokens(text):
            word = token.word
            if (
                word is None
                or len(word) < 3
                or not word.isalpha()
                or qualifies(word)
                or word.endswith("ly")  # an adverb ("currently")
                or word in _STOPWORDS
                or word in _ENGLISH_WORDS
                or token.lemma in _ENGLISH_WORDS
                or text[token.start].isupper()
                or any(a <= token.start < b for a, b in covered)
            ):
                continue
            words.append(word)
        return list(dict.fromkeys(words))

    def is_english(self, text: str) -> bool:
        """Guess whether a question is written in English.

        Each word votes: a word with Vietnamese diacritics votes Vietnamese; a known English word
        (stopword, glossary word, common word, or an inflection of one) votes English; an unknown
        word votes Vietnamese if it could be an unaccented Vietnamese syllable ("thue", "nhieu")
        and English otherwise ("hectares"). Numbers and words both languages share ("to", "can")
        do not vote. English wins only with more votes, so "cho thue dat bao nhieu ha" is not
        English, while an English question naming "Võ Văn Kiệt" still is.

        Args:
            text: a question, in any Unicode form.

        Returns:
            True if it reads as English.
        """
        english = vietnamese = 0
        for m in _TOKEN.finditer(text):
            word = m.group(0).lower()
            if word.isdigit():
                continue
            if fold(word) != word:
                vietnamese += 1
                continue
            if not word.isascii() or word in _AMBIGUOUS:
                continue
            if word in self._vocabulary or lemma(word) in self._vocabulary_lemmas:
                english += 1
            elif _VIETNAMESE_SYLLABLE.fullmatch(word):
                vietnamese += 1
            else:
                english += 1
        return english > vietnamese


def _parse(text: str, name: str) -> list[GlossaryEntry]:
    entries: list[GlossaryEntry] = []
    seen: dict[tuple[str, str], int] = {}
    header_seen = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t")]
        where = f"glossary '{name}' line {number}"
        if not header_seen:
            if tuple(fields) != _HEADER:
                raise BaocaoError(
                    f"{where}: expected the header 'en<TAB>vi<TAB>domain', got {line!r}; add it"
                )
            header_seen = True
            continue
        if len(fields) != 3 or not all(fields):
            raise BaocaoError(
                f"{where}: expected 3 tab-separated fields (en, vi, domain), got {line!r}; "
                "separate them with tabs"
            )
        en, vi, domain = fields
        if domain not in DOMAINS:
            raise BaocaoError(f"{where}: unknown domain {domain!r}; use one of {', '.join(sorted(DOMAINS))}")
        if en != en.lower() or not en.isascii():
            raise BaocaoError(
                f"{where}: English term {en!r} is not lowercase ASCII; write it as {en.lower()!r}"
            )
        words = _key_words(en)
        if not words or all(w in _STOPWORDS for w in words):
            raise BaocaoError(
                f"{where}: English term {en!r} has no word other than stopwords; it could never match"
            )
        if vi != match_form(vi):
            raise BaocaoError(
                f"{where}: Vietnamese term {vi!r} is not in match form; write it as {match_form(vi)!r} "
                "(NFC, lowercase, tone marks placed as in 'hòa', 'thủy')"
            )
        if (en, vi) in seen:
            raise BaocaoError(f"{where}: the pair ({en!r}, {vi!r}) repeats line {seen[en, vi]}; delete one")
        seen[en, vi] = number
        entries.append(GlossaryEntry(en, vi, domain, number))
    if not header_seen:
        raise BaocaoError(f"glossary '{name}' is empty; it needs the header 'en<TAB>vi<TAB>domain' and rows")
    return entries
