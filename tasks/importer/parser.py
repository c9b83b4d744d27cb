"""Text -> plan structure (SCHEMA.md JSON). No Django here.

``parse_plan`` takes a :class:`~tasks.importer.document.Document` (or plain text)
and returns ``{"plan": …, "sections": […], "tasks": […]}``:

* tables first: a task-division table (a real table with a 序号/工作任务/负责单位
  header, or the same table flattened into PDF text) defines the tasks where a
  document has one — the body text of such a document restates them;
* otherwise the numbered outline (一、 （一） 1. （1）) of the running text;
* plan fields from the head and signature of the document;
* deadlines from each task's time words; targets from ``targets.extraction``.

It raises :class:`PlanImportError` (and nothing else) when no task can be found.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from .dates import find_deadline
from .document import Document, Table, TextBlock
from .drafts import SectionDraft, TaskDraft
from .errors import PlanImportError, import_error
from .metadata import extract_metadata, plan_year
from .normalize import clean_lines, join_paragraphs, looks_wrapped
from .outline import parse_outline
from .readers import DEFAULT_MAX_BYTES, read_document
from .supervision import looks_like_instruction, looks_like_minutes, parse_instruction, parse_minutes
from .tables import find_header, tasks_from_table
from .text_table import find_text_tables

__all__ = ["parse_plan", "parse_file", "DEFAULT_MAX_BYTES"]

logger = logging.getLogger(__name__)

Extractor = Callable[[str], Any]


def parse_plan(document_or_text: Document | str, *, extract_targets: Extractor | None) -> dict:
    """The SCHEMA.md structure of a plan.

    ``extract_targets(text)`` fills each task's ``targets`` (the caller passes
    ``targets.extraction.extract_targets``, or ``None`` for a plan without targets).
    """
    try:
        return _parse(document_or_text, extract_targets)
    except PlanImportError:
        raise
    except Exception as exc:  # the importer promises one exception class, whatever happens
        logger.exception("plan parser failed")
        raise import_error("parse_failed") from exc


def parse_file(data: bytes, filename: str, *, max_bytes: int = DEFAULT_MAX_BYTES,
               extract_targets: Extractor | None, ocr: bool = False) -> dict:
    """Read an uploaded file and parse it: ``read_document`` + ``parse_plan`` (``ocr``: read scans too)."""
    document = read_document(data, filename, max_bytes=max_bytes, ocr=ocr)
    return parse_plan(document, extract_targets=extract_targets)


# ---------------------------------------------------------------------------


def _as_document(value: Document | str) -> Document:
    if isinstance(value, Document):
        return value
    if isinstance(value, str):
        return Document.from_text(value)
    raise import_error("bad_argument")


def _split_blocks(document: Document) -> tuple[list[str], list[TaskDraft], list[SectionDraft]]:
    """Text lines (document order) and the tasks of real tables that have a task header."""
    lines: list[str] = []
    tasks: list[TaskDraft] = []
    sections: list[SectionDraft] = []
    for block in document.blocks:
        if isinstance(block, TextBlock):
            lines.extend(clean_lines(block.lines))
            continue
        found = find_header(block.rows)
        if found is None:
            lines.extend(clean_lines(block.as_lines()))
            continue
        header, cmap = found
        lines.extend(clean_lines(Table(block.rows[:header]).as_lines()))  # title rows above
        table_tasks, table_sections = tasks_from_table(block.rows, header, cmap)
        tasks.extend(table_tasks)
        sections.extend(table_sections)
    return lines, tasks, sections


def _parse(document_or_text: Document | str, extract_targets: Extractor | None) -> dict:
    document = _as_document(document_or_text)
    lines, tasks, sections = _split_blocks(document)
    if not tasks:
        supervision = _parse_supervision(lines, extract_targets)
        if supervision is not None:
            return supervision
    text_tables = find_text_tables(lines)
    tasks += text_tables.tasks
    sections += text_tables.sections
    remaining = [line for i, line in enumerate(lines) if i not in text_tables.used]
    if not tasks:
        wrapped = document.wrapped if document.wrapped is not None else looks_wrapped(remaining)
        paragraphs = join_paragraphs(remaining, wrapped, document.marked_breaks)
        tasks, sections = parse_outline(paragraphs, wrapped)
    tasks = [t for t in tasks if t.text or t.lead_units or t.participating_units]
    if not tasks:
        raise import_error("no_tasks")

    plan = extract_metadata(remaining)
    year = plan_year(plan)
    extractor = extract_targets
    return {
        "plan": plan,
        "sections": _sections_holding_tasks(sections, tasks),
        "tasks": [_task_json(task, year, extractor) for task in tasks],
    }


def _parse_supervision(lines: list[str], extract_targets: Extractor | None) -> dict | None:
    """A 批示 or a 会议纪要 read as a 督办 list; None if the document is neither (or names no lead unit)."""
    plan = None
    sections: list[SectionDraft] = []
    if looks_like_instruction(lines):
        found = parse_instruction(lines)
        if found is None:
            return None
        plan, tasks = found
    elif looks_like_minutes(lines):
        tasks, sections = parse_minutes(lines)
        if not tasks:
            return None
        plan = extract_metadata(lines)
    else:
        return None
    year = plan_year(plan)
    extractor = extract_targets
    out = []
    for task in tasks:
        item = _task_json(task, year, extractor)
        # a decided item's closing "…6月底前完成" is its deadline, whatever else the item mentions
        item["deadline"] = find_deadline(task.deadline_text, year) or item["deadline"]
        out.append(item)
    return {"plan": plan, "sections": _sections_holding_tasks(sections, tasks), "tasks": out}


def _sections_holding_tasks(sections: list[SectionDraft], tasks: list[TaskDraft]) -> list[dict]:
    """SCHEMA.md: the headings that hold tasks, directly or below them, in document order."""
    held: set[str] = set()
    for task in tasks:
        parts = task.section.split("/") if task.section else []
        held.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    out, seen = [], set()
    for section in sections:
        if section.path in held and section.path not in seen:
            seen.add(section.path)
            out.append({"path": section.path, "title": section.title})
    return out


def _task_json(task: TaskDraft, year: int | None, extractor: Extractor | None) -> dict:
    deadline_source = f"{task.deadline_text} {task.text}" if task.deadline_text else task.text
    return {
        "ref": task.ref,
        "section": task.section,
        "text": task.text,
        "lead_units": list(task.lead_units),
        "participating_units": list(task.participating_units),
        "deadline": find_deadline(deadline_source, year),
        "targets": _targets(extractor, task.text),
    }


def _targets(extractor: Extractor | None, text: str) -> list[dict]:
    if extractor is None or not text:
        return []
    try:
        found = extractor(text) or []
        out = []
        for target in found:
            if hasattr(target, "as_dict"):
                out.append(dict(target.as_dict()))
            elif isinstance(target, Mapping):
                out.append(dict(target))
        return out
    except Exception:  # a bug in extraction must not lose the whole import
        logger.exception("target extraction failed on %r", text[:80])
        return []
