"""The feature vector of a candidate answer: what the fitted ranker (``qa.ranker``) reads.

Every candidate is a span of the asked type in a retrieved sentence. Its features describe how
well the question's terms and stated numbers are found around it, at every distance: its clause,
its sentence, the sentences around it, its section heading, the document's title and the whole
document; how retrieval ranked its sentence and its document; how well the span fits the asked
type; and whether other sentences state the same figure. The weights are not set by hand: they
are fitted on the train split of the gold corpus (``baocao eval train``).

All features are floats; flags are 0 or 1. The order of ``FEATURES`` is the order of a
candidate's ``features`` tuple and of the fitted model's coefficients.
"""

from __future__ import annotations

# name -> what it measures (the closing notes and the model file list them in this order)
FEATURE_DOCS: dict[str, str] = {
    "heuristic": "the hand-set composite score of the first wave (kept as one signal among others)",
    "sentence_cov": "weighted share of the question's terms in the sentence and its heading",
    "clause_cov": "weighted share of the question's terms in the candidate's clause",
    "context_cov": "weighted share of the question's terms in the sentences around (the window)",
    "heading_cov": "weighted share of the question's terms in the section heading",
    "title_cov": "weighted share of the question's terms in the document's title",
    "doc_cov": "weighted share of the question's terms anywhere in the document",
    "proximity": "closeness of the rarest question term to the span (1 = adjacent)",
    "list_share": "share of the question's terms in the span's own stretch of a list",
    "gate": "topic gate: 1 when the sentence holds the question's rarest terms, lower otherwise",
    "names_in_doc": "1 when the document states every name the question gives",
    "sibling": "1 unless the question's topic sits in a sibling clause of the same sentence",
    "served": "1 unless the question's terms stand only in a purpose clause ('để phục vụ ...')",
    "target": "agreement of target ('chỉ tiêu') wording between the question and the span",
    "penalty": "looser type fit and qualifiers ('khoảng', 'trên', 'dưới') of the span",
    "anchors_sentence": "1 when every number the question states is in the sentence (or it states none)",
    "anchors_window": "1 when every number the question states is in the sentence's window",
    "anchors_scope": "1 when every number the question states is in the sentence, heading, title or period",
    "anchors_doc": "1 when every number the question states is somewhere in the document",
    "has_anchors": "1 when the question states numbers (a year, a resolution's number)",
    "rank": "1 - rank / hits: the fused retrieval rank of the sentence",
    "reciprocal_rank": "1 / (1 + rank) of the sentence",
    "dense": "cosine similarity of the sentence to the query (0 when dense did not return it)",
    "lexical": "BM25 score of the sentence over the best BM25 score among the hits",
    "doc_rank": "1 / (1 + rank of the sentence's document among the retrieved documents)",
    "doc_share": "share of the retrieved sentences that come from the same document",
    "support": "other sentences stating the same answer (0, 0.5, 1 for none, one, two or more)",
    "spans_in_clause": "1 / number of spans of the asked type in the clause (0 for another type)",
    "first_in_clause": "1 when the span is the first of its type in its clause",
    "kind_count": "the question asks for a count",
    "kind_measure": "the question asks for a quantity, a percentage or money",
    "kind_date": "the question asks for a date",
    "kind_name": "the question asks for a person, a place, a document number or a passage",
    "english": "the question is in English",
    "folded": "the question was typed without diacritics",
    "unit_strict": "the question names a counted noun or unit the span had to match",
    "type_fit": "1 when the span is of the asked type and unit, 0 for any other figure",
    "figure_money": "the span is an amount of money",
    "figure_percent": "the span is a percentage",
    "figure_measure": "the span is an area, length, mass or volume",
    "figure_count": "the span is a count or a fraction ('12 tổ chức', '9/9 quận')",
    "figure_number": "the span is a bare number (a table cell, a coefficient)",
    "figure_date": "the span is a date",
    "figure_year": "the span is a year or a span of years",
    "figure_code": "the span is a document number ('07/2025/NQ-CP')",
    "sentence_cov_gap": "the question's best sentence_cov minus this candidate's",
    "clause_cov_gap": "the question's best clause_cov minus this candidate's",
    "dense_gap": "the question's best dense score minus this candidate's",
    "proximity_gap": "the question's best proximity minus this candidate's",
    "asked_prob": "the fitted probability (qa.asked) that the question asks for the span's type",
    "asked_top": "1 when the span's type is the question's most probable answer type",
    "range_end": "the span is one end of a range ('từ 20.000.000 đồng đến 30.000.000 đồng')",
    "range_end_asked": "the span is the end of a range the question asks for ('tối đa': the upper end)",
    "range_end_other": "the span is the other end of a range than the question asks for",
    "asks_extreme": "the question asks for a maximum or a minimum ('tối đa', 'at least')",
    "span_length": "log(1 + characters of the span) / 6: a figure is short, a clause long",
    "in_heading": "the span's sentence is a heading",
    "legal_reference": "the span follows 'Điều', 'khoản', 'Mẫu số', ... (a pointer, not a measure)",
    "small_bare_number": "the span is a bare number of at most 12 (a list marker, an ordinal)",
    "heuristic_gap": "the question's best hand-set score minus this candidate's",
    "heuristic_top": "1 for the hand-set score's own choice among the question's candidates",
}
FEATURES: tuple[str, ...] = tuple(FEATURE_DOCS)
