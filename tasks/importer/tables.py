"""Task-division tables that arrive as real tables (Word, Excel, CSV, ruled PDF).

The header row is found by its words, not by its position: a title row or two
often sits above it, and columns come in any order (序号 / 工作任务 / 牵头单位 /
参加单位 / 完成时限 …). Rows below it become tasks; a row whose cells are all the
same text (a merged category row such as 一、社会保障) opens a section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .drafts import SectionDraft, TaskDraft
from .markers import match_marker
from .normalize import compact, normalize_line
from .units import assign_roles, find_unit_clause, parse_labelled, split_cell_units

__all__ = ["ColumnMap", "find_header", "is_header_text", "tasks_from_table"]

_REF_RE = re.compile(r"^(?:序号|编号|序|号|项目编号)$")
_DEADLINE_RE = re.compile(r"时限|完成时间|时间节点|时间安排|进度安排|完成期限|时间要求|进度要求|完成时间节点")
_LEAD_RE = re.compile(r"牵头")
_PART_RE = re.compile(r"参加|参与|配合|协办|协助|协同|协作")
_RESP_RE = re.compile(r"负责|责任|承办|实施单位|实施主体")
_CATEGORY_RE = re.compile(r"^(?:类别|分类|领域|板块|类型|项目类别|任务类别|工作类别)$")
_TASK_RE = re.compile(r"任务|内容|措施|事项|举措|目标|要求|工作|项目")
_IGNORED_RE = re.compile(r"备注|完成情况|进展|说明|落实情况")
_TEXT_HEADER_TASK_RE = re.compile(r"任务|内容|措施|事项|举措")


@dataclass
class ColumnMap:
    """Which column holds what; ``task`` may list several text columns (任务 + 措施)."""

    ref: int | None = None
    task: list[int] = field(default_factory=list)
    lead: int | None = None
    part: int | None = None
    resp: int | None = None
    deadline: int | None = None
    category: int | None = None


def is_header_text(text: str) -> bool:
    """Does this (flattened) line read like a division-table header?

    序号 + a task word + a unit word: '序号 工作任务 负责单位'.
    """
    text = compact(text).replace(" ", "")
    return (
        "序号" in text
        and bool(_TEXT_HEADER_TASK_RE.search(text))
        and ("单位" in text or "部门" in text)
        and len(text) <= 60
    )


def _classify(cells: list[str]) -> ColumnMap | None:
    cmap = ColumnMap()
    for i, raw in enumerate(cells):
        cell = compact(normalize_line(raw)).replace(" ", "")
        if not cell or len(cell) > 12:
            continue
        if _REF_RE.match(cell):
            cmap.ref = i if cmap.ref is None else cmap.ref
        elif _IGNORED_RE.search(cell):
            continue
        elif _DEADLINE_RE.search(cell):
            cmap.deadline = i if cmap.deadline is None else cmap.deadline
        elif _LEAD_RE.search(cell):
            cmap.lead = i if cmap.lead is None else cmap.lead
        elif _PART_RE.search(cell):
            cmap.part = i if cmap.part is None else cmap.part
        elif _RESP_RE.search(cell) or cell.endswith(("单位", "部门")):
            cmap.resp = i if cmap.resp is None else cmap.resp
        elif _CATEGORY_RE.match(cell):
            cmap.category = i
        elif _TASK_RE.search(cell):
            # a merged header cell repeats its text: keep one column per distinct text
            if not any(compact(cells[j]) == compact(raw) for j in cmap.task):
                cmap.task.append(i)
    if cmap.task and (cmap.lead is not None or cmap.resp is not None):
        return cmap
    return None


def find_header(rows: list[list[str]], max_scan: int = 20) -> tuple[int, ColumnMap] | None:
    """Index of the (last) header row and the column map, among the first ``max_scan`` rows.

    A two-row header (责任单位 spanning 牵头单位 | 配合单位 below it) is read as one:
    the returned index is then that of the second row.
    """
    for index, row in enumerate(rows[:max_scan]):
        cmap = _classify([c or "" for c in row])
        if not cmap:
            continue
        if index + 1 < len(rows):
            below = rows[index + 1]
            combined = [(b or "") if (b or "").strip() else (a or "") for a, b in zip(row, below, strict=False)]
            combined += [c or "" for c in row[len(below):]]
            two_row = _classify(combined)
            if two_row and two_row.lead is not None and two_row.part is not None and (
                cmap.lead is None or cmap.part is None
            ):
                return index + 1, two_row
        return index, cmap
    return None


def _cell(row: list[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return normalize_line(row[index] or "").strip()


def _clean_ref(text: str) -> str:
    ref = compact(text).replace(" ", "")
    if re.fullmatch(r"\d+\.0", ref):
        ref = ref[:-2]
    return ref.rstrip(".、．")


def _header_key(row: list[str]) -> tuple[str, ...]:
    return tuple(v for v in (compact(normalize_line(c or "")).replace(" ", "") for c in row) if v)


def _section_from(text: str) -> SectionDraft:
    text = compact(text)
    marker = match_marker(text)
    if marker:
        return SectionDraft(marker.ref, text[marker.end:].strip() or text)
    return SectionDraft(text, text)


_CN_REF_RE = re.compile(r"^[（(]?[一二三四五六七八九十]{1,3}[）)]?[、.．]?$")


def _category_row(ref: str, text: str, lead: list[str], part: list[str]) -> SectionDraft | None:
    """A row numbered 一/（一） with a short text and no units is a category, not a task."""
    if lead or part or not _CN_REF_RE.match(ref) or len(text) > 30 or "。" in text:
        return None
    marker = match_marker(ref if ref[-1] in "）)、" else ref + "、")
    return SectionDraft(marker.ref, text) if marker else None


def _units(row: list[str], cmap: ColumnMap) -> tuple[list[str], list[str]]:
    lead_cell, part_cell, resp_cell = (_cell(row, cmap.lead), _cell(row, cmap.part), _cell(row, cmap.resp))
    for cell in (resp_cell, lead_cell):
        labelled = parse_labelled(compact(cell)) if cell else None
        if labelled:
            return labelled
    lead, part, resp = (split_cell_units(c) for c in (lead_cell, part_cell, resp_cell))
    return assign_roles(lead, part, resp)


def _task_text(row: list[str], cmap: ColumnMap) -> str:
    pieces: list[str] = []
    for index in cmap.task:
        text = compact(_cell(row, index))
        if text and text not in pieces:
            pieces.append(text)
    out = ""
    for piece in pieces:
        out = piece if not out else out + ("" if out[-1] in "。；;：:" else "；") + piece
    return out


def tasks_from_table(rows: list[list[str]], header: int, cmap: ColumnMap) -> tuple[list[TaskDraft], list[SectionDraft]]:
    """Rows below the header -> task drafts (section paths from category rows)."""
    tasks: list[TaskDraft] = []
    sections: list[SectionDraft] = []
    section: SectionDraft | None = None
    category_text = ""
    counter = 0
    header_key = _header_key(rows[header])
    for row in rows[header + 1:]:
        row = [c or "" for c in row]
        values = [compact(normalize_line(c)) for c in row]
        nonempty = [v for v in values if v]
        if not nonempty or _header_key(row) == header_key:
            continue  # blank row, or the header repeated at the top of a page
        ref_text = _clean_ref(_cell(row, cmap.ref))
        text = _task_text(row, cmap)
        merged_row = len(set(nonempty)) == 1 and (len(nonempty) > 1 or (not text and not ref_text.isdigit()))
        if merged_row:
            section = _section_from(nonempty[0])
            sections.append(section)
            continue
        category = compact(_cell(row, cmap.category))
        if category and category != category_text:  # merged category cells repeat down the rows
            category_text = category
            section = _section_from(category)
            sections.append(section)
        lead, part = _units(row, cmap)
        category_row = _category_row(ref_text, text, lead, part)
        if category_row:
            section = category_row
            sections.append(section)
            continue
        if not ref_text and tasks and text and (cmap.ref is not None):
            _continue_task(tasks[-1], text, lead, part)
            continue
        if not text:
            continue
        counter += 1
        clause = find_unit_clause(text)
        if clause and not lead and not part:
            lead, part = clause.lead, clause.participating
            text = (text[: clause.start] + text[clause.end:]).strip()
        tasks.append(TaskDraft(
            ref=ref_text or str(counter),
            section=section.path if section else "",
            text=text,
            lead_units=lead,
            participating_units=part,
            deadline_text=_cell(row, cmap.deadline),
        ))
    return tasks, sections


def _continue_task(task: TaskDraft, text: str, lead: list[str], part: list[str]) -> None:
    """A row without a number below a numbered one: the task goes on (a page break or
    a cell split across rows)."""
    if text and text not in task.text:
        task.text += text
    task.lead_units += [u for u in lead if u not in task.lead_units]
    task.participating_units += [u for u in part if u not in task.participating_units + task.lead_units]
