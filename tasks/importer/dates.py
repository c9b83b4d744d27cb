"""Dates in plan text: issue dates, task deadlines, plan periods.

SCHEMA.md: a task's deadline is an ISO date where its text sets one — 年底前 and
年内 are Dec 31 of the plan year, 上半年 is Jun 30, 到2020年完成 is 2020-12-31.
Years that merely name something (《行动计划（2017-2020年）》, 2021年全国运动会)
are not deadlines, so a bare "YYYY年" never counts: it needs 底/末/前 after it or
到/至/于 before it.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from .markers import cn_to_int

__all__ = ["find_deadline", "parse_cn_date", "five_year_plan_period"]

_YEAR = r"((?:19|20)\d{2})"
_CN_SMALL = "一二三四五六七八九十"

_YMD_RE = re.compile(_YEAR + r"年(\d{1,2})月(\d{1,2})日(?:前|以前|之前|止)")
_YM_RE = re.compile(_YEAR + r"年(\d{1,2})月(?:底|末|份)?(?:前|以前|之前|止)")
_TO_YM_RE = re.compile(r"(?:到|至|截至)" + _YEAR + r"年(\d{1,2})月(?:底|末)?")
_Y_END_RE = re.compile(_YEAR + r"年(?:底|末|内)(?:前|以前|之前)?")
_Y_BEFORE_RE = re.compile(_YEAR + r"年(?:前|以前|之前)")
_TO_Y_RE = re.compile(r"(?:到|至|截至|(?<![关对基属位由等])于)" + _YEAR + r"年(?:底|末)?(?![\d月》）)”\"’])")
_M_RE = re.compile(r"(?<![\d年])(\d{1,2})月(?:底|末|份)?(?:前|以前|之前)")
_CN_M_RE = re.compile(rf"(?<![{_CN_SMALL}年])([{_CN_SMALL}]{{1,2}})月(?:底|末|份)?(?:前|以前|之前)")
_HALF_RE = re.compile(r"(?:" + _YEAR + r"年)?(上半年|下半年|第?[一二三四1-4]季度)")
_YEAR_WORD_RE = re.compile(r"(?<![\d一二三四五六七八九十两几半])(?:年底前|年底|年末|年内|年度内)")

_QUARTER_END = {"一": 3, "1": 3, "二": 6, "2": 6, "三": 9, "3": 9, "四": 12, "4": 12}


def _month_end(year: int, month: int) -> date | None:
    if not (1 <= month <= 12 and 1900 <= year <= 2100):
        return None
    return date(year, month, calendar.monthrange(year, month)[1])


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _candidates(text: str, plan_year: int | None):
    """Every date the text sets, in no particular order."""
    for m in _YMD_RE.finditer(text):
        yield _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    for regex in (_YM_RE, _TO_YM_RE):
        for m in regex.finditer(text):
            yield _month_end(int(m.group(1)), int(m.group(2)))
    for regex in (_Y_END_RE, _Y_BEFORE_RE, _TO_Y_RE):
        for m in regex.finditer(text):
            yield _month_end(int(m.group(1)), 12)
    for m in _HALF_RE.finditer(text):
        year = int(m.group(1)) if m.group(1) else plan_year
        if year is None:
            continue
        word = m.group(2)
        month = 6 if word == "上半年" else 12 if word == "下半年" else _QUARTER_END[word.lstrip("第")[0]]
        yield _month_end(year, month)
    if plan_year is None:
        return
    for m in _M_RE.finditer(text):
        yield _month_end(plan_year, int(m.group(1)))
    for m in _CN_M_RE.finditer(text):
        month = cn_to_int(m.group(1))
        if month:
            yield _month_end(plan_year, month)
    for m in _YEAR_WORD_RE.finditer(text):
        if text[: m.start()].endswith(("每年", "每")):
            continue  # 每年年底前报送: a recurring duty, not a deadline
        yield _month_end(plan_year, 12)


def find_deadline(text: str, plan_year: int | None) -> str | None:
    """The task's deadline as ISO date, or None.

    A task with several time words ends when its last clause is due, so the latest
    date wins.
    """
    dates = [d for d in _candidates(text, plan_year) if d is not None]
    return max(dates).isoformat() if dates else None


_CN_DATE_RE = re.compile(
    r"^[（(]?\s*((?:19|20)\d{2}|[〇零一二三四五六七八九]{4})\s*年\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月"
    r"\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日\s*[）)]?$"
)


def parse_cn_date(text: str) -> str | None:
    """'2021年5月8日', '（二〇二一年五月八日）' as a whole line -> '2021-05-08'."""
    m = _CN_DATE_RE.match(text.strip())
    if not m:
        return None
    year, month, day = (cn_to_int(g) for g in m.groups())
    if None in (year, month, day):
        return None
    found = _safe_date(year, month, day)
    return found.isoformat() if found and 1900 <= found.year <= 2100 else None


_FYP_RE = re.compile(r"十([一二三四五六七八九])五")


def five_year_plan_period(text: str) -> tuple[int, int] | None:
    """'十四五' -> (2021, 2025): the n-th plan started 1966 + 5*(n-3) (after 1963-65)."""
    m = _FYP_RE.search(text)
    if not m:
        return None
    n = 10 + cn_to_int(m.group(1))
    start = 1966 + 5 * (n - 3)
    return start, start + 4


def all_five_year_plans(text: str) -> list[tuple[int, int]]:
    """Every five-year-plan mention in text, as periods, in order."""
    out = []
    for m in _FYP_RE.finditer(text):
        n = 10 + cn_to_int(m.group(1))
        start = 1966 + 5 * (n - 3)
        out.append((start, start + 4))
    return out
