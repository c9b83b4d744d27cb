"""Task-division tables that arrive as flat text (PDF gazettes, pasted text).

After text extraction such a table is a stream of lines::

    序号 工暋作暋任暋务 负责单位
    3 建立残疾儿童康复救助制度
    省残联、省民政厅、省财政厅、省
    卫生计生委、省教育厅

A row starts with its number (alone on a line, or followed by a blank and text);
the header is repeated at the top of each page; the units column comes out after
the text lines, or after a blank on the last text line, and unit names break
across lines anywhere (``省\\n卫生计生委``).

Rows are found by their numbers counting up. Within a row, the units are the span
(starting at a line start or after a blank, running over whole lines) that reads
as a list of organisation names; where several spans do, the one whose first name
is *known* — seen whole between two 、 elsewhere in the table — wins, which keeps
the last words of the text (``范围``) out of the first unit name.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from .drafts import SectionDraft, TaskDraft
from .markers import match_marker
from .normalize import compact
from .tables import is_header_text
from .units import assign_roles, bracket_split, clean_unit, looks_like_unit, split_units

__all__ = ["TextTables", "find_text_tables"]

_ROW_ALONE_RE = re.compile(r"^\s*(\d{1,3})\s*[.、．]?\s*$")
_ROW_WITH_TEXT_RE = re.compile(r"^\s*(\d{1,3})(?:[.、．](?!\d)\s*|\s+)(\S.*)$")
_END_RE = re.compile(r"^(?:注|备注|说明)\s*[:：\d]|^附件\s*\d*\s*[:：]?$|^附表")
_DEADLINE_TOKEN_RE = re.compile(r"(?:\d{4}年|\d{1,2}月|年底|年内|年末|季度|半年|长期|持续|常年|前$)")
_TOKEN_RE = re.compile(r"\S+")
_MAX_ROW_LINES, _MAX_TOKENS, _MAX_UNIT_LINES = 20, 8, 8
# characters no list of unit names contains: a span holding one cannot be the units
_NEVER_IN_UNITS_RE = re.compile(r"[。：:“”\"《》！？!?]")


@dataclass
class _Row:
    ref: str
    lines: list[str] = field(default_factory=list)
    section: str = ""


@dataclass
class TextTables:
    """What the text tables of a document hold, and which lines they used."""

    tasks: list[TaskDraft] = field(default_factory=list)
    sections: list[SectionDraft] = field(default_factory=list)
    used: set[int] = field(default_factory=set)


def _row_start(line: str) -> tuple[int, str] | None:
    m = _ROW_ALONE_RE.match(line)
    if m:
        return int(m.group(1)), ""
    m = _ROW_WITH_TEXT_RE.match(line)
    if m:
        return int(m.group(1)), m.group(2)
    return None


def _ends_with_unit(row: _Row) -> bool:
    """Cheap test whether a row already has its units (its last line ends with a name)."""
    if not row.lines:
        return False
    names = split_units(compact(row.lines[-1]).replace(" ", ""))
    return bool(names) and looks_like_unit(names[-1])


def _next_row_number(lines: list[str], start: int) -> int | None:
    for line in lines[start:start + 4]:
        if line.strip():
            found = _row_start(line)
            return found[0] if found else None
    return None


def _collect_rows(lines: list[str], header: int, result: TextTables) -> list[_Row]:
    """Lines after a header -> rows; marks the lines it used."""
    rows: list[_Row] = []
    expected: int | None = None
    section = ""
    j = header + 1
    while j < len(lines):
        line = lines[j]
        text = compact(line)
        if not text or is_header_text(line):
            j += 1
            continue
        if _END_RE.match(text):
            break
        found = _row_start(line)
        if found and (expected is None or found[0] == expected or (found[0] == 1 and not rows)):
            number, rest = found
            if not (rest and rows and not _ends_with_unit(rows[-1])):
                rows.append(_Row(str(number), [rest] if rest.strip() else [], section))
                expected = number + 1
                j += 1
                continue
        marker = match_marker(text)
        if marker and marker.kind in ("chapter", "cn"):
            if expected is not None and _next_row_number(lines, j + 1) == expected:
                section = marker.ref
                result.sections.append(SectionDraft(marker.ref, text[marker.end:]))
                j += 1
                continue
            break
        if rows:
            rows[-1].lines.append(line)
        j += 1
    result.used.update(range(header, j))
    return rows


def _vocabulary(rows: list[_Row]) -> set[str]:
    """Unit names printed whole between two separators somewhere in the table."""
    vocab: set[str] = set()
    for row in rows:
        for line in row.lines:
            items = [clean_unit(p) for p in bracket_split(compact(line).replace(" ", ""), "、，,；;")]
            for item in items[1:-1]:
                if looks_like_unit(item):
                    vocab.add(item)
    return vocab


@functools.lru_cache(maxsize=4096)
def _as_units(text: str) -> tuple[str, ...] | None:
    """The span as unit names, or None. A blank inside a line separates two columns or
    two names only if every piece is then a name; else it is letter spacing."""
    for names in (split_units(text, split_on_space=True), split_units(text.replace(" ", ""))):
        if names and all(looks_like_unit(n) for n in names):
            return tuple(names)
    return None


def _glued(name: str, vocab: set[str]) -> bool:
    """True when a candidate first name is text glued to a known name ('范围省民政厅')."""
    return any(len(known) >= 3 and len(name) > len(known) and name.endswith(known) for known in vocab)


def _split_row(row: _Row, vocab: set[str], two_columns: bool, deadline_column: bool) -> TaskDraft:
    lines = [line for line in row.lines if line.strip()]
    deadline = ""
    if deadline_column and lines:
        tokens = lines[-1].split()
        if len(tokens) > 1 and _DEADLINE_TOKEN_RE.search(tokens[-1]) and not looks_like_unit(tokens[-1]):
            deadline = tokens[-1]
            lines[-1] = lines[-1][: lines[-1].rstrip().rfind(tokens[-1])]
    starts = {name[0] for name in vocab}
    best = None
    # bounds keep a runaway "row" (a header followed by prose) linear in its length
    for i in range(max(0, len(lines) - _MAX_ROW_LINES), len(lines)):
        line = lines[i]
        for k, token in enumerate(_TOKEN_RE.finditer(line)):
            if k >= _MAX_TOKENS:
                break
            if _NEVER_IN_UNITS_RE.search(line, token.start()):
                continue
            for end in range(i, min(len(lines), i + _MAX_UNIT_LINES)):
                if end > i and _NEVER_IN_UNITS_RE.search(lines[end]):
                    break
                span = line[token.start():] + "".join(lines[i + 1:end + 1])
                names = _as_units(span)
                if not names:
                    continue
                score = (not _glued(names[0], vocab), names[0][0] in starts, end == len(lines) - 1, -i, -k)
                if best is None or score > best[0]:
                    best = (score, i, token.start(), end, names)
    if best is None:
        return TaskDraft(row.ref, row.section, compact(" ".join(lines)), deadline_text=deadline)
    _, i, offset, end, names = best
    text_parts = lines[:i] + [lines[i][:offset]] + lines[end + 1:]
    text = "".join(compact(p) for p in text_parts)
    first_line_tokens = lines[i][offset:].split()
    if two_columns and len(first_line_tokens) > 1:
        lead = split_units(first_line_tokens[0])
        part = split_units("".join(first_line_tokens[1:]) + "".join(lines[i + 1:end + 1]))
    else:
        lead, part = assign_roles([], [], list(names))
    return TaskDraft(row.ref, row.section, text, lead, part, deadline)


def find_text_tables(lines: list[str]) -> TextTables:
    """All division tables in the lines (normalised, one per physical line)."""
    result = TextTables()
    j = 0
    while j < len(lines):
        if j in result.used or not is_header_text(lines[j]):
            j += 1
            continue
        header = compact(lines[j]).replace(" ", "")
        two_columns = "牵头" in header and bool(re.search("参加|参与|配合|协办|协助", header))
        deadline_column = bool(re.search("时限|时间|进度|期限", header))
        rows = _collect_rows(lines, j, result)
        vocab = _vocabulary(rows)
        # second pass: the names the first pass read are better evidence than 、-fragments
        first = [_split_row(row, vocab, two_columns, deadline_column) for row in rows]
        vocab |= {u for task in first for u in task.lead_units + task.participating_units}
        result.tasks.extend(_split_row(row, vocab, two_columns, deadline_column) for row in rows)
        j = max(result.used) + 1
    return result
