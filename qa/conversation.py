"""Follow-up questions: "Còn giao đất thì sao?" after "Cho thuê đất bao nhiêu ha?" means
"Giao đất bao nhiêu ha?".

A follow-up names a new topic and leaves out what is asked; the asked part (from the question
word on: "bao nhiêu ha") is taken from the previous question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.normalize import clean, fold
from qa.glossary import Glossary

_LEAD = re.compile(
    r"^\s*(?:(?:thế|vậy|the|vay)\s+)?(?:còn|con)\s+|^\s*(?:and|what about|how about)\s+", re.IGNORECASE
)
_TAIL = re.compile(
    r"\s*(?:thì|thi)\s+(?:sao|thế nào|the nao|ra sao)\s*\??\s*$|\s*(?:thì sao|thi sao)?\s*\?\s*$",
    re.IGNORECASE,
)
_ASKED_VI = re.compile(r"\b(bao nhieu|may|khi nao|ngay nao|bao gio|la gi|o dau|nao|ai)\b.*$")
_ASKED_EN = re.compile(r"^(how many \w+|how much \w*|what|when|who|which \w+|where)\b", re.IGNORECASE)


def is_followup(question: str) -> bool:
    """True for a question that leans on the previous one ("Còn giao đất thì sao?", "what about allocation?")."""
    return bool(_LEAD.search(question)) and not _ASKED_VI.search(fold(_LEAD.sub("", question)).rstrip("?"))


def resolve(question: str, history: Sequence[str], glossary: Glossary | None = None) -> str:
    """The follow-up rewritten as a full question, using the last question in ``history``.

    With a glossary, a follow-up in the other language is rewritten in the follow-up's language:
    "Còn giao đất thì sao?" after "how many hectares were leased" asks "Giao đất bao nhiêu ha?", and
    "what about allocation?" after "Cho thuê đất bao nhiêu ha?" asks "Giao đất bao nhiêu ha?".

    >>> resolve("Còn giao đất thì sao?", ["Cho thuê đất bao nhiêu ha?"])
    'Giao đất bao nhiêu ha?'
    """
    question = clean(question)
    if not history or not is_followup(question):
        return question
    previous = clean(history[-1])
    topic = _TAIL.sub("", _LEAD.sub("", question)).strip(" ?")
    if not topic:
        return previous
    if glossary is not None and glossary.is_english(topic) and not glossary.is_english(previous):
        # an English topic over a Vietnamese question: the topic's Vietnamese term
        terms = glossary.translate(topic)
        topic = terms[0] if terms else topic
    m = _ASKED_VI.search(fold(previous))
    if m and m.start() > 0:
        asked = previous[m.start() :].strip()
        return f"{topic[0].upper()}{topic[1:]} {asked}".strip()
    m = _ASKED_EN.match(previous)
    if m and glossary is not None and not glossary.is_english(topic):
        asked = _asked_in_vietnamese(m.group(0), glossary)
        if asked:
            return f"{topic[0].upper()}{topic[1:]} {asked}?"
    if m:
        return f"{m.group(0)} {topic}?"
    return f"{topic} {previous}"


# what an English question asks, in Vietnamese ("how many X" takes X's Vietnamese term)
_ASKED_EN_VI = {"how much": "bao nhiêu", "what": "là gì", "when": "khi nào", "who": "là ai", "where": "ở đâu"}


def _asked_in_vietnamese(asked: str, glossary: Glossary) -> str:
    words = asked.lower().split()
    head = " ".join(words[:2])
    if head == "how many":
        noun = " ".join(words[2:])
        terms = glossary.translate(noun) if noun else []
        return f"bao nhiêu {terms[0]}" if terms else ("bao nhiêu" if not noun else "")
    if words[0] == "which":
        terms = glossary.translate(" ".join(words[1:]))
        return f"{terms[0]} nào" if terms else ""
    return _ASKED_EN_VI.get(head if head in _ASKED_EN_VI else words[0], "")
