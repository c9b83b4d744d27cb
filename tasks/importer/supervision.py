"""Tasks that arrive outside plans: 会议纪要 (议定事项) and a leader's 批示 -> a 督办 list.

A meeting's minutes record what was decided, each decision with who leads, who helps
and by when::

    （一）会议议定：加快推进残疾人托养服务体系建设，由省民政厅牵头，省残联、省财政厅配合，6月底前完成。

Every such item (a numbered item or a sentence opened by 会议议定/决定/同意/要求/明确) that
names a lead or responsible unit becomes a task; its units clause is cut from the text,
the deadline stays in it (the parser reads it from there like any other).

A 批示 is one instruction: its text, the leader who wrote it, the date, and the units it
names (``请省民政厅会同省财政厅、省残联…``: the first named leads, the others take part).
It becomes a list of one task; the leader is the issuer, the date the issue date.

No Django here. Both return ``(plan fields, tasks, sections)`` or None when the
document is not of their kind, so the ordinary plan parser runs instead.
"""

from __future__ import annotations

import re

from .dates import parse_cn_date
from .drafts import SectionDraft, TaskDraft
from .markers import match_marker
from .normalize import compact
from .units import looks_like_unit, split_units

__all__ = ["looks_like_instruction", "looks_like_minutes", "parse_instruction", "parse_minutes"]

_MINUTES_RE = re.compile(r"纪要|议定事项|会议议定")
_DECISION_RE = re.compile(r"^(?:会议)?(?:议定|决定|同意|要求|明确|商定|研究确定|强调|指出)(?:事项)?[:：，,]\s*")
_UNITS = r"[\u4e00-\u9fff（）()、和及与]{2,80}?"
# 由省民政厅牵头 ; 省民政厅牵头 ; 省残联、省财政厅配合 ; 由省教育厅负责
_ROLE_RE = re.compile(rf"(?:(?<=[，,；;：:。])|^)\s*(由)?({_UNITS})(牵头|负责|主责|配合|参与|参加|协助|协同|协办)(?=[，,；;。]|$)")
# the item's own deadline closes it: "…，6月底前完成。" (a 年内 inside the item is part of the task)
_DEADLINE_CLAUSE_RE = re.compile(r"[，,；;]([^，,；;。]*(?:前|以前|之前|底|内)[^，,；;。]{0,8})。?$")
_ROLE_OF = {"牵头": "lead", "负责": "lead", "主责": "lead", "配合": "part", "参与": "part", "参加": "part",
            "协助": "part", "协同": "part", "协办": "part"}

_INSTRUCTION_HEAD_RE = re.compile(r"批示")
_LEADER_LABEL_RE = re.compile(r"^(?:批示领导|批示人|领导)[:：]\s*(.+)$")
_DATE_LABEL_RE = re.compile(r"^(?:批示时间|批示日期|时间|日期)[:：]\s*(.+)$")
_LEADER_TITLE_RE = re.compile(
    r"^([\u4e00-\u9fff]{1,6}(?:同志|省长|副省长|市长|副市长|县长|副县长|书记|副书记|主任|副主任|厅长|理事长|主席))"
    r"(?:在.{0,40}上)?(?:的)?(?:批示|作出批示|批示如下)?[:：]?$"
)
# 请省民政厅会同省财政厅、省残联认真研究… ; 请省残联牵头… ; 省残联阅处
_ASK_RE = re.compile(rf"请({_UNITS})(?:会同|商|牵头|负责|认真|抓紧|尽快|加快|研究|结合|阅|按照|进一步|切实|督促)")
_WITH_RE = re.compile(rf"会同({_UNITS})(?:认真|抓紧|尽快|加快|研究|结合|共同|按照|进一步|切实|，|,)")


def _nonblank(lines: list[str]) -> list[str]:
    return [c for c in (compact(line) for line in lines) if c]


def looks_like_minutes(lines: list[str]) -> bool:
    head = "".join(_nonblank(lines)[:8])
    body = "".join(_nonblank(lines))
    return "纪要" in head and bool(_MINUTES_RE.search(body)) or "会议议定" in body


def looks_like_instruction(lines: list[str]) -> bool:
    nonblank = _nonblank(lines)
    head = "".join(nonblank[:4])
    return bool(_INSTRUCTION_HEAD_RE.search(head)) and len("".join(nonblank)) < 3000


def _units_of(text: str) -> tuple[list[str], list[str], str]:
    """(lead, participating, text without the units clauses) of one decided item."""
    lead: list[str] = []
    part: list[str] = []
    spans = []
    for m in _ROLE_RE.finditer(text):
        names = [n for n in split_units(m.group(2)) if looks_like_unit(n)]
        if not names:
            continue
        (lead if _ROLE_OF[m.group(3)] == "lead" else part).extend(n for n in names if n not in lead + part)
        spans.append((m.start(), m.end()))
    for start, end in reversed(spans):
        text = text[:start] + text[end:]
    text = re.sub(r"[，,；;]{2,}", "，", text)
    text = re.sub(r"[，,；;]+(?=。|$)", "", text).strip("，,；; ")
    return lead, [u for u in part if u not in lead], text


def _items(lines: list[str]):
    """(section marker, section title, item marker, item text) of every numbered item or decision sentence."""
    section = section_title = ""
    for line in _nonblank(lines):
        marker = match_marker(line)
        rest = line[marker.end:] if marker else line
        if marker and marker.kind in ("cn", "chapter"):
            section, section_title = marker.ref, rest.rstrip("：:。")
            if not _ROLE_RE.search(rest):
                continue
            yield "", "", marker.ref, rest
            continue
        # several decisions may share a line: split before each 会议议定/要求…
        parts = re.split(r"(?<=[。；;])(?=会议(?:议定|决定|同意|要求|明确|商定))", rest)
        for i, part in enumerate(parts):
            yield section, section_title, (marker.ref if marker and i == 0 else ""), part


def parse_minutes(lines: list[str]) -> tuple[list[TaskDraft], list[SectionDraft]]:
    tasks: list[TaskDraft] = []
    sections: list[SectionDraft] = []
    seen_refs: set[tuple[str, str]] = set()
    for section, section_title, ref, text in _items(lines):
        body = _DECISION_RE.sub("", text)
        lead, part, body = _units_of(body)
        if not lead:
            continue
        ref = ref or str(len(tasks) + 1)
        while (section, ref) in seen_refs:
            ref = f"{ref}'"
        seen_refs.add((section, ref))
        if section and all(s.path != section for s in sections):
            sections.append(SectionDraft(section, section_title))
        deadline = _DEADLINE_CLAUSE_RE.search(body)
        tasks.append(TaskDraft(ref=ref, section=section, text=body, lead_units=lead, participating_units=part,
                               deadline_text=deadline.group(1) if deadline else ""))
    return tasks, sections


def parse_instruction(lines: list[str]) -> tuple[dict, list[TaskDraft]] | None:
    """(plan fields, [the one task]) of a 批示, or None if no instruction with units is found."""
    nonblank = _nonblank(lines)
    leader = issued_on = None
    title = None
    body: list[str] = []
    for line in nonblank:
        label = _LEADER_LABEL_RE.match(line)
        when = _DATE_LABEL_RE.match(line)
        if label:
            leader = label.group(1).strip()
        elif when and parse_cn_date(when.group(1)):
            issued_on = parse_cn_date(when.group(1))
        elif parse_cn_date(line) and len(line) <= 16:
            issued_on = issued_on or parse_cn_date(line)
        elif _LEADER_TITLE_RE.match(line) and not body:
            leader = leader or _LEADER_TITLE_RE.match(line).group(1)
        elif "批示" in line and len(line) <= 40 and not body:
            if line not in ("领导批示", "批示"):
                title = line
        elif len(line) <= 10 and not any(c in line for c in "。，；") and body:
            leader = leader or line  # a signature under the text
        else:
            body.append(line)
    text = "".join(body)
    ask = _ASK_RE.search(text)
    if not text or not ask:
        return None
    names = [n for n in split_units(ask.group(1)) if looks_like_unit(n)]
    with_ = _WITH_RE.search(text)
    if with_:
        names += [n for n in split_units(with_.group(1)) if looks_like_unit(n) and n not in names]
    if not names:
        return None
    year = int(issued_on[:4]) if issued_on else None
    plan = {
        "title": title or (f"{leader}批示督办事项" if leader else "领导批示督办事项"),
        "issuer": leader,
        "doc_number": None,
        "issued_on": issued_on,
        "period_start": year,
        "period_end": year,
    }
    task = TaskDraft(ref="1", section="", text=text, lead_units=names[:1], participating_units=names[1:])
    return plan, [task]
