"""Metadata a report states in its own text: the reporting period and the issuing body.

Extracted at ingest so that retrieval can filter on them ("9 tháng đầu năm 2021").
"""

from __future__ import annotations

import re
from collections import Counter

_PERIOD = re.compile(
    r"(?:(?:\d{1,2}|sáu|chín|ba) tháng (?:đầu|cuối) năm(?: \d{4})?"
    r"|quý (?:[1-4]|I{1,3}|IV)(?:/| năm )\d{4}"
    r"|năm \d{4})",
    re.IGNORECASE,
)
_ISSUER = re.compile(
    r"(?:Sở|Ủy ban nhân dân|UBND|Bộ|Tổng cục|Chi cục|Cục|Phòng) (?:tỉnh |thành phố |quận |huyện )?[A-ZĐÂĂÊÔƠƯ]"
    r"(?:TP\.|[^\s,;.:()])*(?: (?:TP\.|[^\s,;.:()])+)*?"
    r"(?= (?:đã|đang|có|được|tổ chức|trong|tại|về|là|ban hành|báo cáo|thực hiện)\b|[,;:.()\n]|$)"
)
_HEAD_CHARS = 3000


def extract_meta(text: str) -> dict[str, str]:
    """The reporting period and issuing body named near the start of a report.

    >>> extract_meta("Sơ kết 9 tháng đầu năm 2021, Sở Tài nguyên và Môi trường TP.Cần Thơ ...")["period"]
    '9 tháng đầu năm 2021'

    Returns:
        ``{"period": ..., "issuer": ...}``, each ``""`` when the text does not say.
    """
    head = text[:_HEAD_CHARS]
    periods = [m.group(0) for m in _PERIOD.finditer(head)]
    # a period that names its year ("9 tháng đầu năm 2021") says more than one that does not
    dated = [p for p in periods if p[-4:].isdigit() and not p.lower().startswith("năm")]
    period = Counter(dated or periods).most_common(1)[0][0] if periods else ""
    issuer = _ISSUER.search(head)
    return {
        "period": period,
        "issuer": issuer.group(0).strip() if issuer else "",
    }
