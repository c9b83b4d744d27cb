"""Reading a five-year plan's indicator table (主要指标表) from text or .xlsx. Django-free.

The header row is found by its words: 指标 (名称), 单位, a baseline column (2020年 / 基期 / 基数 / 现状),
a target column (2025年 / 目标), 属性 (约束性/预期性) and optionally 责任单位 / 牵头单位 and 权重.
Text rows are split on tabs, "|" or runs of two or more spaces (one space too when that gives the
header's number of cells). A target such as "≤5" or "5以下" is 不高于; "≥85"/"85以上"/">85" 不低于;
"累计" in the name or the target makes the indicator cumulative; "[85]" (the brackets national plans put
round expected indicators) marks it 预期性 when no 属性 column says otherwise.
"""
from __future__ import annotations

import io
import re
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation


class TableError(ValueError):
    """The file holds no readable indicator table; the message says why, in Chinese."""


@dataclass
class IndicatorRow:
    number: int
    name: str
    measure_unit: str
    baseline: str | None
    target_value: str
    kind: str
    direction: str
    cumulative: bool
    unit_name: str
    weight: str | None
    line: int

    def as_dict(self):
        return asdict(self)


COLUMNS = {
    "number": ("序号",),
    "name": ("指标名称", "主要指标", "指标"),
    "measure_unit": ("计量单位", "单位"),
    "baseline": ("基期", "基数", "现状", "2020", "2015"),
    "target_value": ("目标", "2025", "2020年目标", "规划"),
    "kind": ("属性", "指标属性", "性质"),
    "unit_name": ("责任单位", "牵头单位", "负责单位"),
    "weight": ("权重",),
}
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
SPLIT = re.compile(r"\t|\s*[|｜]\s*| {2,}|\u3000+")


def _classify(cell: str) -> str | None:
    c = re.sub(r"\s", "", cell)
    if not c:
        return None
    if "责任" in c or "牵头" in c or "负责" in c:
        return "unit_name"
    if c.startswith("序号") or c in {"编号", "序"}:
        return "number"
    if "属性" in c or c == "性质":
        return "kind"
    if "权重" in c:
        return "weight"
    if "单位" in c:
        return "measure_unit"
    years = re.findall(r"(?:19|20)\d\d", c)
    if "基期" in c or "基数" in c or "现状" in c:
        return "baseline"
    if "目标" in c:
        return "target_value"
    if years:
        return "year"
    if "指标" in c:
        return "name"
    return None


def find_header(rows):
    """(index of the header row, {field: column}) or raise TableError."""
    for i, row in enumerate(rows[:30]):
        kinds = [_classify(str(c or "")) for c in row]
        if "name" not in kinds:
            continue
        columns = {}
        year_cols = []
        for col, kind in enumerate(kinds):
            if kind == "year":
                year_cols.append((int(re.findall(r"(?:19|20)\d\d", str(row[col]))[0]), col))
            elif kind and kind not in columns:
                columns[kind] = col
        year_cols.sort()
        if "baseline" not in columns and year_cols:
            columns["baseline"] = year_cols.pop(0)[1]
        if "target_value" not in columns and year_cols:
            columns["target_value"] = year_cols.pop()[1]
        if "target_value" in columns:
            return i, columns
    raise TableError("没有找到指标表的表头：表头须有“指标”和目标值列（如“2025年”或“目标值”）。")


def _number(text: str) -> str | None:
    m = NUMBER.search((text or "").replace(",", "").replace("，", ""))
    if not m:
        return None
    try:
        return str(Decimal(m.group()))
    except InvalidOperation:
        return None


def parse_rows(rows) -> list[IndicatorRow]:
    """Rows of cells (lists of str) → indicator rows; raises TableError with a Chinese message."""
    rows = [[("" if c is None else str(c)).strip() for c in row] for row in rows]
    rows = [r for r in rows if any(r)]
    if not rows:
        raise TableError("文件是空的。")
    start, cols = find_header(rows)
    out, problems = [], []
    for offset, row in enumerate(rows[start + 1:], start=start + 2):
        def cell(name, row=row):
            col = cols.get(name)
            return row[col] if col is not None and col < len(row) else ""
        name = re.sub(r"^\d+[.、．]?\s*", "", cell("name")).strip()
        if not name:
            continue
        target_text = cell("target_value")
        target = _number(target_text)
        if target is None:
            problems.append(f"第{offset}行“{name}”没有可读的目标值（“{target_text}”）。")
            continue
        kind_text = cell("kind")
        if "约束" in kind_text:
            kind = "binding"
        elif "预期" in kind_text:
            kind = "expected"
        else:
            kind = "expected" if "[" in target_text or "〔" in target_text else "binding" if "约束" in name else "expected"
        direction = "<=" if re.search(r"[≤<＜]|以下|以内|不高于|不超过", target_text) else ">="
        cumulative = "累计" in name or "累计" in target_text or "五年" in target_text
        number_text = cell("number")
        number = int(number_text) if number_text.isdigit() else len(out) + 1
        weight = _number(cell("weight")) if "weight" in cols else None
        unit_name = re.split(r"[、，,；;\s]+", cell("unit_name"))[0] if cell("unit_name") else ""
        out.append(IndicatorRow(number=number, name=name[:200], measure_unit=cell("measure_unit")[:20],
                                baseline=_number(cell("baseline")), target_value=target, kind=kind,
                                direction=direction, cumulative=cumulative, unit_name=unit_name[:100],
                                weight=weight, line=offset))
    if problems:
        raise TableError("；".join(problems))
    if not out:
        raise TableError("表头下面没有指标行。")
    numbers = [r.number for r in out]
    if len(set(numbers)) != len(numbers):
        raise TableError("指标序号重复：" + "、".join(sorted({str(n) for n in numbers if numbers.count(n) > 1})) + "。")
    names = [r.name for r in out]
    if len(set(names)) != len(names):
        raise TableError("指标名称重复。")
    return out


def split_text(text: str):
    lines = [ln.rstrip() for ln in text.splitlines() if ln.strip()]
    rows = [[c for c in SPLIT.split(ln.strip()) if c != ""] for ln in lines]
    try:
        header_index, _cols = find_header(rows)
    except TableError:
        rows = [ln.split() for ln in lines]
        return rows
    width = len(rows[header_index])
    fixed = []
    for row, ln in zip(rows, lines, strict=True):
        if len(row) < width and len(ln.split()) == width:
            row = ln.split()
        fixed.append(row)
    return fixed


def read_table(content: bytes, filename: str = "") -> list[IndicatorRow]:
    """An uploaded file (UTF-8/GB18030 text or .xlsx, told by content) → indicator rows."""
    if not content:
        raise TableError("文件是空的。")
    if content[:2] == b"PK":
        try:
            from openpyxl import load_workbook

            wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 — any unreadable workbook gets the same message
            raise TableError("无法读取该 Excel 文件：文件已损坏或不是 .xlsx。") from None
        last = None
        for ws in wb.worksheets:
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            try:
                return parse_rows([[_cell_text(c) for c in r] for r in rows])
            except TableError as exc:
                last = exc
        raise last or TableError("工作簿中没有工作表。")
    if b"\x00" in content[:2048]:
        raise TableError("无法识别该文件：请上传文本（.txt）或 Excel（.xlsx）格式的指标表。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableError("无法识别文件的文字编码。")
    return parse_rows(split_text(text))


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
