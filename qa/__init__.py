"""Question answering and fact-checking over the index built by ``ingest``."""

from qa.answer import answer_question
from qa.engine import Engine
from qa.glossary import Glossary
from qa.question import Question, analyse
from qa.records import Answer, Citation
from qa.retrieve import MODES, Filters, Hit, Retriever

__all__ = [
    "MODES",
    "Answer",
    "Citation",
    "Engine",
    "Filters",
    "Glossary",
    "Hit",
    "Question",
    "Retriever",
    "analyse",
    "answer_question",
]
