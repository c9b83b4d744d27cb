"""Outline markers of Chinese official documents: 一、 （一） 1. （1） ①.

Official documents (GB/T 9704) number their structure in a fixed order of marker
*kinds*; a plan may skip kinds (一、 then 1.), but never reverses them. The parser
therefore ranks markers by kind, not by position in a particular document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Marker", "match_marker", "cn_to_int", "int_to_cn", "KIND_RANK"]

CN_DIGITS = "零〇一二三四五六七八九"
_CN_VALUES = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUM = "一二三四五六七八九十百零〇两"

# kind -> rank (smaller is higher up the outline)
KIND_RANK = {"chapter": 0, "cn": 1, "paren_cn": 2, "arabic": 3, "paren_arabic": 4, "circled": 5}

_CHAPTER_RE = re.compile(rf"^第([{_CN_NUM}\d]{{1,4}})(章|部分|篇)\s*")
_CN_RE = re.compile(rf"^([{_CN_NUM}]{{1,3}})\s*[、,，．.]\s*")
_PAREN_CN_RE = re.compile(rf"^[（(]\s*([{_CN_NUM}]{{1,3}})\s*[）)]\s*[、.．]?\s*")
# "1." "1、" "1．" but not "1.5万" (a decimal) and not "2021年"
_ARABIC_RE = re.compile(r"^(\d{1,3})\s*(?:[.．](?!\d)|、)\s*")
_PAREN_ARABIC_RE = re.compile(r"^[（(]\s*(\d{1,3})\s*[）)]\s*[、.．]?\s*")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_CIRCLED_RE = re.compile(rf"^([{_CIRCLED}])\s*")


@dataclass(frozen=True)
class Marker:
    """A structural number at the start of a paragraph.

    ``ref`` is the number as SCHEMA.md wants it printed: ``一``, ``（一）``, ``1``,
    ``（1）``, ``①``, ``第一章``. ``end`` is where the paragraph's own text begins.
    """

    kind: str
    ref: str
    number: int | None
    end: int

    @property
    def rank(self) -> int:
        return KIND_RANK[self.kind]


def cn_to_int(text: str) -> int | None:
    """Small Chinese numerals (一 … 九十九, 一百 …, 二〇二一 digit by digit) to int."""
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if all(c in _CN_VALUES for c in text) and len(text) > 1:  # 二〇二一 style
        return int("".join(str(_CN_VALUES[c]) for c in text))
    total, current = 0, 0
    for char in text:
        if char in _CN_VALUES:
            current = _CN_VALUES[char]
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


def int_to_cn(number: int) -> str:
    """1 -> 一, 10 -> 十, 21 -> 二十一 (enough for outline and list numbering)."""
    digits = "零一二三四五六七八九"
    if number < 0:
        return str(number)
    if number < 10:
        return digits[number]
    if number < 20:
        return "十" + (digits[number % 10] if number % 10 else "")
    if number < 100:
        return digits[number // 10] + "十" + (digits[number % 10] if number % 10 else "")
    return str(number)


def match_marker(text: str) -> Marker | None:
    """The marker that opens ``text`` (leading blanks ignored), or None."""
    stripped = text.lstrip()
    offset = len(text) - len(stripped)
    m = _CHAPTER_RE.match(stripped)
    if m:
        return Marker("chapter", f"第{m.group(1)}{m.group(2)}", cn_to_int(m.group(1)), offset + m.end())
    m = _PAREN_CN_RE.match(stripped)
    if m:
        return Marker("paren_cn", f"（{m.group(1)}）", cn_to_int(m.group(1)), offset + m.end())
    m = _PAREN_ARABIC_RE.match(stripped)
    if m:
        return Marker("paren_arabic", f"（{int(m.group(1))}）", int(m.group(1)), offset + m.end())
    m = _CN_RE.match(stripped)
    if m and cn_to_int(m.group(1)) is not None:
        return Marker("cn", m.group(1), cn_to_int(m.group(1)), offset + m.end())
    m = _ARABIC_RE.match(stripped)
    if m:
        return Marker("arabic", str(int(m.group(1))), int(m.group(1)), offset + m.end())
    m = _CIRCLED_RE.match(stripped)
    if m:
        return Marker("circled", m.group(1), _CIRCLED.index(m.group(1)) + 1, offset + m.end())
    return None
