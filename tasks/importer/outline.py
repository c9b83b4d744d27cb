"""Numbered plans: find the outline (一、 / （一） / 1. / （1）) and decide which
level holds the tasks.

Which level is "the task" differs between documents of the same committee:
a key-task list numbers tasks 1. … 21. under 一、 headings, work points make each
（一） a task, a five-year plan numbers 1. under （一） under 三、主要任务. The level
is chosen from the document itself:

1. if tasks carry units clauses (牵头单位：…), the level whose items carry them;
2. otherwise, going down from the top, a level is the task level while every
   (well, at least half of the) items of the level above have children of it.

Only the part of the document that holds tasks is searched: the subtree of a
heading such as 主要任务/重点任务 when there is one, else everything except framing
sections (指导思想, 基本原则, 保障措施 …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .drafts import SectionDraft, TaskDraft
from .markers import KIND_RANK, Marker, match_marker
from .units import find_unit_clause

__all__ = ["parse_outline"]

# Whole heading titles only ("重点工作督办" is a task section, not the main-tasks part).
_MAIN_TASKS = r"(?:主要任务|重点任务|重点工作|主要工作|工作任务|主要措施|任务措施|主要举措|具体任务|工作重点|重点工作安排|重点工作任务)"
_MAIN_TASKS_RE = re.compile(rf"^{_MAIN_TASKS}(?:[和与及、](?:措施|举措|保障措施|工作措施))?$")
_FRAMING = (
    r"(?:指导思想|基本原则|总体要求|总体目标|主要目标|发展目标|工作目标|目标任务|发展基础|发展环境|基本情况|现状|"
    r"面临形势|面临的形势|形势分析|发展形势|保障措施|组织实施|组织保障|实施保障|规划实施|工作要求|编制依据|规划背景)"
)
_FRAMING_RE = re.compile(rf"^{_FRAMING}(?:[和与及、]{_FRAMING})*$")
_TERMINAL = "。！？；!?;）)"


@dataclass
class _Node:
    marker: Marker
    body: str  # paragraph text after the marker
    raw: str  # the whole paragraph
    index: int
    parent: _Node | None
    children: list[_Node] = field(default_factory=list)
    after: list[str] = field(default_factory=list)  # unmarked paragraphs that follow

    @property
    def title(self) -> str:
        """A heading's title: its first sentence if a body text follows on the same line."""
        body = self.body.strip()
        first, sep, rest = body.partition("。")
        if sep and rest and len(first) <= 40:
            return first
        return body.rstrip("。：:；;，,")

    def ancestors(self) -> list[_Node]:
        chain, node = [], self.parent
        while node is not None:
            chain.insert(0, node)
            node = node.parent
        return chain

    def descendants(self):
        for child in self.children:
            yield child
            yield from child.descendants()


def _build_tree(paragraphs: list[str]) -> list[_Node]:
    nodes: list[_Node] = []
    stack: list[_Node] = []
    for index, paragraph in enumerate(paragraphs):
        marker = match_marker(paragraph)
        if marker is None:
            if stack:
                stack[-1].after.append(paragraph)
            continue
        while stack and stack[-1].marker.rank >= marker.rank:
            stack.pop()
        parent = stack[-1] if stack else None
        node = _Node(marker, paragraph[marker.end:].strip(), paragraph, index, parent)
        if parent:
            parent.children.append(node)
        nodes.append(node)
        stack.append(node)
    return nodes


def _title_matches(node: _Node, regex: re.Pattern) -> bool:
    return bool(regex.match(node.title.strip("。：:；;，, ")))


def _scope(nodes: list[_Node]) -> list[_Node]:
    """Nodes that may be tasks: below a 主要任务 heading if any, else outside framing sections."""
    roots = [n for n in nodes if n.children and _title_matches(n, _MAIN_TASKS_RE)]
    if roots:
        inside: list[_Node] = []
        for root in roots:
            inside.extend(d for d in root.descendants() if d not in inside)
        return sorted(inside, key=lambda n: n.index)
    framing = {id(n) for n in nodes if _title_matches(n, _FRAMING_RE)}
    return [n for n in nodes if id(n) not in framing and not any(id(a) in framing for a in n.ancestors())]


def _carries_units(node: _Node) -> bool:
    return find_unit_clause(node.body) is not None or any(
        _is_units_only(p) for p in node.after[:1]
    )


def _is_units_only(paragraph: str) -> bool:
    clause = find_unit_clause(paragraph)
    return clause is not None and not paragraph[: clause.start].strip() and not paragraph[clause.end:].strip("。 ")


def _task_kind(scope: list[_Node]) -> str | None:
    if not scope:
        return None
    with_units: dict[str, int] = {}
    for node in scope:
        if _carries_units(node):
            with_units[node.marker.kind] = with_units.get(node.marker.kind, 0) + 1
    if with_units:
        return max(with_units, key=lambda k: (with_units[k], _rank(k)))
    kinds = sorted({n.marker.kind for n in scope}, key=_rank)
    chosen = kinds[0]
    for kind in kinds[1:]:
        parents = [n for n in scope if n.marker.kind == chosen]
        covered = sum(any(d.marker.kind == kind for d in p.descendants()) for p in parents)
        count = sum(n.marker.kind == kind for n in scope)
        if covered >= 0.5 * len(parents) and (count >= 2 or covered == len(parents)):
            chosen = kind
        else:
            break
    return chosen


def _rank(kind: str) -> int:
    return KIND_RANK[kind]


def _heading_like(text: str) -> bool:
    return len(text) <= 30 and not any(c in text for c in "。；;")


def _task_text(node: _Node, wrapped: bool) -> str:
    """The task's paragraph, its sub-items, and the paragraphs that still belong to it."""
    parts = [node.body]
    has_units = find_unit_clause(node.body) is not None
    following, has_units = _following(node, node.body, has_units, wrapped)
    parts.extend(following)
    for child in node.descendants():
        parts.append(child.raw)
        has_units = has_units or find_unit_clause(child.raw) is not None
        following, has_units = _following(child, child.raw, has_units, wrapped)
        parts.extend(following)
    return "".join(parts)


def _following(node: _Node, last: str, has_units: bool, wrapped: bool) -> tuple[list[str], bool]:
    """Unmarked paragraphs after an item that are part of it: its units line, the body
    of a heading-like item, or (PDF) the rest of a paragraph cut at a page break."""
    out = []
    for paragraph in node.after:
        if _is_units_only(paragraph):
            out.append(paragraph)
            has_units = True
        elif has_units:
            break
        elif _heading_like(node.body) or (wrapped and last and last[-1] not in _TERMINAL):
            out.append(paragraph)
            has_units = find_unit_clause(paragraph) is not None
        else:
            break
        last = paragraph
    return out, has_units


def parse_outline(paragraphs: list[str], wrapped: bool = False) -> tuple[list[TaskDraft], list[SectionDraft]]:
    """Paragraphs (one string each) -> task drafts and the sections above them."""
    nodes = _build_tree(paragraphs)
    scope = _scope(nodes)
    kind = _task_kind(scope)
    if kind is None:
        return [], []
    task_rank = _rank(kind)
    tasks: list[TaskDraft] = []
    headings: dict[int, _Node] = {}
    for node in scope:
        if node.marker.kind != kind:
            continue
        ancestors = [a for a in node.ancestors() if a.marker.rank < task_rank]
        for a in ancestors:
            headings[a.index] = a
        text = _task_text(node, wrapped)
        clause = find_unit_clause(text)
        lead, part = ([], [])
        if clause:
            lead, part = clause.lead, clause.participating
            text = text[: clause.start] + text[clause.end:]
        tasks.append(TaskDraft(
            ref=node.marker.ref,
            section="/".join(a.marker.ref for a in ancestors),
            text=text.strip(),
            lead_units=lead,
            participating_units=part,
        ))
    sections = []
    for index in sorted(headings):
        node = headings[index]
        path = "/".join(a.marker.ref for a in node.ancestors() if a.marker.rank < task_rank)
        sections.append(SectionDraft(f"{path}/{node.marker.ref}" if path else node.marker.ref, node.title))
    return tasks, sections
