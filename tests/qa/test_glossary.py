"""The English -> Vietnamese glossary: its data file, its matching, and the language guess."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from baocao.errors import BaocaoError
from ingest.normalize import match_form
from qa.glossary import DOMAINS, Glossary, lemma

SHARED = Path(__file__).resolve().parents[3] / "shared"
REPORT = SHARED / "corpus" / "cantho-stnmt-so-ket-9-thang-2021.txt"
SEED_QA = [
    json.loads(line) for line in (SHARED / "eval" / "seed_qa.jsonl").read_text(encoding="utf-8").splitlines()
]
DATA = Path(__file__).resolve().parents[2] / "qa" / "data" / "glossary.tsv"


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return Glossary.load()


def _raw_rows() -> list[tuple[str, str, str]]:
    """The data file's rows read without the loader, so the data checks do not lean on it."""
    lines = [
        line for line in DATA.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")
    ]
    assert lines[0] == "en\tvi\tdomain"
    return [tuple(line.split("\t")) for line in lines[1:]]  # type: ignore[misc]


# --- the data file -----------------------------------------------------------------------------


def _no_duplicate_pairs(rows: list[tuple[str, str, str]]) -> list[object]:
    seen: set[tuple[str, str]] = set()
    repeats = []
    for en, vi, _ in rows:
        if (en, vi) in seen:
            repeats.append((en, vi))
        seen.add((en, vi))
    return repeats


DATA_RULES: list[tuple[str, Callable[[list[tuple[str, str, str]]], list[object]]]] = [
    ("three-fields", lambda rows: [r for r in rows if len(r) != 3 or not all(r)]),
    ("no-duplicate-pairs", _no_duplicate_pairs),
    ("vi-nfc", lambda rows: [vi for _, vi, _ in rows if unicodedata.normalize("NFC", vi) != vi]),
    ("vi-lowercase", lambda rows: [vi for _, vi, _ in rows if vi != vi.lower()]),
    ("vi-match-form", lambda rows: [vi for _, vi, _ in rows if match_form(vi) != vi]),
    ("en-lowercase-ascii", lambda rows: [en for en, _, _ in rows if en != en.lower() or not en.isascii()]),
    ("known-domains", lambda rows: [d for _, _, d in rows if d not in DOMAINS]),
    ("every-domain-has-rows", lambda rows: sorted(DOMAINS - {d for _, _, d in rows})),
]


@pytest.mark.parametrize("rule", [check for _, check in DATA_RULES], ids=[name for name, _ in DATA_RULES])
def test_data_file_rule(rule: Callable[[list[tuple[str, str, str]]], list[object]]) -> None:
    assert rule(_raw_rows()) == []


def test_packaged_glossary_loads_every_row(glossary: Glossary) -> None:
    assert len(glossary) >= 400
    assert len(glossary) == len(_raw_rows())


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "is empty"),
        ("english\tvietnamese\tdomain\n", "expected the header"),
        ("en\tvi\tdomain\nlease\tcho thuê\n", "expected 3 tab-separated fields"),
        ("en\tvi\tdomain\nlease\tcho thuê\tproperty\n", "unknown domain 'property'"),
        ("en\tvi\tdomain\nLease\tcho thuê\tland\n", "not lowercase ASCII; write it as 'lease'"),
        ("en\tvi\tdomain\nlease\tCho thuê\tland\n", "not in match form; write it as 'cho thuê'"),
        (
            "en\tvi\tdomain\nlease\t" + unicodedata.normalize("NFD", "cho thuê") + "\tland\n",
            "not in match form",
        ),
        ("en\tvi\tdomain\nharmony\thoà\tgeneral\n", "write it as 'hòa'"),
        ("en\tvi\tdomain\nhow many\tbao nhiêu\tgeneral\n", "no word other than stopwords"),
        ("en\tvi\tdomain\nlease\tcho thuê\tland\nlease\tcho thuê\tland\n", r"repeats line 2; delete one"),
    ],
    ids=[
        "empty",
        "bad-header",
        "two-fields",
        "unknown-domain",
        "uppercase-en",
        "uppercase-vi",
        "nfd-vi",
        "old-tone-placement",
        "stopwords-only",
        "duplicate-pair",
    ],
)
def test_load_rejects_a_malformed_file(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "glossary.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BaocaoError, match=message):
        Glossary.load(path)


def test_load_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(BaocaoError, match=r"cannot read glossary '.*nope\.tsv'"):
        Glossary.load(tmp_path / "nope.tsv")


def test_load_skips_comments_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "glossary.tsv"
    path.write_text("# a comment\nen\tvi\tdomain\n\n# another\nlease\tcho thuê\tland\n", encoding="utf-8")
    assert len(Glossary.load(path)) == 1


# --- translate ---------------------------------------------------------------------------------

TRANSLATIONS = [
    # question, terms one of which must appear (as a substring of some term), terms that must not
    ("how many hectares were leased", [["cho thuê"], ["ha"]], ["giao", "thu hồi", "chuyển mục đích"]),
    ("how much land was allocated", [["giao đất", "giao"]], ["cho thuê", "thu hồi"]),
    ("how many hectares of land were recovered", [["thu hồi"], ["ha"]], ["giao", "cho thuê"]),
    (
        "What was the household solid waste collection rate?",
        [["thu gom"], ["chất thải rắn sinh hoạt"]],
        ["hộ"],
    ),
    ("how many inspections", [["thanh tra"]], []),
    ("how many letters were received by post", [["đơn thư"], ["bưu điện"]], []),
    ("what funding was allocated to the monitoring network project", [["kinh phí"], ["quan trắc"]], []),
    ("which resolution", [["nghị quyết"]], ["giải quyết"]),
    ("Which Resolution", [["nghị quyết"]], []),
    ("who chaired the conference", [["chủ trì"], ["hội nghị"]], []),
    ("how many plans were approved", [["kế hoạch"]], ["quy hoạch", "theo kế hoạch"]),
    ("how many inspections were planned", [["theo kế hoạch"]], []),
    ("land use planning of four districts", [["quy hoạch sử dụng đất"]], ["kế hoạch sử dụng đất"]),
    ("groundwater licences", [["nước dưới đất"], ["giấy phép"]], []),
    ("the city people's committee", [["ủy ban nhân dân thành phố"]], []),
    ("the city peoples committee", [["ủy ban nhân dân thành phố"]], []),
    ("tonnes of fly ash in the first nine months", [["tấn"], ["tro bay"], ["9 tháng đầu năm"]], []),
    ("how many of the", [], ["*"]),
]


@pytest.mark.parametrize(
    ("question", "required", "forbidden"),
    TRANSLATIONS,
    ids=[
        "leased",
        "allocated",
        "recovered",
        "collection-rate",
        "inspections",
        "letters-by-post",
        "funding",
        "resolution",
        "resolution-capitalised",
        "chaired",
        "plans-base-form",
        "planned-exact-form",
        "planning-exact-form",
        "british-licences",
        "possessive",
        "possessive-dropped",
        "nine-months",
        "stopwords-only",
    ],
)
def test_translate(
    glossary: Glossary, question: str, required: list[list[str]], forbidden: list[str]
) -> None:
    terms = glossary.translate(question)
    for alternatives in required:
        assert any(alt in term for alt in alternatives for term in terms), (alternatives, terms)
    if forbidden == ["*"]:
        assert terms == []
    for bad in forbidden:
        assert bad not in terms, (bad, terms)
    assert len(terms) == len(set(terms))


# --- find ---------------------------------------------------------------------------------------

NFD_PREFIX = unicodedata.normalize("NFD", "Cho thuê đất (báo cáo 9 tháng): ")

SPANS = [
    ("What was the household solid waste collection rate?", ["household solid waste", "collection rate"]),
    ("How many hectares were LEASED?", ["hectares", "leased"]),
    ("the City People's Committee approved it", ["city people's committee", "approved"]),
    ("land-use rights certificates", ["land-use rights certificates"]),
    (NFD_PREFIX + "how many hectares were leased", ["hectares", "leased"]),
    ("household, solid waste", ["household", "solid waste"]),
    ("Sở đã cho thuê đất bao nhiêu ha?", []),
]


@pytest.mark.parametrize(
    ("text", "phrases"),
    SPANS,
    ids=[
        "longest-first",
        "case-insensitive",
        "possessive",
        "hyphenated",
        "after-nfd-vietnamese",
        "no-phrase-across-comma",
        "vietnamese-question",
    ],
)
def test_find_spans_point_at_the_phrases(glossary: Glossary, text: str, phrases: list[str]) -> None:
    matches = glossary.find(text)
    assert [m.english for m in matches] == phrases
    for m in matches:
        assert text[m.start : m.end].lower() == m.english
        assert m.vietnamese and m.domain in DOMAINS


def test_find_prefers_the_longer_phrase(glossary: Glossary) -> None:
    (match,) = glossary.find("hazardous waste")
    assert match.vietnamese[0] == "chất thải nguy hại"


def test_find_lists_the_most_specific_term_first(glossary: Glossary) -> None:
    (match,) = glossary.find("lease")
    assert match.vietnamese[0] == "cho thuê đất"
    assert "cho thuê" in match.vietnamese


# --- the lemmatiser -----------------------------------------------------------------------------

LEMMA_GROUPS = [
    ["lease", "leased", "leasing", "leases"],
    ["allocate", "allocated", "allocating", "allocates"],
    ["inspection", "inspections"],
    ["hectare", "hectares"],
    ["plan", "plans", "planned", "planning"],
    ["license", "licence", "licensed", "licences", "licensing"],
    ["organize", "organise", "organised", "organizing"],
    ["apply", "applied", "applies"],
    ["process", "processes", "processed"],
    ["gas", "gases"],
    ["use", "used", "uses", "using"],
    ["agree", "agreed"],
    ["hold", "held"],
    ["ton", "tons", "tonne", "tonnes"],
    ["nine", "9"],
]


@pytest.mark.parametrize("forms", LEMMA_GROUPS, ids=[forms[0] for forms in LEMMA_GROUPS])
def test_lemma_joins_inflections(forms: list[str]) -> None:
    assert len({lemma(form) for form in forms}) == 1, {form: lemma(form) for form in forms}


@pytest.mark.parametrize(
    ("a", "b"),
    [("hundred", "hundreds"), ("need", "needs"), ("exceed", "exceeded"), ("status", "statuses")],
    ids=["hundred", "need", "exceed", "status"],
)
def test_lemma_leaves_lookalike_suffixes(a: str, b: str) -> None:
    assert lemma(a) == lemma(b)


# --- is_english -----------------------------------------------------------------------------------

LANGUAGE_CASES = [(row["question"], row["lang"] == "en") for row in SEED_QA] + [
    ("cho thue dat bao nhieu ha", False),
    ("Giao dat cho bao nhieu to chuc", False),
    ("ty le thu gom chat thai ran sinh hoat dat bao nhieu", False),
    ("ai chu tri hoi nghi", False),
    (unicodedata.normalize("NFD", "Sở đã cho thuê đất bao nhiêu ha?"), False),
    ("How many inspections did the department carry out?", True),
    ("when was the conference held", True),
    ("who chaired the conference", True),
    ("What is the area of the Võ Văn Kiệt new urban area?", True),
    ("what is the collection rate in Can Tho", True),
    ("", False),
]
LANGUAGE_IDS = [row["id"] for row in SEED_QA] + [
    "cho-thue-dat",
    "giao-dat",
    "ty-le-thu-gom",
    "ai-chu-tri",
    "nfd-vietnamese",
    "inspections",
    "conference-held",
    "chaired",
    "english-with-vietnamese-name",
    "english-with-unaccented-name",
    "empty",
]


@pytest.mark.parametrize(("text", "expected"), LANGUAGE_CASES, ids=LANGUAGE_IDS)
def test_is_english(glossary: Glossary, text: str, expected: bool) -> None:
    assert glossary.is_english(text) is expected


# --- what it is for: telling the clauses of one sentence apart ----------------------------------

_CLAUSE_BREAK = re.compile(r";|,(?!\d)")  # a decimal comma ("66,4 ha") does not end a clause


def _clauses_around(evidence: str) -> list[str]:
    text = match_form(REPORT.read_text(encoding="utf-8"))
    target = match_form(evidence)
    sentence = next(s for s in re.split(r"(?<=[.:])\s+", text) if target in s)
    return [c.strip() for c in _CLAUSE_BREAK.split(sentence) if c.strip()]


def _score(clause: str, terms: list[str]) -> int:
    return sum(1 for term in terms if re.search(rf"(?<!\w){re.escape(term)}(?!\w)", clause))


GOLD = {row["id"]: row for row in SEED_QA}
CLAUSE_CASES = [(row["question"], row["evidence"]) for row in SEED_QA if row["lang"] == "en"] + [
    # English wordings of Vietnamese gold questions whose answer sits beside sibling clauses
    ("How many organizations were allocated land?", GOLD["q08"]["evidence"]),
    ("How many hectares of land were recovered?", GOLD["q09"]["evidence"]),
    ("How many inspections did the department carry out?", GOLD["q04"]["evidence"]),
]
CLAUSE_IDS = [row["id"] for row in SEED_QA if row["lang"] == "en"] + ["q08-en", "q09-en", "q04-en"]


@pytest.mark.parametrize(("question", "evidence"), CLAUSE_CASES, ids=CLAUSE_IDS)
def test_translated_terms_single_out_the_evidence_clause(
    glossary: Glossary, question: str, evidence: str
) -> None:
    terms = glossary.translate(question)
    clauses = _clauses_around(evidence)
    scores = {clause: _score(clause, terms) for clause in clauses}
    best = max(scores.values())
    winners = [clause for clause, score in scores.items() if score == best]
    assert len(winners) == 1 and match_form(evidence) in winners[0], (terms, scores)
