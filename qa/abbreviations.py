"""Abbreviations of Vietnamese administration ("TN&MT", "ĐBSCL"), read as their words when the
reports do not use them: a report that spells out "Tài nguyên và Môi trường" never matches "TN&MT"."""

from __future__ import annotations

import re
from collections.abc import Callable
from importlib import resources

from baocao.errors import BaocaoError
from ingest.normalize import match_form


class Abbreviations:
    """Abbreviation -> its words, from ``qa/data/abbreviations.tsv``."""

    def __init__(self, pairs: dict[str, str]) -> None:
        self._pairs = pairs
        names = sorted(pairs, key=len, reverse=True)
        self._pattern = (
            re.compile(r"(?<!\w)(" + "|".join(map(re.escape, names)) + r")(?!\w)") if names else None
        )

    @classmethod
    def load(cls) -> Abbreviations:
        """The packaged list.

        Raises:
            BaocaoError: the data file is missing or unreadable (a broken install).
        """
        try:
            text = resources.files("qa").joinpath("data", "abbreviations.tsv").read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise BaocaoError(f"cannot read the packaged abbreviations: {exc}; reinstall baocao") from exc
        pairs = {}
        for line in text.splitlines()[1:]:
            if line.strip() and not line.startswith("#"):
                short, _, words = line.partition("\t")
                pairs[short.strip()] = words.strip()
        return cls(pairs)

    def expand(self, text: str, known: Callable[[str], bool]) -> str:
        """``text`` with each abbreviation the index does not know replaced by its words.

        Args:
            text: a question.
            known: whether the index holds a token (lowercase, as ``match_form`` gives it).

        >>> Abbreviations({"TN&MT": "Tài nguyên và Môi trường"}).expand("Sở TN&MT", lambda t: False)
        'Sở Tài nguyên và Môi trường'
        """
        if self._pattern is None:
            return text

        def words(m: re.Match[str]) -> str:
            short = m.group(1)
            held = all(known(part) for part in re.findall(r"\w+", match_form(short)))
            return short if held else self._pairs[short]

        return self._pattern.sub(words, text)

    def kept(self, text: str) -> list[tuple[str, str]]:
        """The abbreviations in ``text`` with their words: ``[("TP", "thành phố"), ...]``.

        >>> Abbreviations({"TP": "thành phố"}).kept("UBND TP Cần Thơ")
        [('TP', 'thành phố')]
        """
        if self._pattern is None:
            return []
        return [(m.group(1), self._pairs[m.group(1)]) for m in self._pattern.finditer(text)]
