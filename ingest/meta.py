"""Metadata a report states in its own text: the reporting period and the issuing body.

Extracted at ingest so that retrieval can filter on them ("9 tháng đầu năm 2021") and answers
can say which period a figure is of (``ingest.periods``).
"""

from __future__ import annotations

import re

from ingest.periods import document_period

_ISSUER = re.compile(
    r"(?:Sở|Ủy ban nhân dân|UBND|Bộ|Tổng cục|Chi cục|Cục|Phòng) (?:tỉnh |thành phố |quận |huyện )?[A-ZĐÂĂÊÔƠƯ]"
    r"(?:TP\.|[^\s,;.:()])*(?: (?:TP\.|[^\s,;.:()])+)*?"
    r"(?= (?:đã|đang|có|được|tổ chức|trong|tại|về|là|ban hành|báo cáo|thực hiện)\b|[,;:.()\n]|$)"
)
_HEAD_CHARS = 3000


def extract_meta(text: str, title: str = "") -> dict[str, str]:
    """The reporting period and issuing body named near the start of a report.

    >>> extract_meta("Sơ kết 9 tháng đầu năm 2021, Sở Tài nguyên và Môi trường TP.Cần Thơ ...")["period"]
    '9 tháng đầu năm 2021'

    Returns:
        ``{"period": ..., "issuer": ...}``, each ``""`` when the text does not say; the period as
        its label (``ingest.periods.Period.label``: "Quý II/2025", "9 tháng đầu năm 2021").
    """
    head = text[:_HEAD_CHARS]
    period = document_period(title, head)
    issuer = _ISSUER.search(head)
    return {
        "period": period.label if period else "",
        "issuer": issuer.group(0).strip() if issuer else "",
    }
