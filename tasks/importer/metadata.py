"""Plan-level fields: title, issuer, document number, issue date, period.

They come from the head and the signature of the document, never from the tasks:
a document number quoted inside a task (《实施意见》（吉残联发〔2014〕47号）) is a
reference, not this document's number, and a fragment of a gazette that starts in
the middle of a text has no title at all (null is the right answer there).
"""

from __future__ import annotations

import re
from collections import Counter

from .dates import all_five_year_plans, five_year_plan_period, parse_cn_date
from .markers import match_marker
from .normalize import compact

__all__ = ["extract_metadata", "plan_year"]

_DOCNUM_RE = re.compile(r"^([\u4e00-\u9fff]{2,16})[〔\[［【（(](\d{4})[〕\]］】）)](\d{1,4})号")
_NOTICE_TITLE_RE = re.compile(r"印发(?:《(.+?)》|(.+?))的(?:通知|函)")
_PLAN_WORD_RE = re.compile(r"(要点|任务|规划|计划|方案|纲要|安排|意见|分工|清单|目标|台账|措施|举措|纪要|批示|督办)")
_FILE_HEADER_RE = re.compile(r"^(.{2,30}?)文件$")
_HEADER_NOISE_RE = re.compile(
    r"^(?:签发人|密级|紧急程度|特急|加急|平急|急件|机密|秘密|绝密|公开方式|主动公开|依申请公开|不予公开"
    r"|附件\s*\d*[:：]?$|[（(].*[）)]$)"
)
_ORG_RE = re.compile(
    r"(?:委员会|人民政府|政府|残联|联合会|办公室|办公厅|厅|局|委|办|部|院|会|中心|小组)$"
)
_RANGE_RE = re.compile(r"((?:19|20)\d{2})\s*[-—–~～至到－]+\s*((?:19|20)\d{2})")
_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")
_BODY_PUNCT = set("。，,；;！？")


def _nonblank(lines: list[str]) -> list[str]:
    return [c for c in (compact(line) for line in lines) if c]


def _doc_number(lines: list[str]) -> str | None:
    """A line of the head that starts with 'X发〔YYYY〕N号'; brackets normalised to 〔〕."""
    for line in lines[:25]:
        m = _DOCNUM_RE.match(line)
        if m:
            return f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号"
    return None


def _is_header_noise(line: str) -> bool:
    return bool(
        _HEADER_NOISE_RE.match(line)
        or _FILE_HEADER_RE.match(line)
        or _DOCNUM_RE.match(line)
        or parse_cn_date(line)
    )


def _is_body(line: str) -> bool:
    """A line of running text or a numbered item: the head of the document is over."""
    return (
        len(line) > 50
        or any(c in _BODY_PUNCT for c in line)
        or line.endswith(("：", ":"))
        or match_marker(line) is not None
    )


def _title(lines_with_blanks: list[str]) -> str | None:
    """'关于印发《X》的通知' -> X; else up to three short lines at the very top that name a
    plan. A blank line ends them (a PDF reader marks paragraph ends that way)."""
    lines = [line for line in lines_with_blanks if line]
    head = "".join(lines[:6])[:300]
    m = _NOTICE_TITLE_RE.search(head)
    if m:
        return (m.group(1) or m.group(2)).strip()
    group: list[str] = []
    for line in lines_with_blanks[:24]:
        if not line:
            if group:
                break
            continue
        if not group and _is_header_noise(line):
            continue
        if _is_body(line) or _is_header_noise(line) or len(group) == 3:
            break
        group.append(line)
    title = "".join(group)
    half = len(title) // 2
    if half and len(title) % 2 == 0 and title[:half] == title[half:]:
        title = title[:half]  # a web page repeats the document's title above the document
    title = re.sub(r"^关于印发", "", title)
    title = re.sub(r"的通知$", "", title)
    if title and _PLAN_WORD_RE.search(title):
        return title
    return None


def _is_org_line(line: str) -> bool:
    return (
        len(line) <= 40
        and not any(c.isdigit() for c in line)
        and not any(c in _BODY_PUNCT or c in "：:《》“”" for c in line)
        and bool(_ORG_RE.search(line))
    )


def _signature(lines: list[str]) -> tuple[str | None, str | None]:
    """(issuer, issued_on) from 'ORG' directly above a date line; else the head's date."""
    for i, line in enumerate(lines):
        issued = parse_cn_date(line)
        if not issued:
            continue
        orgs = []
        j = i - 1
        while j >= 0 and len(orgs) < 3 and _is_org_line(lines[j]):
            orgs.insert(0, lines[j])
            j -= 1
        if orgs:
            return "、".join(orgs), issued
    for line in lines[:12]:
        issued = parse_cn_date(line)
        if issued:
            return _file_header_issuer(lines), issued
    return _file_header_issuer(lines), None


def _file_header_issuer(lines: list[str]) -> str | None:
    for line in lines[:5]:
        m = _FILE_HEADER_RE.match(line)
        if m and _is_org_line(m.group(1)):
            return m.group(1)
    return None


def _period(title: str | None, lines: list[str], doc_number: str | None,
            issued_on: str | None) -> tuple[int | None, int | None]:
    """Years the plan covers: from the title, else the five-year plan the text is about,
    else the year of the document number or issue date (a yearly plan)."""
    if title:
        m = _RANGE_RE.search(title)
        if m and int(m.group(1)) <= int(m.group(2)):
            return int(m.group(1)), int(m.group(2))
        m = _YEAR_RE.search(title)
        if m:
            return int(m.group(1)), int(m.group(1))
        fyp = five_year_plan_period(title)
        if fyp:
            return fyp
    mentions = all_five_year_plans("".join(lines))
    if mentions:
        return Counter(mentions).most_common(1)[0][0]
    for source in (doc_number, issued_on):
        m = re.search(r"((?:19|20)\d{2})", source or "")
        if m:
            return int(m.group(1)), int(m.group(1))
    return None, None


def extract_metadata(lines: list[str]) -> dict:
    """The SCHEMA.md ``plan`` object from the document's text lines (in order)."""
    title = _title([compact(line) for line in lines])
    lines = _nonblank(lines)
    doc_number = _doc_number(lines)
    issuer, issued_on = _signature(lines)
    start, end = _period(title, lines, doc_number, issued_on)
    return {
        "title": title,
        "issuer": issuer,
        "doc_number": doc_number,
        "issued_on": issued_on,
        "period_start": start,
        "period_end": end,
    }


def plan_year(plan: dict) -> int | None:
    """The year that 年底前/上半年 refer to: the plan's year, or the year it was issued."""
    start, end = plan.get("period_start"), plan.get("period_end")
    if start is not None and start == end:
        return start
    if plan.get("issued_on"):
        return int(plan["issued_on"][:4])
    return start
