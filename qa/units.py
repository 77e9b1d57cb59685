"""Word tables for reading quantities: units, scale words, counted nouns, qualifiers, month names.

``qa.numbers`` compiles these into its patterns at import time; other modules (question analysis,
fact-checking) read them to know what a figure is measured in. Every Vietnamese entry is written in
composed Unicode (NFC) with the new tone-mark placement, the form ``ingest.normalize.match_form``
gives.
"""

from __future__ import annotations

from typing import Literal

# fmt: off
Kind = Literal[
    "number", "count", "area", "percent", "money", "length", "mass", "volume", "date", "year", "fraction",
    "code",
]
Qualifier = Literal["", "approx", "over", "under"]

# variant as written -> (canonical unit, kind, factor into the canonical unit)
_UNIT_GROUPS: tuple[tuple[str, Kind, float, tuple[str, ...]], ...] = (
    ("ha", "area", 1.0, (
        "ha", "héc-ta", "héc ta", "hécta", "hec-ta", "hec ta", "hecta", "hectare", "hectares",
    )),
    ("m2", "area", 1.0, (
        "m2", "m²", "mét vuông", "met vuong", "square meters", "square metres", "square meter",
        "square metre", "sq m", "sqm",
    )),
    ("km2", "area", 1.0, (
        "km2", "km²", "ki-lô-mét vuông", "kilômét vuông", "kilomet vuong", "km vuông", "km vuong", "square kilometers",
        "square kilometres", "square kilometer", "square kilometre", "sq km",
    )),
    ("%", "percent", 1.0, ("%", "phần trăm", "phan tram", "percent", "per cent")),
    ("đồng", "money", 1.0, ("đồng", "dong", "vnđ", "vnd", "đ")),
    # "trđ" is how tables abbreviate "triệu đồng"
    ("đồng", "money", 1e6, ("trđ", "tr.đ", "tr đ")),
    ("USD", "money", 1.0, (
        "usd", "us$", "đô la mỹ", "đô-la mỹ", "đô la", "đô-la", "us dollars", "dollars", "dollar",
    )),
    ("km", "length", 1.0, (
        "km", "ki-lô-mét", "kilômét", "kilomet", "kilometers", "kilometres", "kilometer", "kilometre",
    )),
    ("m", "length", 1.0, ("m", "mét", "meters", "metres", "meter", "metre")),
    ("cm", "length", 1.0, ("cm", "xen-ti-mét", "centimét", "centimeters", "centimetres", "centimeter", "centimetre")),
    ("mm", "length", 1.0, ("mm", "mi-li-mét", "milimét", "millimeters", "millimetres", "millimeter", "millimetre")),
    ("tấn", "mass", 1.0, ("tấn", "tons", "tonnes", "ton", "tonne")),
    ("kg", "mass", 1.0, ("kg", "ki-lô-gam", "kilôgam", "kilogam", "kilograms", "kilogram", "kilogrammes")),
    ("m3", "volume", 1.0, (
        "m3", "m³", "mét khối", "met khoi", "cubic meters", "cubic metres", "cubic meter", "cubic metre",
    )),
    ("lít", "volume", 1.0, ("lít", "liters", "litres", "liter", "litre")),
)

# fmt: on

UNITS: dict[str, tuple[str, Kind, float]] = {
    variant: (canonical, kind, factor)
    for canonical, kind, factor, variants in _UNIT_GROUPS
    for variant in variants
}
"""Unit variants in lowercase -> (canonical unit, kind, factor): ``UNITS["héc-ta"] == ("ha", "area", 1)``."""

UNIT_KINDS: dict[str, Kind] = {canonical: kind for canonical, kind, _, _ in _UNIT_GROUPS}
"""Canonical unit -> kind: ``UNIT_KINDS["%"] == "percent"``."""

# words that make a unit word mean something else: "02 đồng chí" are two comrades, not two dong
UNIT_NOT_BEFORE: dict[str, tuple[str, ...]] = {
    "đồng": ("chí", "bào", "bằng", "hồ", "nghiệp", "thời", "ý", "loạt", "bộ", "đều", "phục", "tình", "minh"),
    "đ": ("/",),
}

SCALE_WORDS: dict[str, float] = {
    "nghìn tỷ": 1e12,
    "nghìn tỉ": 1e12,
    "ngàn tỷ": 1e12,
    "ngàn tỉ": 1e12,
    "nghìn": 1e3,
    "ngàn": 1e3,
    "triệu": 1e6,
    "tỷ": 1e9,
    "tỉ": 1e9,
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
}
"""Scale words -> multiplier: "1,1 tỷ đồng" is 1.1 × 1e9 đồng."""

# words after a scale word that turn it into another word: "tỷ lệ" (rate), "triệu tập" (convene)
SCALE_NOT_BEFORE: tuple[str, ...] = ("lệ", "số", "trọng", "giá", "chứng", "tập", "phú", "hồi")

# fmt: off
_COUNT_NOUNS_VI: tuple[str, ...] = (
    # people and organisations
    "hộ gia đình", "hộ dân", "hộ nghèo", "hộ cận nghèo", "hộ", "người", "cá nhân", "tổ chức", "doanh nghiệp",
    "cơ sở", "đơn vị", "cơ quan", "cán bộ", "công chức", "viên chức", "đảng viên", "đại biểu", "lao động",
    "học sinh", "sinh viên", "giáo viên", "bệnh nhân", "đoàn", "thành viên", "đồng chí",
    # cases, files and paperwork
    "trường hợp", "vụ việc", "vụ án", "vụ", "đơn thư", "đơn", "hồ sơ", "văn bản", "quyết định", "nghị quyết",
    "kế hoạch", "báo cáo", "thông báo", "tờ trình", "kết luận", "giấy chứng nhận", "giấy phép",
    "thủ tục hành chính", "thủ tục", "ý kiến", "kiến nghị", "vi phạm", "đối tượng", "ca",
    # events
    "cuộc", "lượt", "lần", "buổi", "lớp", "hội nghị", "chuyến",
    # places and administrative units
    "quận, huyện", "quận huyện", "quận", "huyện", "thị xã", "thị trấn", "xã", "phường", "tỉnh", "thành phố",
    "ấp", "khu phố", "thôn",
    # land, works and facilities
    "nền", "thửa", "lô", "căn hộ", "căn nhà", "căn", "giếng", "mỏ", "công trình", "dự án", "hạng mục",
    "gói thầu", "công ty", "nhà máy", "bãi rác", "trạm", "tuyến", "khu công nghiệp", "cụm công nghiệp", "khu dân cư",
    "khu", "chợ", "trường học", "trường", "bệnh viện", "điểm",
    # things
    "mẫu", "loài", "phương tiện", "tàu", "xe", "cây", "con", "chiếc", "cái", "bộ", "bản đồ", "bản", "tờ", "trang",
    "chỉ tiêu", "nhiệm vụ", "chương trình", "đề án", "mô hình", "sản phẩm", "nội dung", "lĩnh vực",
    # time spans
    "năm", "quý", "tháng", "tuần", "ngày", "giờ", "phút",
)

# fmt: on

COUNT_NOUNS: tuple[str, ...] = tuple(sorted(_COUNT_NOUNS_VI, key=lambda noun: -len(noun.split())))
"""Vietnamese counted nouns, multi-syllable first: "10 cuộc thanh tra" is a count of "cuộc"."""

# fmt: off
_COUNT_NOUNS_EN_PLURAL: tuple[str, ...] = (
    "organizations", "organisations", "cases", "inspections", "audits", "households", "families", "people",
    "persons", "residents", "individuals", "petitions", "complaints", "letters", "applications", "dossiers",
    "files", "records", "enterprises", "businesses", "companies", "firms", "facilities", "establishments",
    "projects", "works", "districts", "communes", "wards", "provinces", "cities", "towns", "villages",
    "documents", "decisions", "resolutions", "plans", "reports", "plots", "parcels", "lots", "wells",
    "samples", "points", "sites", "classes", "courses", "officials", "officers", "staff", "employees",
    "workers", "delegations", "teams", "plants", "factories", "landfills", "stations", "routes", "roads",
    "times", "visits", "meetings", "conferences", "sessions", "violations", "certificates", "permits",
    "licences", "licenses",
    "schools", "hospitals", "units", "agencies", "students", "teachers", "patients", "vehicles", "trees",
    "members", "days", "weeks", "months", "quarters", "years", "hours", "items", "products", "models",
    "programs", "programmes", "tasks", "targets", "procedures", "markets",
)

# fmt: on


def _singular(noun: str) -> str:
    if noun.endswith("ies"):
        return noun[:-3] + "y"
    if noun.endswith(("sses", "ches", "shes", "xes")):
        return noun[:-2]
    if noun.endswith("s") and not noun.endswith("ss"):
        return noun[:-1]
    return noun


COUNT_NOUNS_EN: frozenset[str] = frozenset(_COUNT_NOUNS_EN_PLURAL) | frozenset(
    map(_singular, _COUNT_NOUNS_EN_PLURAL)
)
"""English counted nouns, plural and singular: "22 organizations" is a count of "organizations"."""

# fmt: off
# qualifier phrases before a number; the longer phrase wins where two start at the same word
QUALIFIERS: dict[str, Qualifier] = {
    # Vietnamese
    "khoảng chừng": "approx", "khoảng": "approx", "chừng": "approx", "xấp xỉ": "approx", "gần như": "approx",
    "ước khoảng": "approx", "ước tính": "approx", "ước đạt": "approx", "ước": "approx", "trên dưới": "approx",
    "hơn": "over", "trên": "over", "vượt quá": "over", "vượt trên": "over", "vượt": "over",
    "nhiều hơn": "over", "cao hơn": "over", "lớn hơn": "over", "ít nhất": "over", "tối thiểu": "over",
    "không dưới": "over", "không ít hơn": "over",
    "dưới": "under", "chưa đến": "under", "chưa tới": "under", "chưa đầy": "under", "gần": "under",
    "ít hơn": "under", "thấp hơn": "under", "nhỏ hơn": "under", "không quá": "under",
    "không vượt quá": "under", "tối đa": "under",
    # English
    "approximately": "approx", "approx.": "approx", "about": "approx", "around": "approx",
    "roughly": "approx", "some": "approx", "close to": "approx",
    "more than": "over", "over": "over", "above": "over", "exceeding": "over", "in excess of": "over",
    "upwards of": "over", "at least": "over", "no less than": "over", "not less than": "over",
    "less than": "under", "fewer than": "under", "under": "under", "below": "under", "nearly": "under",
    "almost": "under", "up to": "under", "at most": "under", "no more than": "under",
    "not more than": "under",
}
"""Qualifier phrases -> qualifier: "khoảng 40 nền" is about 40; "gần 500 ha" is almost, so under, 500."""

# fmt: on

QUALIFIER_WORDS: dict[Qualifier, str] = {"": "", "approx": "khoảng", "over": "hơn", "under": "dưới"}
"""The Vietnamese word ``format_quantity`` writes for each qualifier."""

# words before a bare four-digit number that make it a year even when a noun follows: "năm 2021 người dân"
YEAR_CUES: tuple[str, ...] = ("năm", "year", "in", "since", "until", "by")

# words before "d/m" that make it a day and month, not a fraction: "ngày 9/9"
DATE_CUES: tuple[str, ...] = ("ngày", "hôm", "sáng", "trưa", "chiều", "tối", "đêm", "từ", "đến", "tới", "on")

# fmt: off
MONTHS_EN: dict[str, int] = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
    "nov": 11, "dec": 12,
}
"""English month names and abbreviations -> month number."""

# fmt: on

QUARTERS: dict[str, int] = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
"""Quarter numerals as written after "quý" (lowercase) -> quarter."""
