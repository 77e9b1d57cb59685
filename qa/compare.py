"""Comparing a figure a speech claims with the figure a report states.

Rules: counts and codes exactly; measured figures at the claim's own precision ("1,1 tỷ đồng"
matches "1.109.521.000 đồng", "99%" does not match "98,42%"); hedges honoured ("khoảng X" within
a tolerance, "hơn X" / "trên X" only if the report's figure is above X, "dưới X" below, "gần X"
below and within the tolerance); dates as dates (a claimed day inside a reported range matches,
and so does a claimed month that holds the reported days).
"""

from __future__ import annotations

import math
import re

from ingest.normalize import match_form
from qa.numbers import Quantity, parse_number

_NUMBER_TOKEN = re.compile(r"\d+(?:[.,]\d+)*")


def precision(q: Quantity, *, lang: str = "vi") -> float:
    """The smallest step the claim's wording can express: "66,4 ha" -> 0.1, "1,1 tỷ" -> 1e8, "99%" -> 1."""
    m = _NUMBER_TOKEN.search(q.text)
    if not m:
        return 1.0
    token = m.group(0)
    base = parse_number(token, lang=lang)
    if not base:
        return 1.0
    scale = q.value / base if base else 1.0
    decimal_sep = "," if lang == "vi" else "."
    if decimal_sep in token and not re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", token):
        decimals = len(token.rsplit(decimal_sep, 1)[1])
    elif lang == "vi" and re.fullmatch(r"\d+\.\d{1,2}", token):
        decimals = len(token.rsplit(".", 1)[1])  # "98.42" typed the English way
    else:
        decimals = 0
    return 10.0 ** (-decimals) * scale


def matches(claimed: Quantity, reported: Quantity, *, tolerance_pct: float, lang: str = "vi") -> bool:
    """Whether the report's figure bears out the claimed one.

    Args:
        claimed: the figure in the speech, with its hedge (``qualifier``).
        reported: the figure in the report.
        tolerance_pct: how far "khoảng X" / "gần X" may be from the report's figure, in percent.
        lang: the claim's language (for reading its precision).
    """
    if claimed.kind == "code" or reported.kind == "code":
        return _code(claimed.text) == _code(reported.text)
    if claimed.kind == "date" or reported.kind == "date":
        if claimed.date is None or reported.date is None:
            return False
        last = reported.date_end or reported.date
        claimed_last = claimed.date_end or claimed.date
        # at the claim's own precision: a claimed day inside a reported range, or a reported day
        # or range inside a claimed month ("vào tháng 3/2021" for "12-13/3/2021")
        inside = reported.date <= claimed.date and claimed_last <= last
        return inside or (claimed.date <= reported.date and last <= claimed_last)
    x, r = claimed.value, reported.value
    if (
        claimed.kind == "fraction"
        and None not in (reported.denominator, claimed.denominator)
        and claimed.denominator != reported.denominator
    ):
        return False
    tolerance = tolerance_pct / 100.0 * abs(x)
    if claimed.qualifier == "approx":
        return abs(r - x) <= tolerance
    if claimed.qualifier == "over":
        return r > x
    if claimed.qualifier == "under":
        return r < x if not _is_near(claimed) else x - tolerance <= r <= x
    if claimed.kind in ("count", "fraction") and reported.kind in ("count", "fraction"):
        return math.isclose(x, r)
    step = precision(claimed, lang=lang)
    # the report's figure, rounded to the claim's precision, must equal the claim
    return abs(r - x) <= step / 2 + 1e-9 * max(1.0, abs(x))


def _is_near(q: Quantity) -> bool:
    # "gần X" (almost X) is below X but close to it; "dưới X" only says below
    return match_form(q.text).startswith(("gần", "gan", "almost", "nearly"))


def _code(text: str) -> str:
    return re.sub(r"[\s\-]", "", match_form(text))
