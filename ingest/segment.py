"""Sentences and words, by underthesea: our one door to it.

The sentence is the unit of citation; word tokens feed the lexical index. underthesea is imported
on first use (it takes seconds), and only its offline functions are called: ``sent_tokenize`` and
``word_tokenize`` run on models bundled in the package (its ``classify`` would download, so it is
never used).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

from ingest.normalize import unify_tones

_PUNCT_ONLY = re.compile(r"^[\W_]+$")
_SPACE = re.compile(r"\s+")


@cache
def _underthesea() -> Any:
    import underthesea

    return underthesea


def segmenter_version() -> str:
    """Name and version of the segmenter, recorded in the index's provenance."""
    from importlib.metadata import version

    return f"underthesea-{version('underthesea')}"


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split a paragraph into sentences and return their ``[start, end)`` spans in ``text``.

    underthesea may alter whitespace inside a sentence, so each sentence is found again in the
    original text by its non-space characters; the spans always cover the text's own characters.

    Args:
        text: one paragraph of normalised text.

    Returns:
        Spans in order, without overlaps; their text is ``text[start:end]``.
    """
    if not text.strip():
        return []
    spans: list[tuple[int, int]] = []
    pos = 0
    for sentence in _underthesea().sent_tokenize(text):
        span = _locate(text, sentence, pos)
        if span is None:
            continue
        spans.append(span)
        pos = span[1]
    if not spans:
        return [(len(text) - len(text.lstrip()), len(text.rstrip()))]
    # text the tokenizer dropped between or after sentences joins the sentence before it
    merged: list[tuple[int, int]] = []
    for i, (start, _end) in enumerate(spans):
        nxt = spans[i + 1][0] if i + 1 < len(spans) else len(text)
        end = len(text[:nxt].rstrip())
        merged.append((start, max(end, start)))
    return [(s, e) for s, e in merged if text[s:e].strip()]


def _locate(text: str, sentence: str, pos: int) -> tuple[int, int] | None:
    """Find ``sentence`` in ``text`` at or after ``pos``, ignoring differences in whitespace."""
    sentence = sentence.strip()
    if not sentence:
        return None
    found = text.find(sentence, pos)
    if found >= 0:
        return found, found + len(sentence)
    chars = [c for c in sentence if not c.isspace()]
    i = pos
    while i < len(text) and text[i].isspace():
        i += 1
    start = i
    for c in chars:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text) or text[i] != c:
            return None
        i += 1
    return start, i


def words(text: str) -> list[str]:
    """Word tokens for the lexical index: lowercased, tone marks unified, syllables joined by ``_``.

    >>> words("Cho thuê đất 22 tổ chức")  # doctest: +SKIP
    ['cho_thuê', 'đất', '22', 'tổ_chức']
    """
    text = unicodedata.normalize("NFC", text)
    tokens = []
    for token in _underthesea().word_tokenize(text):
        token = _SPACE.sub("_", unify_tones(token.lower().strip()))
        if token and not _PUNCT_ONLY.match(token):
            tokens.append(token)
    return tokens


def syllables(text: str) -> list[str]:
    """Plain syllables, lowercased with tone marks unified: the fallback tokenisation for short queries."""
    return [t for t in re.findall(r"\w+", unify_tones(unicodedata.normalize("NFC", text).lower()))]
