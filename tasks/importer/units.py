"""Who does a task: find and split the lead / participating units of a task.

Plans name units in a handful of ways, all handled here:

* a labelled clause, usually in brackets at the end of the task:
  ``（牵头单位：省民政厅；参加单位：省财政厅、省残联）``, ``（责任单位：…）``,
  ``牵头部门：…；配合部门：…`` (also without brackets, or on its own line);
* role verbs: ``（省残联牵头，省民政厅、省财政厅配合）``;
* a table column (``负责单位``, ``牵头单位``/``参加单位`` …), split by the table code.

Rules from SCHEMA.md: names exactly as printed, in printed order, a trailing 等
dropped; where a document only says who is *responsible* (负责单位/责任单位), the
first named unit leads and the rest participate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "UnitClause",
    "assign_roles",
    "bracket_split",
    "find_unit_clause",
    "looks_like_unit",
    "parse_labelled",
    "split_cell_units",
    "split_units",
]

_OPEN, _CLOSE = "（(〔[【", "）)〕]】"

_LEAD_LABELS = ("牵头单位", "牵头部门", "主责单位", "主责部门", "主办单位", "牵头")
_PART_LABELS = ("参加单位", "参加部门", "参与单位", "参与部门", "配合单位", "配合部门", "协办单位",
                "协办部门", "协助单位", "协同单位", "协作单位", "配合", "参加", "参与", "协办")
_RESP_LABELS = ("责任单位", "责任部门", "负责单位", "负责部门", "承办单位", "实施单位", "责任主体", "责任",
                "负责")
_ALL_LABELS = sorted(_LEAD_LABELS + _PART_LABELS + _RESP_LABELS, key=len, reverse=True)
_LABEL_RE = re.compile("(" + "|".join(_ALL_LABELS) + r")\s*[:：]\s*")

# "省残联牵头，省民政厅、省财政厅配合"
_ROLE_VERB_RE = re.compile(r"(.+?)(?:按照?职责(?:分工)?|分别|共同)?(牵头|负责|配合|参与|参加|协助|协同|协办)(?:[，,；;。]\s*|$)")
_VERB_ROLE = {"牵头": "lead", "负责": "resp", "配合": "part", "参与": "part", "参加": "part",
              "协助": "part", "协同": "part", "协办": "part"}

_SEPARATORS = "、，,；;／/\n"
_TRAILING_ETC_RE = re.compile(r"(?:等|等等)(?:有关|相关)?(?:单位|部门|成员单位)?$")
_LEADING_JUNK_RE = re.compile(r"^(?:和|及|与|以及)")
_EDGE_PUNCT = " 　\t。.:：,，;；、"

# what the name of an organisation ends with
_UNIT_SUFFIX_RE = re.compile(
    r"(?:厅|局|委|办|会|联|部|府|院|处|室|署|行|司|中心|台|社|协|校|所|馆|团|队|军区|单位|机构|集团|公司|"
    r"门|站|组|科|股|总队|支队|大学|学院|办公室|小组|分会|[市县区州旗])$"
)
_REGION_PAREN_RE = re.compile(r"[市县区州乡镇街].*[）)]$")
_NOT_IN_UNIT = set("。，,；;：:！？!?“”\"《》")


def bracket_split(text: str, separators: str) -> list[str]:
    """Split on separators that are not inside brackets (县（市、区） stays whole)."""
    parts, depth, current = [], 0, []
    for char in text:
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE and depth:
            depth -= 1
        if char in separators and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def clean_unit(name: str) -> str:
    """Strip blanks, edge punctuation and a trailing 等; '' if nothing is left."""
    name = "".join(name.split()).strip(_EDGE_PUNCT)
    name = _LEADING_JUNK_RE.sub("", name)
    name = _TRAILING_ETC_RE.sub("", name).strip(_EDGE_PUNCT)
    return name


def split_units(text: str, *, split_on_space: bool = False) -> list[str]:
    """A printed list of units -> names in order (duplicates and empties dropped)."""
    separators = _SEPARATORS + (" \u3000\t" if split_on_space else "")
    names: list[str] = []
    for part in bracket_split(text, separators):
        name = clean_unit(part)
        if name and name not in names:
            names.append(name)
    return names


def split_cell_units(cell: str) -> list[str]:
    """Units of a table cell, where a line break or blank may separate names (Word: one
    unit per paragraph) or merely wrap a long name (PDF: 省卫生计\n生委).

    Breaks count as separators only if every piece they make is a plausible name.
    """
    for names in (split_units(cell, split_on_space=True), split_units(cell)):
        if names and all(looks_like_unit(n) for n in names):
            return names
    return split_units("".join(cell.split()))


def looks_like_unit(name: str) -> bool:
    """Plausible organisation name: short, no sentence punctuation, an organisation ending."""
    if not 2 <= len(name) <= 30 or any(c in _NOT_IN_UNIT for c in name):
        return False
    if any(c.isdigit() for c in name):
        return False
    return bool(_UNIT_SUFFIX_RE.search(name) or _REGION_PAREN_RE.search(name))


def assign_roles(lead: list[str], part: list[str], resp: list[str]) -> tuple[list[str], list[str]]:
    """Combine labelled lists; 'responsible' units follow the first-leads rule only
    when nobody is labelled lead, otherwise they participate."""
    lead, part = list(lead), list(part)
    if resp:
        if lead:
            part = resp + [u for u in part if u not in resp]
        else:
            lead = resp[:1]
            part = resp[1:] + [u for u in part if u not in resp[1:]]
    part = [u for u in part if u not in lead]
    return lead, part


def _role_of_label(label: str) -> str:
    if label in _LEAD_LABELS:
        return "lead"
    if label in _PART_LABELS:
        return "part"
    return "resp"


def parse_labelled(text: str) -> tuple[list[str], list[str]] | None:
    """'牵头单位：A；参加单位：B、C' -> (['A'], ['B', 'C']); None if text is not that."""
    matches = list(_LABEL_RE.finditer(text))
    if not matches or text[: matches[0].start()].strip(_EDGE_PUNCT):
        return None
    lists = {"lead": [], "part": [], "resp": []}
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        lists[_role_of_label(m.group(1))].extend(split_units(text[m.end():end]))
    if not any(lists.values()):
        return None
    return assign_roles(lists["lead"], lists["part"], lists["resp"])


def _parse_role_verbs(text: str) -> tuple[list[str], list[str]] | None:
    """'省残联牵头，省民政厅、省财政厅配合' -> (['省残联'], ['省民政厅', '省财政厅'])."""
    pos, lists = 0, {"lead": [], "part": [], "resp": []}
    text = text.strip(_EDGE_PUNCT)
    while pos < len(text):
        m = _ROLE_VERB_RE.match(text, pos)
        if not m:
            return None
        names = split_units(m.group(1))
        if not names or not all(looks_like_unit(n) for n in names):
            return None
        lists[_VERB_ROLE[m.group(2)]].extend(names)
        pos = m.end()
    if not any(lists.values()):
        return None
    return assign_roles(lists["lead"], lists["part"], lists["resp"])


@dataclass(frozen=True)
class UnitClause:
    """Units found in a task's text; ``start:end`` is the span to cut from the text."""

    start: int
    end: int
    lead: list[str]
    participating: list[str]


_ROUND_BRACKET_RE = re.compile(r"[（()）]")


def _bracket_pairs(text: str) -> list[tuple[int, int]]:
    """(open, close) index pairs of round brackets, in one pass (nesting respected); the regex
    visits only the brackets, not every character (a 10 MB plan in milliseconds)."""
    pairs, stack = [], []
    for m in _ROUND_BRACKET_RE.finditer(text):
        if m.group() in "（(":
            stack.append(m.start())
        elif stack:
            pairs.append((stack.pop(), m.start()))
    return sorted(pairs)


_LABEL_AT_START_RE = re.compile(r"\s*(?:" + "|".join(_ALL_LABELS) + r")\s*[:：]")


def _bracketed_clauses(text: str):
    for start, close in _bracket_pairs(text):
        inner = text[start + 1:close]
        parsed = parse_labelled(inner) if _LABEL_AT_START_RE.match(inner) else None
        if parsed is None and not text[close + 1:].strip(_EDGE_PUNCT):
            # role verbs are only trusted at the very end: "（含协会参与）" mid-text is prose
            parsed = _parse_role_verbs(inner)
        if parsed:
            yield UnitClause(start, close + 1, parsed[0], parsed[1])


_BARE_LABEL_START_RE = re.compile(r"(?:^|(?<=[。；;！？\s]))(?=(?:" + "|".join(_ALL_LABELS) + r")\s*[:：])")


def _bare_clause(text: str) -> UnitClause | None:
    """A label clause without brackets that runs to the end of the text."""
    for m in list(_BARE_LABEL_START_RE.finditer(text))[-4:]:
        tail = text[m.start():].rstrip("。 ")
        parsed = parse_labelled(tail)
        if parsed and all(looks_like_unit(u) or "单位" in u for u in parsed[0] + parsed[1]):
            return UnitClause(m.start(), len(text), parsed[0], parsed[1])
    return None


def find_unit_clause(text: str) -> UnitClause | None:
    """The last units clause in a task's text, bracketed or bare; None if there is none."""
    clauses = list(_bracketed_clauses(text))
    if clauses:
        return clauses[-1]
    return _bare_clause(text)
