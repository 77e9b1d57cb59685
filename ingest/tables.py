"""Tables as citable facts: each data row becomes one sentence that carries its headers and units.

A report's table row "Cho thuê đất | 11 | 42,75" under the headers "Số tổ chức" and "Diện tích (ha)"
has lost its meaning once the cells are joined. The loaders (``ingest.load``) read each table into
a ``Grid`` (merged cells repeated into every position they cover, header rows marked), and
``row_facts`` writes each data row as

    "Cho thuê đất, Số tổ chức 11; Cho thuê đất, Diện tích 42,75 ha."

one clause per cell, each with the row's label and the cell's column header (the levels of a
multi-row header joined by ", "), so that the answer stage reads every cell with what it measures;
the unit is moved from the header ("Diện tích (ha)"), a unit column ("ĐVT") or a
unit line above the table ("Đơn vị: triệu đồng") to after the value, where the number reader finds
it. Each cell keeps its span in that sentence, so that a citation can name the table, row and
column of the figure it quotes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ingest.normalize import clean
from ingest.records import Block, TableCell, TableRef

MAX_CELLS = 20_000  # a table beyond this many cells is read as its first MAX_CELLS cells
_MAX_HEADER_ROWS = 3
_NUMERIC = re.compile(r"^[\s(]*[-+−]?\d[\d.,\s]*(?:%|‰)?[\s)]*$")
_SEQUENCE = re.compile(r"^(?:\d{1,3}|[IVXLC]{1,6}|[a-zđ])[.)]?$", re.IGNORECASE)
# "Diện tích (ha)", "Kinh phí (triệu đồng)", "Tỷ lệ (%)": a unit in brackets at the end of a header
_HEADER_UNIT = re.compile(r"\s*[(\[]\s*(?:đvt\s*[:.]?\s*|đơn vị(?: tính)?\s*[:.]?\s*)?([^()\[\]]{1,24}?)\s*[)\]]\s*$", re.IGNORECASE)
# "Đơn vị: triệu đồng", "ĐVT: ha", "Đơn vị tính: tỷ đồng" above or in the caption of a table
_UNIT_NOTE = re.compile(r"(?:đơn vị tính|đơn vị|đvt)\s*[:.]\s*([^\n;,)]{1,24})", re.IGNORECASE)
_SEQUENCE_HEADER = re.compile(r"^(?:stt|tt|số tt|số thứ tự|no\.?|#)$")
_FIGURE_WITH_UNIT = re.compile(r"^[-+−]?\d[\d.,]*\s?[^\s\d]{1,8}$")  # "66,4 ha", "12%"; not "6 tháng đầu năm"
_YEAR = re.compile(r"^(?:1[5-9]|20)\d\d$")
_NOT_UNIT = re.compile(r"^(?:tiếp|kèm|theo|xem|trích|nguồn|ghi chú|dự kiến|ước)", re.IGNORECASE)
_UNIT_COLUMN = re.compile(r"^(?:đvt|đơn vị(?: tính)?|unit)$", re.IGNORECASE)
_LABEL_JOIN = " / "
_MD_RULE = re.compile(r"^\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?$")


@dataclass(frozen=True)
class Grid:
    """A table as read: one text per row and column, a merged cell repeated into every position it
    covers; the first ``header_rows`` rows are headers.

    Attributes:
        rows: the cells' texts, cleaned; every row as long as the widest one.
        header_rows: how many leading rows are headers (0: none could be told apart).
        caption: the table's caption or title, if the file gives one.
        unit: the unit a note above the table gives for all its figures ("triệu đồng"), or "".
    """

    rows: list[list[str]]
    header_rows: int
    caption: str = ""
    unit: str = ""


@dataclass(frozen=True)
class RowFact:
    """A data row written as one sentence.

    Attributes:
        row: the row's index in the table (header rows counted).
        label: what the row is about ("Cho thuê đất"), from its leading text cells.
        text: the sentence: label, then each cell after its header, with its unit.
        cells: the cells, with their spans in ``text``.
    """

    row: int
    label: str
    text: str
    cells: list[TableCell] = field(default_factory=list)


def make_grid(
    rows: Sequence[Sequence[str]],
    *,
    header_rows: int | None = None,
    caption: str = "",
    note: str = "",
    ragged: str = "left",
) -> Grid:
    """A grid from rows of cell texts (ragged rows padded); header rows counted when not given.

    Args:
        rows: the cells' texts, row by row, merged cells already repeated.
        header_rows: how many leading rows are headers, when the file says (``<thead>``, the
            Markdown rule line); otherwise the leading rows with no figure outside their first column.
        caption: the table's caption, or the line above it.
        note: text near the table that may give its unit ("Đơn vị: triệu đồng").
        ragged: how a data row shorter than the table stands: ``"left"`` (its cells from the
            first column; missing cells at the end) or ``"fit"`` (where its cells' kinds, figure or
            text, agree best with their columns': a Markdown table converted from HTML loses the
            cells after a multi-line cell at the end, and the cells a row span covered at the start;
            those are taken from the row above).
    """
    cleaned: list[list[str]] = []
    cells = 0
    for row in rows:
        if cells >= MAX_CELLS:
            break
        texts = [" ".join(clean(c).split()) for c in row][: max(1, MAX_CELLS - cells)]
        cells += len(texts)
        if any(texts):
            cleaned.append(texts)
    if ragged == "fit":
        cleaned = [_without_trailing_empty(r) for r in cleaned]
    width = max((len(r) for r in cleaned), default=0)
    if ragged == "fit":
        cleaned = _fit_rows(cleaned, width, header_rows or 0)
    else:
        cleaned = [r + [""] * (width - len(r)) for r in cleaned]
    if header_rows is None:
        header_rows = _count_header_rows(cleaned)
    header_rows += _numbering_rows(cleaned, header_rows)
    unit = ""
    for text in (note, caption):
        m = _UNIT_NOTE.search(text or "")
        if m:
            unit = m.group(1).strip().rstrip(".")
            break
    else:
        # a caption that ends in its unit: "Mức học bổng theo xếp loại (đồng/tháng)"
        m = _HEADER_UNIT.search(caption or "")
        if m and _looks_like_unit(m.group(1)) and not _NOT_UNIT.match(m.group(1).strip()):
            unit = m.group(1).strip()
    return Grid(cleaned, min(header_rows, len(cleaned)), " ".join(clean(caption).split()), unit)


def _fit_rows(rows: list[list[str]], width: int, header_rows: int) -> list[list[str]]:
    """Rows padded to ``width``: header rows and rows of the table's width as they are, a shorter
    data row at the offset where its figures and texts fall in columns of figures and texts, the
    cells before it (lost to a row span) repeated from the row above."""
    full = [r for r in rows[header_rows:] if len(r) == width] or rows[header_rows:]
    figures = [sum(_is_number(r[c]) for r in full if c < len(r)) for c in range(width)]
    texts = [sum(bool(r[c]) and not _is_number(r[c]) for r in full if c < len(r)) for c in range(width)]

    def agreement(row: list[str], offset: int) -> int:
        score = 0
        for c, text in enumerate(row, start=offset):
            if text:
                score += figures[c] - texts[c] if _is_number(text) else texts[c] - figures[c]
        return score

    out: list[list[str]] = []
    for n, row in enumerate(rows):
        if n < header_rows or len(row) >= width:
            out.append(row + [""] * (width - len(row)))
            continue
        offset = max(range(width - len(row) + 1), key=lambda o: (agreement(row, o), -o))
        above = out[-1] if n > header_rows else [""] * width
        out.append(above[:offset] + row + [""] * (width - len(row) - offset))
    return out


def _numbering_rows(rows: list[list[str]], header_rows: int) -> int:
    """1 when the first row under the headers numbers the columns ("Tháng | 1 | 2 | … | 12", "(1) |
    (2) | (3)"): it belongs to the header."""
    if header_rows >= len(rows) - 1:
        return 0
    numbers = [c.strip("() ") for c in rows[header_rows][1:] if c]
    digits = [int(x) for x in numbers if x.isdigit()]
    return int(len(digits) >= 3 and len(digits) >= len(numbers) - 1 and digits == list(range(1, len(digits) + 1)))


def _without_trailing_empty(row: list[str]) -> list[str]:
    end = len(row)
    while end > 1 and not row[end - 1]:
        end -= 1
    return row[:end]


def _count_header_rows(rows: list[list[str]]) -> int:
    count = 0
    for row in rows[:_MAX_HEADER_ROWS]:
        if any(_has_figure(c) for c in row[1:]):
            break
        count += 1
    # a table of text only has its first row as the header, if it has more than one row
    return 1 if count == len(rows) and len(rows) > 1 else min(count, len(rows) - 1) if rows else 0


def _is_number(text: str) -> bool:
    """A bare figure: "42,75", "1.200.000", "97,2%" (it takes the unit of its header); not a code
    ("0802.51.00", a tariff line) whose dotted groups are not thousands."""
    if not text or _NUMERIC.match(text) is None:
        return False
    groups = text.strip(" ()%‰").split(",")[0].split(".")
    return len(groups) < 3 or all(len(g) == 3 for g in groups[1:])


def _is_code(text: str) -> bool:
    """An identifier written in digits: a year, a tariff line, a code ("2024", "0802.51.00")."""
    return bool(_YEAR.match(text)) or (_NUMERIC.match(text) is not None and not _is_number(text))


def _has_figure(text: str) -> bool:
    """A figure, bare or with its own unit ("66,4 ha"): what a header row does not hold."""
    if _is_number(text):
        return _YEAR.match(text.strip()) is None  # "2024" heads a column of years' figures
    return _FIGURE_WITH_UNIT.match(text or "") is not None


def column_headers(grid: Grid) -> list[tuple[str, str]]:
    """Each column's header (levels joined by " / ", repeats dropped) and the unit it names."""
    out = []
    for col in range(len(grid.rows[0]) if grid.rows else 0):
        levels: list[str] = []
        for r in range(grid.header_rows):
            text = grid.rows[r][col]
            if text and text not in levels:
                levels.append(text)
        if len(levels) > 1:  # the column's number under its header ("(3)") is not its name
            levels = [x for x in levels if not x.strip("() ").isdigit()]
        unit = ""
        if levels:
            m = _HEADER_UNIT.search(levels[-1])
            if m and _looks_like_unit(m.group(1)):
                unit = m.group(1).strip()
                levels[-1] = levels[-1][: m.start()].strip()
        out.append((_LABEL_JOIN.join(x for x in levels if x), unit))
    # a column numbered under what the first column's header names: "Tháng | 1 | 2" is "Tháng 1"
    first = out[0][0].split(_LABEL_JOIN)[-1] if out else ""
    if first and not _is_number(first):
        out = [(f"{first} {h}" if c and h.isdigit() else h, u) for c, (h, u) in enumerate(out)]
    return out


def _looks_like_unit(text: str) -> bool:
    # "(ha)", "(triệu đồng)", "(%)", "(người)"; not "(đã bao gồm thuế)" nor "(1)"
    words = text.split()
    return 0 < len(words) <= 3 and not text.strip().isdigit()


def row_facts(grid: Grid) -> list[RowFact]:
    """Every data row of a table as a sentence with its headers and units (header rows skipped)."""
    headers = column_headers(grid)
    unit_col = next((c for c, (h, _) in enumerate(headers) if _UNIT_COLUMN.match(_plain(h))), None)
    data = grid.rows[grid.header_rows :]
    seq_col = 0 if headers and (
        _SEQUENCE_HEADER.match(_plain(headers[0][0])) or all(not r[0] or _SEQUENCE.match(r[0]) for r in data)
    ) and len(headers) > 1 else None
    # where a row's first cell is a figure ("231.000 | Vỡ đập Bản Kiều | 1975"), the first column
    # of texts labels it
    text_col = next((c for c in range(len(headers)) if _mostly_text(r[c] for r in data)), None)
    facts = []
    for r in range(grid.header_rows, len(grid.rows)):
        row = grid.rows[r]
        near = [grid.rows[x] for x in (r - 1, r + 1) if grid.header_rows <= x < len(grid.rows)]
        grouped = {c for c, text in enumerate(row) if text and any(n[c] == text for n in near)}
        label_cols = _label_columns(row, unit_col, seq_col, grouped) or (
            [text_col] if text_col is not None and row[text_col] and not _is_number(row[text_col]) else []
        )
        label = " ".join(dict.fromkeys(row[c] for c in label_cols if row[c]))
        if label_cols and _YEAR.match(row[label_cols[0]]) and headers[label_cols[0]][0]:
            # a label that is a year says what it is with its header: "Năm 2024"
            label = f"{headers[label_cols[0]][0]} {label}"
        row_unit = row[unit_col] if unit_col is not None else ""
        # a unit written after the row's label: "Thu ngân sách (tỷ đồng) | 10 | 12"
        m = _HEADER_UNIT.search(label)
        if m and _looks_like_unit(m.group(1)) and not row_unit:
            row_unit, label = m.group(1).strip(), label[: m.start()].strip()
        text = ""
        cells: list[TableCell] = []
        seen: set[tuple[str, str]] = set()
        for c, value in enumerate(row):
            if c in label_cols or c in (unit_col, seq_col) or not value or value == label:
                continue  # a label cell merged across columns is the label, not a figure
            header, header_unit = headers[c]
            if (header, value) in seen:
                continue  # a cell merged across columns is written once
            seen.add((header, value))
            # "Số tổ chức", "Số lượng": a count takes no unit from the note above the table
            counted = _plain(header.split(_LABEL_JOIN)[-1]).startswith("số ")
            unit = (header_unit or row_unit or ("" if counted else grid.unit)) if _is_number(value) else ""
            # each cell a clause of its own, with the row's label and its column's header
            piece_head = ", ".join(x for x in (label, header.replace(_LABEL_JOIN, ", ")) if x)
            if cells:
                text += "; "
            text += f"{piece_head} " if piece_head else ""
            start = len(text)
            text += value + ("" if not unit else unit if unit == "%" else f" {unit}")
            cells.append(TableCell(c, header, value, unit, start, len(text)))
        if cells:
            facts.append(RowFact(r, label, text + ".", cells))
    return facts


def _mostly_text(cells: Iterable[str]) -> bool:
    filled = [c for c in cells if c]
    return bool(filled) and sum(not _is_number(c) and not _is_code(c) for c in filled) >= 0.6 * len(filled)


def _label_columns(row: list[str], unit_col: int | None, seq_col: int | None, grouped: set[int]) -> list[int]:
    """The columns of the row's label: its first text cell, after a sequence number ("1", "II",
    "a)") when a text cell follows it, or a year in the first column ("2024 | 120 | 30"); a year or
    a code with the text cell after it ("0802.51.00 | Chưa bóc vỏ | 5"). Leading cells that the rows
    around repeat (a row span: the group "Nam Á" over its peoples) come before it."""
    groups: list[int] = []
    for c, text in enumerate(row):
        if c in grouped and text and not _is_number(text) and c not in (unit_col, seq_col):
            follows = next((x for x in row[c + 1 :] if x), "")
            if follows and not _is_number(follows):
                groups.append(c)
                continue
        own = _own_label(row, c, unit_col, seq_col)
        if own is not None:
            return groups + own
    return groups


def _own_label(row: list[str], c: int, unit_col: int | None, seq_col: int | None) -> list[int] | None:
    """The label columns starting at column ``c``, ``[]`` when the row has no label, ``None`` to
    look further right."""
    text = row[c]
    if c in (unit_col, seq_col) or not text:
        return None
    follows = row[c + 1] if c + 1 < len(row) else ""
    if _SEQUENCE.match(text) and follows and not _is_number(follows):
        return None  # the "STT" column
    if _is_number(text) and not (c == 0 and _YEAR.match(text)):
        return []
    # a year or a code names the row with the text after it: "1830 | New York City | 4.4"
    after = row[c + 1] if c + 1 < len(row) else ""
    return [c, c + 1] if _is_code(text) and after and not _is_number(after) and not _is_code(after) else [c]


def _plain(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().lower()


def table_blocks(grid: Grid, table: int) -> list[Block]:
    """The blocks of one table: a data row each, with its table reference and origin
    ("bảng 1, dòng 3", counted from 1 as people count them)."""
    return [
        Block(fact.text, "table_row", f"bảng {table + 1}, dòng {fact.row + 1}", TableRef(table, fact.row, tuple(fact.cells), fact.label))
        for fact in row_facts(grid)
    ]


def is_markdown_rule(line: str) -> bool:
    """Whether a line is a Markdown table's rule line ("|---|:--:|")."""
    return _MD_RULE.match(line.strip()) is not None


def header_start(line: str, rule: str) -> int:
    """Where a header row glued to the text before it starts: at the pipe that leaves as many
    cells as the rule line has columns ("[sửa | sửa]| Năm | Hành khách |" over "|---|---|")."""
    pipes = [m.start() for m in re.finditer(r"(?<!\\)\|", line)]
    width = rule.strip().strip("|").count("|") + 1
    if line.rstrip().endswith("|") and len(pipes) >= width + 1:
        return pipes[-(width + 1)]
    return pipes[max(0, len(pipes) - width)]


def markdown_rows(lines: Sequence[str]) -> tuple[list[list[str]], int | None]:
    """The cells of a Markdown pipe table's lines, and how many rows stand above its rule line.

    A line without its leading "|" under the rule line continues the row above while that row is
    shorter than the rule line: converters write a cell that held line breaks as one line per cell."""
    rows: list[list[str]] = []
    header_rows = None
    rule = next((x.strip() for x in lines if _MD_RULE.match(x.strip())), "")
    width = rule.strip("|").count("|") + 1 if rule else 0
    for line in lines:
        body = line.strip()
        if _MD_RULE.match(body) and header_rows is None:
            header_rows = len(rows)
            continue
        continued = not body.startswith("|")
        if body.startswith("|"):
            body = body[1:]
        if body.endswith("|") and not body.endswith("\\|"):
            body = body[:-1]
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", body)]
        if not any(cells):
            continue  # an empty line of pipes between rows
        if continued and rows and len(rows[-1]) + len(cells) <= width:
            rows[-1].extend(cells)  # a row its converter broke into one line per cell
        else:
            rows.append(cells)
    return rows, header_rows
