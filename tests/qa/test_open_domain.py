"""Answers over encyclopedic paragraphs (XQuAD's kind of text), where a sentence names its subject
by a pronoun and the question states figures of its own. Small corpus, real engine."""

from __future__ import annotations

import pytest

from qa import Engine
from qa.glossary import Glossary
from qa.question import analyse
from tests.qa.conftest import engine_over

PARAGRAPHS = {
    "tesla.txt": (
        "Nikola Tesla là nhà phát minh người Mỹ gốc Serbia. Ông được biết đến với hệ thống điện xoay chiều. "
        "Ông qua đời vào ngày 7 tháng 1 năm 1943 tại New York."
    ),
    "amazon.txt": (
        "Rừng Amazon là khu rừng nhiệt đới lớn nhất thế giới. "
        "Vào năm 2010 rừng Amazon đã trải qua một đợt hạn hán nghiêm trọng, cực đoan hơn cả đợt hạn hán năm 2005. "
        "Lưu vực này bao phủ 7.000.000 km vuông."
    ),
    "warsaw.txt": (
        "Warsaw là thủ đô của Ba Lan. Sàn giao dịch chứng khoán đầu tiên của Warsaw được thành lập vào năm 1817. "
        "Ngày nay có 374 công ty được niêm yết trên sàn."
    ),
    "victoria.txt": "Các tuyến đường sắt ở bang Victoria chủ yếu sử dụng khổ rộng 1.600 mm.",
    "census.txt": (
        "Theo điều tra dân số năm 1901, thành phố Lodz có 500.000 người, trong đó 48,1% là người Công giáo, "
        "31,3% người Do Thái, 17,9% người Tin lành."
    ),
    "households.txt": (
        "Thành phố Vale có 158.000 hộ, trong đó 68.000 (43,3%) hộ có trẻ em, "
        "30.500 (19,3%) hộ do phụ nữ làm chủ, 11.600 (7,4%) hộ do nam giới làm chủ."
    ),
    "pons.txt": "Vào thế kỷ thứ 2, dân số của khu định cư Pons không được ghi lại.",
    "inspection.txt": (
        "Trong năm, Chi cục đã tiến hành 14 cuộc kiểm tra (09 cuộc theo kế hoạch, 05 cuộc đột xuất) "
        "về an toàn lao động tại các doanh nghiệp."
    ),
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, cached_embedder) -> Engine:  # type: ignore[no-untyped-def]
    return engine_over(PARAGRAPHS, tmp_path_factory, cached_embedder)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # the sentence says "Ông"; Tesla is named in the sentences around it
        ("Tesla qua đời vào ngày nào?", "ngày 7 tháng 1 năm 1943"),
        # 2005 is stated by the question: the answer is the other year, with its "năm"
        ("Rừng Amazon trải qua đợt hạn hán cực đoan hơn năm 2005 vào năm nào?", "năm 2010"),
        ("Sàn giao dịch chứng khoán đầu tiên của Warsaw được thành lập khi nào?", "năm 1817"),
        # "công ty" is counted, not the noun "con" its first letters spell
        ("Có bao nhiêu công ty được niêm yết trên sàn Warsaw?", "374 công ty"),
        ("Lưu vực Amazon bao phủ bao nhiêu km vuông?", "7.000.000 km vuông"),
        # no unit in the question: a measure answers it
        ("Khổ đường sắt ở Victoria là bao nhiêu?", "1.600 mm"),
        # a year asked for: the date is answered by its year
        ("Tesla qua đời năm nào?", "năm 1943"),
        # in a list, the words after a figure up to the next comma are about that figure
        ("Ở Lodz, bao nhiêu phần trăm là người Do Thái?", "31,3%"),
        ("Theo điều tra dân số năm 1901, Lodz có bao nhiêu phần trăm người Tin lành?", "17,9%"),
        # a year stated before the list, set apart by commas, is every figure's
        ("Theo điều tra năm 1901, Lodz có bao nhiêu phần trăm người Công giáo?", "48,1%"),
        # figures that are all in brackets are the list itself
        ("Ở Vale, bao nhiêu phần trăm hộ do phụ nữ làm chủ?", "19,3%"),
        # the figures in brackets are parts; the words after the bracket go with the whole
        ("Chi cục đã tiến hành bao nhiêu cuộc kiểm tra về an toàn lao động?", "14 cuộc"),
        ("Chi cục kiểm tra đột xuất bao nhiêu cuộc?", "05 cuộc"),
    ],
)
def test_answers_over_paragraphs(engine: Engine, question: str, expected: str) -> None:
    answer = engine.ask(question)
    assert answer.answer == expected, (question, answer.answer, answer.confidence)
    citation = answer.citations[0]
    assert (
        engine.index.store.document_text(citation.doc)[citation.answer_start : citation.answer_end]
        == expected
    )


def test_a_one_digit_figure_the_question_states_is_not_its_answer(engine: Engine) -> None:
    # "thứ 2" after the same word as in the question labels the century; it counts nothing
    answer = engine.ask("Dân số của khu định cư Pons vào thế kỷ thứ 2 là bao nhiêu?")
    assert answer.abstained, answer.answer


def test_a_fact_of_another_subject_is_not_carried_over(engine: Engine) -> None:
    # names carry over from the sentences around; a missing common noun does not
    answer = engine.ask("Rừng Amazon có bao nhiêu công ty được niêm yết?")
    assert answer.abstained, answer.answer


@pytest.mark.parametrize(
    ("question", "kind", "unit"),
    [
        ("Khi nào Tesla được cấp bằng sáng chế máy phát điện?", "date", ""),  # "máy" is not "mấy"
        ("Có mấy cuộc thanh tra?", "count", "cuộc"),
        ("co may cuoc thanh tra", "count", "cuộc"),  # typed without diacritics, "may" may be "mấy"
        ("Có bao nhiêu công ty được niêm yết?", "count", "công ty"),
        ("Thời gian còn lại là bao nhiêu khi Carolina có bóng?", "count", ""),  # "khi" is not counted
        ("Lượng cacbon chiếm bao nhiêu so với thế giới?", "percent", "%"),
        # each question word must be spelled as itself when typed with diacritics
        ("Loại khí nào làm lửa bùng phát?", "text", ""),  # "khí nào" (which gas) is not "khi nào"
        ("Cửa ải nào được xây đầu tiên?", "text", ""),  # "ải" (pass) is not "ai" (who)
        ("Ai chủ trì hội nghị?", "person", ""),
        ("Cho thuê đất bao nhieu ha?", "quantity", "ha"),  # some words typed without diacritics
        ("Tỉ lệ thu gom rác là bao nhiêu?", "percent", "%"),  # both spellings of "tỷ lệ"
        ("Bao nhiêu héc-ta đất được giao?", "quantity", "ha"),
        ("Tesla qua đời năm nào?", "date", "năm"),
        ("tesla qua doi nam nao", "date", "năm"),
        ("In which year was the plan approved?", "date", "năm"),
    ],
)
def test_question_kind_and_unit(question: str, kind: str, unit: str) -> None:
    q = analyse(question, Glossary.load())
    assert (q.kind, q.unit) == (kind, unit)


def test_a_name_glued_to_a_word_is_not_a_compound_to_require() -> None:
    # underthesea segments "Luther lan" as one word; only real compounds gate the evidence
    q = analyse("Các tác phẩm của Luther lan sang Pháp khi nào?", Glossary.load())
    assert "tác phẩm" in q.compounds
    assert not [c for c in q.compounds if "luther" in c]


def test_english_question_keeps_countable_topic_nouns() -> None:
    glossary = Glossary.load()
    when = analyse("When was the conference held?", glossary)
    assert "hội nghị" in when.terms  # a noun that can be counted is still the topic of a date question
    count = analyse("how many organizations were allocated land", glossary)
    assert count.unit == "tổ chức" and "tổ chức" in count.query  # what is counted helps find the figure


@pytest.mark.parametrize(
    ("text", "span", "first", "last"),
    [
        ("giai đoạn từ năm 2016 đến năm 2020 đã", "từ năm 2016 đến năm 2020", 2016, 2020),
        ("Nhà hát hoạt động từ năm 1870 đến 1939, và", "từ năm 1870 đến 1939", 1870, 1939),
        ("peaked from 2005 to 2010.", "from 2005 to 2010", 2005, 2010),
    ],
)
def test_a_period_in_words_is_one_span(text: str, span: str, first: int, last: int) -> None:
    from qa.numbers import find_quantities

    (q,) = find_quantities(text, lang="en" if text.startswith("peaked") else "vi")
    assert (q.text, q.kind, q.value, q.upper) == (span, "year", first, last)
