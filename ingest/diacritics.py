"""Putting diacritics back on a question typed without them, from the reports' own words.

"du an cau Thach Luyen" -> "dự án cầu Thạch Luyện": the dense encoder cannot read Vietnamese
bare, so the words are spelled as the reports most likely spell them there, judged by how often
each syllable is seen and by the syllable pairs the reports hold ("phat" after "bị" is "phạt",
not "phát").

The pair counts are only needed by a question typed without diacritics, so they are counted on
first use, from the sentences' syllables (kept in memory by a fresh build, read from the
persisted lexical index's file by a loaded one).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping

from ingest.normalize import fold

_WORD = re.compile(r"\w+")
# how much a word pair seen in the reports counts against how often each syllable is seen,
# when putting diacritics back ("phat" after "bị" is "phạt", not "phát")
_PAIR_WEIGHT = 3.0


class Respeller:
    """Spells bare words as the reports do.

    Args:
        df: how many sentences hold each token (syllables, and words joined by ``_``).
        syllable_lines: gives each sentence's syllables, space-separated, when first needed.
    """

    def __init__(self, df: Mapping[str, int], syllable_lines: Callable[[], Iterable[str]]) -> None:
        self._df = df
        self._lines = syllable_lines
        self._pairs: Counter[tuple[str, str]] | None = None
        self._spellings: dict[str, list[str]] = {}

    def restore(self, text: str) -> str:
        """The text with each word typed without diacritics spelled as the reports most likely
        spell it there.

        Words with diacritics, words with digits and words the reports never spell are kept.
        Case is kept: a capitalised word stays capitalised, an upper-case one upper case.
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
            for line in self._lines():
                syllables = line.split(" ")
                pairs.update(zip(syllables, syllables[1:], strict=False))
            spellings: dict[str, list[str]] = defaultdict(list)
            # sorted: the order of equally likely spellings must not depend on how df was built
            for token in sorted(self._df):
                if "_" not in token and not any(ch.isdigit() for ch in token):
                    spellings[fold(token)].append(token)
            self._spellings = dict(spellings)
            self._pairs = pairs
        return self._pairs

    def _best_spelling(self, words: list[str], pairs: Counter[tuple[str, str]]) -> list[str]:
        """The most likely spellings of a run of bare words (Viterbi over the reports' pairs)."""
        df = self._df
        best = {s: (math.log1p(df.get(s, 0)), [s]) for s in self._spellings[words[0]]}
        for word in words[1:]:
            step = {}
            for s in self._spellings[word]:
                score, path = max(
                    ((prev + _PAIR_WEIGHT * math.log1p(pairs[(p[-1], s)]), p) for prev, p in best.values()),
                    key=lambda x: x[0],
                )
                step[s] = (score + math.log1p(df.get(s, 0)), [*path, s])
            best = step
        return max(best.values(), key=lambda x: x[0])[1]
