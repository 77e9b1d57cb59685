"""The grounding guard: every figure of a generated draft must be a figure of the passages it cites.

An LLM that composes an answer from numbered passages ([1]…[n]) may still write a figure that no
passage holds, or cite a passage it was not given. Neither may reach the user. The guard reads the
draft's figures with ``qa.numbers`` (the same reader as the reports, so "42,75 ha", "42.75 hectares"
and "khoảng 42,8 ha" are all 42.75 ha at their own precision) and compares each with the figures of
the passages cited in its sentence (or, when the sentence cites none, in its paragraph) by the
fact-checker's rules (``qa.compare.matches``).

A counted figure compares by value whatever its noun, since the draft may be in English over a
Vietnamese report ("11 organizations" for "11 tổ chức"); a measured one must also have the same
canonical unit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from qa.compare import matches
from qa.numbers import Quantity, find_quantities

_MARKER = re.compile(r"\[(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\]")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
_COUNTED = ("count", "fraction")


@dataclass(frozen=True)
class Passage:
    """One numbered passage supplied to the LLM.

    Attributes:
        number: its marker, 1-based: the draft cites it as ``[number]``.
        text: the sentence (what its figures are read from).
        context: what else the LLM was told of it: the document's title and period.
        citation: the citation shown to the user for it (``Citation.as_json()``).
    """

    number: int
    text: str
    context: str = ""
    citation: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FigureCheck:
    """One figure of a draft and whether its cited passages hold it.

    Attributes:
        text: the figure as the draft writes it.
        value: its value in ``unit``.
        unit: canonical unit or counted noun ("" when bare).
        supported: a cited passage holds the same figure.
        citation: the number of the passage that holds it, or ``None``.
        start: where it stands in the draft.
        end: where it ends.
    """

    text: str
    value: float
    unit: str
    supported: bool
    citation: int | None
    start: int
    end: int

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Grounding:
    """The guard's reading of a draft.

    Attributes:
        figures: each figure of the draft, in order.
        cited: the passage numbers the draft cites, in order of first use.
        unknown_citations: markers that name no supplied passage ("[7]" of five passages).
    """

    figures: list[FigureCheck]
    cited: list[int]
    unknown_citations: list[int]

    @property
    def supported(self) -> bool:
        """The draft may be shown: every figure held by a passage it cites, every marker a passage,
        and at least one passage cited."""
        return bool(self.cited) and not self.unknown_citations and all(f.supported for f in self.figures)

    @property
    def problems(self) -> list[str]:
        """What is wrong with the draft, one line each (for logs and the UI's notice)."""
        out = [f"[{n}] is not one of the passages supplied" for n in self.unknown_citations]
        out += [f"{f.text!r} is not in the passages it cites" for f in self.figures if not f.supported]
        if not self.cited:
            out.append("the draft cites no passage")
        return out


def check_draft(draft: str, passages: Sequence[Passage], *, lang: str = "vi", tolerance_pct: float = 0.0) -> Grounding:
    """Check every figure and citation marker of a draft against the passages.

    Args:
        draft: the LLM's text, citing passages as [1], [2] or [1, 3].
        passages: what the LLM was given, numbered from 1.
        lang: the draft's language (how "1,101" reads).
        tolerance_pct: how far a hedged figure ("khoảng X") may be from the passage's figure.
    """
    by_number = {p.number: p for p in passages}
    figures_of = {p.number: find_quantities(f"{p.text}\n{p.context}") for p in passages}
    # markers blanked out so that "[2]" is not read as a figure, offsets kept
    plain = _MARKER.sub(lambda m: " " * len(m.group(0)), draft)
    every = markers(draft)
    cited = [n for n in every if n in by_number]
    unknown = [n for n in every if n not in by_number]
    # an English draft may copy a Vietnamese figure ("42,75 ha"): a number either language reads
    # differently counts when either reading is the passage's
    other = {(q.start, q.end): q for q in find_quantities(plain, lang="en" if lang == "vi" else "vi")}
    checks: list[FigureCheck] = []
    for q in find_quantities(plain, lang=lang):
        readings = [q] + [o for o in [other.get((q.start, q.end))] if o is not None and o.value != q.value]
        held = next(
            (
                n
                for n in _citations_around(draft, q.start)
                if n in by_number
                and any(_same(d, r, lang, tolerance_pct) for d in readings for r in figures_of[n])
            ),
            None,
        )
        checks.append(FigureCheck(q.text, q.value, q.unit, held is not None, held, q.start, q.end))
    return Grounding(checks, cited, unknown)


def markers(text: str) -> list[int]:
    """The passage numbers a text cites, in order, each once: "a [2] b [1, 2]" -> [2, 1]."""
    out: list[int] = []
    for m in _MARKER.finditer(text):
        for n in map(int, re.findall(r"\d+", m.group(1))):
            if n not in out:
                out.append(n)
    return out


def renumber(text: str, order: Sequence[int]) -> str:
    """The text with its markers renumbered so that passage ``order[i]`` is cited as ``[i + 1]``:
    the citations shown under a draft are the passages it cites, in the order it first cites them.

    >>> renumber("a [3] b [1, 3]", [3, 1])
    'a [1] b [2, 1]'
    """
    new = {old: i + 1 for i, old in enumerate(order)}
    return _MARKER.sub(
        lambda m: "[" + ", ".join(str(new.get(int(n), int(n))) for n in re.findall(r"\d+", m.group(1))) + "]",
        text,
    )


def complete_sentences(text: str) -> int:
    """Where the complete sentences of a text being written end (0 when none is complete): after
    the last full stop that has a space, a line break or its markers after it.

    >>> complete_sentences("Cho thuê 66,4 ha [1]. Giao đất")
    21
    """
    end = 0
    for m in re.finditer(r"[.!?…](?:\s*\[[\d,;\s]+\])*(?=\s)|\n", text):
        end = m.end()
    return end


def _citations_around(draft: str, at: int) -> list[int]:
    """The passages cited by the sentence holding position ``at``, else by its paragraph."""
    sentence = _span(draft, at, _SENTENCE_END)
    cited = markers(draft[sentence[0] : sentence[1]])
    if cited:
        return cited
    paragraph = _span(draft, at, re.compile(r"\n\s*\n"))
    return markers(draft[paragraph[0] : paragraph[1]])


def _span(text: str, at: int, edge: re.Pattern[str]) -> tuple[int, int]:
    start, end = 0, len(text)
    for m in edge.finditer(text):
        if m.end() <= at:
            start = m.end()
        elif m.start() >= at:
            end = m.start()
            break
    # a marker right after the sentence's full stop belongs to it: "… 42,75 ha. [1]"
    tail = re.match(r"\s*(?:\[[\d,;\s]+\]\s*)+", text[end:])
    return start, end + (tail.end() if tail else 0)


def _same(drafted: Quantity, reported: Quantity, lang: str, tolerance_pct: float) -> bool:
    if drafted.kind == "year":
        # a year stands for any day or period of it: "in 2025" for "quý II/2025"
        if reported.date is not None:
            return reported.date.year <= drafted.value <= (reported.date_end or reported.date).year
        return reported.kind in ("year", "number") and drafted.value == reported.value
    if drafted.kind in _COUNTED and reported.kind in _COUNTED:
        return matches(drafted, reported, tolerance_pct=tolerance_pct, lang=lang)
    units_agree = drafted.unit == reported.unit or (drafted.unit == "" and drafted.kind in ("number", "year"))
    if not units_agree and not (drafted.kind == reported.kind == "date"):
        return False
    return matches(drafted, reported, tolerance_pct=tolerance_pct, lang=lang)
