"""Read quantitative targets ("城镇新增就业5600人以上") out of a task's text.

Pure Python, no Django: the plan importer calls :func:`extract_targets` on each
task's text and stores the result as ``targets.models.Target`` rows. The rules are
those of ``SCHEMA.md`` (fixtures/plans): a target is a *number followed by a measure
word* that the plan commits to reach; numbers that name things (years, ordinals,
plan names, document numbers, hotlines, ages, slogans in quotes, titles in 《》)
or that look back at past achievements are not targets.

The approach is deliberately lexical and conservative:

1. find every number (Arabic, Arabic + 万/亿 multiplier, Chinese numerals via
   ``cn2an``, 百分之…) and the measure word right after it;
2. drop it when it is shielded (inside “”/《》/〔〕), an ordinal (第…), a slogan
   (一人一案, 五个一, 两项补贴), or in a clause that reports the past (已…, 期间累计…);
3. read comparator, per-unit scope and ambiguity from the words of the same clause,
   and build a best-effort indicator and quote from the words around the number.

It never raises: any string in, a list out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import cn2an

__all__ = ["ExtractedTarget", "extract_targets"]


@dataclass(frozen=True)
class ExtractedTarget:
    """One quantity a plan commits to (see SCHEMA.md, "targets")."""

    indicator: str
    value: Decimal
    unit: str
    comparator: str = ">="
    per_unit: bool = False
    ambiguous: bool = False
    quote: str = ""

    def as_dict(self) -> dict:
        """The SCHEMA.md JSON form; ``value`` is an int when integral, else a float."""
        value = self.value
        number = int(value) if value == value.to_integral_value() else float(value)
        return {
            "indicator": self.indicator,
            "value": number,
            "unit": self.unit,
            "comparator": self.comparator,
            "per_unit": self.per_unit,
            "ambiguous": self.ambiguous,
            "quote": self.quote,
        }


# ---------------------------------------------------------------------------
# Lexicon
# ---------------------------------------------------------------------------

# Full-width digits/percent/point map one-to-one onto ASCII so that offsets in the
# normalised text are offsets in the original (quotes are cut from the original).
_FULLWIDTH = str.maketrans("０１２３４５６７８９％．", "0123456789%.")

_CN_DIGITS = "一二三四五六七八九十两壹贰叁肆伍陆柒捌玖拾"
_CN_ALL = _CN_DIGITS + "零〇百千万亿佰仟"

# One alternation so that a scan finds the leftmost number whatever its script.
# A Chinese numeral must start with a digit (not 百/千/万/亿), otherwise 万村, 千家万户,
# 百县 would read as numbers.
_NUMBER_RE = re.compile(
    r"百分之(?P<pct>[零〇一二三四五六七八九十两百]+(?:点[零〇一二三四五六七八九]+)?)"
    r"|(?<![\d.])(?P<arabic>\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?)(?P<mult>[百千万亿]*)"
    rf"|(?P<chinese>[{_CN_DIGITS}][{_CN_ALL}]*(?:点[零〇一二三四五六七八九]+)?)"
)

# After 1万: more digits of the same number (1万2千, 3万5000).
_COMPOUND_TAIL_RE = re.compile(r"(?:\d+[百千万亿]*)*")

# "1000—2000人", "1至2万户": a range; the lower bound is taken, flagged ambiguous.
_RANGE_SEP_RE = re.compile(r"\s*(?:—|－|-|–|~|～|至|到)\s*")

# "2000余人", "3000多户": approximate, the unit follows.
_APPROX_RE = re.compile(r"[多余来]")

# Measure words, longest first. The second list is accepted after Arabic numbers
# only: with Chinese numerals they mostly spell place names and idioms (九台区, 三部曲).
_CORE_UNITS = "个百分点 百分点 人（次） 人(次) 人次 户次 % 名 人 位 户 个 处 例 所 家 支 项 篇 元 倍".split()
_ARABIC_ONLY_UNITS = "平方米 平米 千米 公里 亩 米 场次 间 台 套 件 辆 张 册 部 场 次 座 条 份 本 期".split()
_UNIT_RE = re.compile(
    "|".join(re.escape(u) for u in sorted(_CORE_UNITS + _ARABIC_ONLY_UNITS, key=len, reverse=True))
)
_UNIT_ALIASES = {"名": "人", "人（次）": "人次", "人(次)": "人次", "百分点": "个百分点", "平米": "平方米"}

# A measure word that is really the start of another word: 6个月 (duration),
# 一部分, 一次性, 个人, 一家人, 一个都不能少.
_FALSE_UNIT_RE = re.compile(
    r"个(?:月|工作日|小时|季度|年度|人)|部(?:分|门|署)|次性|家人|个(?:都|也)|米(?:线)"
)

# Ordinal, document-number and similar prefixes directly before a number.
_ORDINAL_PREFIX_RE = re.compile(r"(?:第|〔|\[|【|№|No\.?|编号|电话|热线|代码)\s*$")

# Slogans: a measure word followed by another numeral (一人一案, 五个一, 三个一批),
# except ordinary words that start with 一.
_SLOGAN_TAIL_RE = re.compile(rf"[{_CN_DIGITS}](?!次性|站式|线|些|级|体化|流)")
# Small Chinese counts in policy names: 两项补贴, 两个责任, 四个意识, 三项制度.
_SLOGAN_NOUN_RE = re.compile(
    r"(?:补贴|责任|意识|自信|维护|全面|原则|坚持|精神|清单|承诺|到位|必须|优先|基本|制度|机制|政策|覆盖|服务体系)"
)
_SLOGAN_UNITS = {"个", "项", "位", "家"}

# Text that must be read as a name, not a commitment: quotes, titles, brackets.
_SHIELD_PAIRS = dict(zip('“《〔「『‘〈【"', '”》〕」』’〉】"', strict=True))
_SHIELD_MAX = 60  # an unclosed opener shields at most this many characters
_SHIELD_OPENER_RE = re.compile("[" + re.escape("".join(_SHIELD_PAIRS)) + "]")

# Clause boundaries: comparator, scope and tense are read within one clause.
# The enumeration comma 、 is not one: 各县（市、区）.
_CLAUSE_BREAKS = frozenset("，,。；;！!？?：:\n\r")
_CLAUSE_BREAK_RE = re.compile(r"[，,。；;！!？?：:\n\r]")

# Words that report the past (a plan's 基本情况, or 十三五期间累计… in a new plan).
# Time frames (截至…, …以来, …期间，累计) head a whole sentence; 已/了 mark one clause.
_RETROSPECTIVE_SENTENCE_RE = re.compile(
    r"截至|截止|以来|过去[\d一二三四五六七八九十几]*年|期间[，,]?(?:累计|共|全省)"
)
_RETROSPECTIVE_CLAUSE_RE = re.compile(r"已|先后|现有|共有|(?<![为除])了(?!解)")
_SENTENCE_BREAKS = frozenset("。；;！!？?\n\r")

# Comparator words; alternation is longest-first so 不少于 beats 少于, 不超过 beats 超过.
_COMPARATOR_WORDS = {
    **dict.fromkeys("不少于 不低于 不小于 至少 最少 达到 力争 超过 多于 以上".split(), ">="),
    **dict.fromkeys(
        "不超过 不高于 不多于 不大于 低于 少于 控制在 降至 降到 降低到 下降到 减少到 最多".split(), "<="
    ),
    **dict.fromkeys("恰好 正好".split(), "=="),
}
_COMPARATOR_RE = re.compile("|".join(sorted(_COMPARATOR_WORDS, key=len, reverse=True)))
_SUFFIX_RE = re.compile(r"(?:以上|以内|以下|之内|左右)")
_SUFFIX_COMPARATOR = {"以上": ">=", "以内": "<=", "以下": "<=", "之内": "<=", "左右": ">="}
_EXACT_RE = re.compile(r"确保.*为$")

# Every subordinate unit must reach it: 各区市, 每个县（市、区）, 各市（州）, 每户.
# The scope must be the clause's subject (at its start, or after 确保/要求…):
# in 指导各地开展… the 各地 is an object and the figure is the province's.
_ADMIN = (
    r"(?:省|市|州|盟|县|区|旗|乡|镇|街道|村|社区|地|单位|成员单位|部门|学校|机构|园区|家庭|户|级|残联|政府)"
)
_SCOPE_RE = re.compile(rf"(?:各|每一?个?){_ADMIN}+(?:（[^）]*）|\([^)]*\))?(?:要|都|均|应|须|必须)?")
_SCOPE_LEAD_RE = re.compile(
    r"^(?:全年|今年|年内|年底前|力争|确保|要求|实现|保证|为|对|使|让|并|和|及|同时)*$"
)

# Ambiguous: a policy parameter (subsidy ratio, per-head standard) or a size spec.
_PARAMETER_RE = re.compile(r"比例|标准|每(?:人|户|名|例|月|年|次)|人均|给予")
_PARAMETER_UNITS = {"元", "%", "个百分点"}
_SIZE_UNITS = {"平方米", "亩", "米", "千米", "公里"}
_SIZE_RE = re.compile(r"面积|规模|用房|场地|不少于|不低于|至少")

# Words stripped from the ends of the text before a number to leave the indicator.
_LEAD_FILLER_RE = re.compile(
    r"^(?:和|及|以及|或|或者|并|与|同时|全年|今年|年内|年底前|当年|力争|确保|积极|继续|努力|要(?!求)|将|全省|共(?!青)|累计)+"
)
_TAIL_WORDS = (
    list(_COMPARATOR_WORDS)
    + "发展到 增加到 增长到 增至 提高到 提升到 扩大到 达 为 对 有 约 近 共 累计".split()
)
_TAIL_FILLER_RE = re.compile("(?:" + "|".join(sorted(_TAIL_WORDS, key=len, reverse=True)) + ")+$")
_QUOTE_LEAD_RE = re.compile(r"^(?:为|对|给|向)")
_TIME_RE = re.compile(r"在?(?:今年|当年|明年|年内|年底前?|上半年|下半年|\d{4}年(?:底|末)?前?)")
# After the number: the noun phrase ends at the first verb; a conjunction before
# another number ends the whole phrase (两个目标在一句话里).
_VERB_RE = re.compile(
    r"提供|实施|开展|配备|安装|进行|给予|发放|适配|享受|参加|接受|获得|提高|参与|建立|纳入|落实|办理|"
    r"安排|有就业|(?:就业|增收|创业|脱贫|入学)(?=$|[^\u4e00-\u9fff]|和|或|及|、)"
)
_CONJUNCTION_RE = re.compile(r"以及|或者|和|及|或|、|与|并")
_COMPARATOR_REACH = 8
_BEFORE_MAX = 30
_LOOKBACK_MAX = 300
_AFTER_MAX = 16
_INDICATOR_MAX = 40


# ---------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Number:
    """A number as found in the text: where it is and what it is worth."""

    start: int
    end: int
    value: Decimal
    chinese: bool  # spelled in Chinese numerals (两千, 三百)
    multiplier: str = ""  # the 万/亿 that followed Arabic digits
    percent: bool = False  # 百分之…


def _cn_to_decimal(numeral: str) -> Decimal | None:
    """Chinese numeral -> Decimal via cn2an.

    ``strict`` mode rejects the colloquial ranges and plan names that look like
    numerals (三五 "three or five", 十三五), which must not become targets; it only
    lacks 两 and 〇, which are mapped to their strict spelling first.
    """
    if len(numeral) > 24:
        return None
    spelled = numeral.replace("两", "二").replace("〇", "零")
    try:
        return _to_decimal(cn2an.cn2an(spelled, "strict"))
    except Exception:  # cn2an signals bad input with assorted exception types
        return None


def _smart_to_decimal(numeral: str) -> Decimal | None:
    """Arabic digits mixed with 万/千 (1万2千) -> Decimal via cn2an's "smart" mode."""
    if len(numeral) > 24:
        return None
    try:
        return _to_decimal(cn2an.cn2an(numeral, "smart"))
    except Exception:  # cn2an signals bad input with assorted exception types
        return None


def _multiplier_value(mult: str) -> Decimal | None:
    """Value of the 万/亿/千 run after Arabic digits (2万, 1.5亿): 一万 -> 10000 via cn2an."""
    if not mult:
        return Decimal(1)
    return _cn_to_decimal("一" + mult)


def _to_decimal(number) -> Decimal | None:
    """An int/float/str to an exact Decimal, integral values without a trailing .0."""
    try:
        value = Decimal(str(number))
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite():
        return None
    if value == value.to_integral_value():
        return Decimal(int(value))
    return value.normalize()


def _read_number(text: str, match: re.Match) -> _Number | None:
    """Turn a ``_NUMBER_RE`` match into a ``_Number`` (or None when it is not a valid number)."""
    if match.group("pct"):
        value = _cn_to_decimal(match.group("pct"))
        if value is None:
            return None
        return _Number(match.start(), match.end(), value, chinese=True, percent=True)
    if match.group("arabic"):
        digits, mult = match.group("arabic"), match.group("mult")
        end = match.end()
        # 3千米 is three kilometres, not three thousand metres.
        if mult.endswith("千") and text.startswith("米", end):
            mult, end = mult[:-1], end - 1
        compound = _COMPOUND_TAIL_RE.match(text, end) if mult else None
        if compound and compound.group():
            # 1万2千, 3万5000: mixed spelling, which cn2an's "smart" mode reads.
            end = compound.end()
            value = _smart_to_decimal(text[match.start() : end].replace(",", ""))
            if value is None:
                return None
            return _Number(match.start(), end, value, chinese=False, multiplier=mult)
        base, factor = _to_decimal(digits.replace(",", "")), _multiplier_value(mult)
        if base is None or factor is None:
            return None
        return _Number(match.start(), end, _to_decimal(base * factor), chinese=False, multiplier=mult)
    value = _cn_to_decimal(match.group("chinese"))
    if value is None:
        return None
    return _Number(match.start(), match.end(), value, chinese=True)


# ---------------------------------------------------------------------------
# Mentions: number + measure word
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Mention:
    """A number with its measure word: the raw material of a target."""

    number: _Number
    unit: str
    unit_end: int  # end of the measure word
    end: int  # end of the mention including 以上/以内 suffix
    suffix: str
    is_range: bool


def _read_unit(text: str, pos: int, number: _Number) -> tuple[str, int] | None:
    """The measure word at ``pos`` (normalised) and where it ends, or None."""
    if number.percent:
        return "%", pos
    match = _UNIT_RE.match(text, pos)
    if not match:
        return None
    raw = match.group()
    if number.chinese and raw not in _CORE_UNITS:
        return None
    if _FALSE_UNIT_RE.match(text, pos):
        return None
    return _UNIT_ALIASES.get(raw, raw), match.end()


def _read_mention(text: str, match: re.Match) -> tuple[_Mention | None, int]:
    """A mention starting at ``match`` and the position to resume scanning from."""
    number = _read_number(text, match)
    if number is None:
        return None, match.end()
    pos, is_range = number.end, False
    sep = _RANGE_SEP_RE.match(text, pos)
    if sep:
        upper_match = _NUMBER_RE.match(text, sep.end())
        upper = _read_number(text, upper_match) if upper_match else None
        if upper is not None and _read_unit(text, upper.end, upper):
            # 1—2万人: the lower bound borrows the upper bound's multiplier.
            if upper.multiplier and not number.multiplier and not number.chinese:
                factor = _multiplier_value(upper.multiplier) or Decimal(1)
                number = _Number(
                    number.start, number.end, _to_decimal(number.value * factor), False, upper.multiplier
                )
            pos, is_range = upper.end, True
    approx = _APPROX_RE.match(text, pos)
    if approx and not number.percent:
        pos = approx.end()
    unit = _read_unit(text, pos, number)
    if unit is None:
        return None, max(match.end(), pos if is_range else match.end())
    unit_name, unit_end = unit
    suffix_match = _SUFFIX_RE.match(text, unit_end)
    suffix = suffix_match.group() if suffix_match else ""
    end = suffix_match.end() if suffix_match else unit_end
    return _Mention(number, unit_name, unit_end, end, suffix, is_range), unit_end


def _find_mentions(text: str):
    """Yield every number-with-measure-word in ``text``, left to right."""
    pos = 0
    while True:
        match = _NUMBER_RE.search(text, pos)
        if match is None:
            return
        mention, resume = _read_mention(text, match)
        if mention is not None:
            yield mention
        pos = max(resume, match.start() + 1)


# ---------------------------------------------------------------------------
# Context: shields, clauses, filters
# ---------------------------------------------------------------------------


def _shielded_spans(text: str) -> list[tuple[int, int]]:
    """Spans inside quotes, titles and document-number brackets.

    Numbers there name something (“两项补贴”, 《…（2021—2025年）》, 〔2014〕) rather
    than commit to it. An unclosed opener (PDF damage) shields a bounded stretch.
    """
    spans, pos = [], 0
    while pos < len(text):
        found = _SHIELD_OPENER_RE.search(text, pos)  # the next opener, without a Python step per character
        if found is None:
            break
        pos = found.start()
        closer = _SHIELD_PAIRS[found.group()]
        close = text.find(closer, pos + 1, pos + 1 + _SHIELD_MAX * 4)
        end = close + 1 if close != -1 else min(len(text), pos + 1 + _SHIELD_MAX)
        spans.append((pos, end))
        pos = end
    return spans


def _inside(spans: list[tuple[int, int]], index: int) -> bool:
    return any(start <= index < end for start, end in spans)


def _start_after(text: str, index: int, breaks: frozenset) -> int:
    """Index just after the last break character before ``index``; walks backwards.

    The walk is bounded by ``_LOOKBACK_MAX`` so that a huge unpunctuated input stays linear.
    """
    pos, limit = index, max(0, index - _LOOKBACK_MAX)
    while pos > limit and text[pos - 1] not in breaks:
        pos -= 1
    return pos


def _clause_start(text: str, index: int) -> int:
    """Start of the clause that holds ``index`` (after the last ，。； … before it)."""
    return _start_after(text, index, _CLAUSE_BREAKS)


def _clause_end(text: str, index: int) -> int:
    match = _CLAUSE_BREAK_RE.search(text, index)
    return match.start() if match else len(text)


def _is_slogan(text: str, mention: _Mention) -> bool:
    """一人一案, 五个一, 两项补贴, 四个意识: a number that is part of a policy's name."""
    if _SLOGAN_TAIL_RE.match(text, mention.unit_end):
        return True
    number = mention.number
    return (
        number.chinese
        and number.value <= 10
        and mention.unit in _SLOGAN_UNITS
        and bool(_SLOGAN_NOUN_RE.match(text, mention.unit_end))
    )


def _is_bare_one(text: str, mention: _Mention, window: str) -> bool:
    """A Chinese 一 counts only after a comparator (至少有一人); elsewhere it is an article.

    一名, 一个, 一次, 一家, 一张网 are far more often "a/one such" than a quantity.
    """
    number = mention.number
    return (
        number.chinese and not number.percent and number.value == 1 and not _COMPARATOR_RE.search(window[-6:])
    )


def _rejected(
    text: str, mention: _Mention, spans: list[tuple[int, int]], clause_before: str, window: str
) -> bool:
    """True when the mention is not a target: shielded, ordinal, slogan, bare 一, or the past."""
    start = mention.number.start
    return (
        _inside(spans, start)
        or bool(_ORDINAL_PREFIX_RE.search(text, max(0, start - 4), start))
        or _is_slogan(text, mention)
        or _is_bare_one(text, mention, window)
        or _is_retrospective(text, start, clause_before)
    )


def _is_retrospective(text: str, start: int, clause_before: str) -> bool:
    """The figure reports what was achieved (已培训…, 2020年以来共…), not what is planned."""
    if _RETROSPECTIVE_CLAUSE_RE.search(clause_before):
        return True
    sentence_start = _start_after(text, start, _SENTENCE_BREAKS)
    return bool(_RETROSPECTIVE_SENTENCE_RE.search(text, sentence_start, start))


# ---------------------------------------------------------------------------
# Target attributes
# ---------------------------------------------------------------------------


def _comparator(window: str, mention: _Mention) -> str:
    """>= by default; a suffix (以内) beats a prefix word (不少于); 确保…为 means ==.

    A prefix word counts only near the number: in 收入低于低保标准的2000户 the 低于
    qualifies the households, not the figure.
    """
    if mention.suffix:
        return _SUFFIX_COMPARATOR[mention.suffix]
    if _EXACT_RE.search(window):
        return "=="
    words = _COMPARATOR_RE.findall(window[-_COMPARATOR_REACH:])
    return _COMPARATOR_WORDS[words[-1]] if words else ">="


def _is_ambiguous(text: str, window: str, clause_before: str, mention: _Mention) -> bool:
    """A careful reader could argue either way: parameters, size specs, ranges, 至少有一人."""
    if mention.is_range:
        return True
    per_head = text.startswith("/", mention.unit_end)  # 200元/人/月
    if mention.unit in _PARAMETER_UNITS and (per_head or _PARAMETER_RE.search(clause_before)):
        return True
    if mention.unit in _SIZE_UNITS and _SIZE_RE.search(clause_before):
        return True
    return mention.number.value == 1 and window.endswith("有")


def _is_per_unit(clause_before: str) -> bool:
    """各区市至少新建2处, 每个县（市、区）至少建设1个: every subordinate unit must reach it."""
    scope = _SCOPE_RE.search(clause_before)
    return bool(scope) and bool(_SCOPE_LEAD_RE.match(clause_before[: scope.start()]))


def _strip_lead(before: str) -> str:
    """Drop what opens the words before a number without naming the indicator:
    connectives, time words, scope (每个县（市、区）), 力争/确保."""
    text = _LEAD_FILLER_RE.sub("", before)
    scope = _SCOPE_RE.match(text)
    if scope:
        text = _LEAD_FILLER_RE.sub("", text[scope.end() :])
    return text


def _indicator_words(before: str) -> str:
    """The indicator part of the words before a number: 新建社区康复站(不少于) -> 新建社区康复站."""
    text = _TIME_RE.sub("", _strip_lead(before))
    # 至少建设1个: a comparator just before the verb goes; 收入低于标准的… further back stays.
    head, tail = text[:-_COMPARATOR_REACH], text[-_COMPARATOR_REACH:]
    text = head + _COMPARATOR_RE.sub("", tail)
    previous = None
    while previous != text:
        previous, text = text, _TAIL_FILLER_RE.sub("", text)
    return text


def _after_phrase(text: str, mention: _Mention) -> tuple[int, int]:
    """(end of the noun phrase, end of the whole phrase) after a mention.

    The phrase stops at the clause end, before a conjunction that introduces the
    next number, and after ``_AFTER_MAX`` characters; the noun phrase stops at the
    first verb (10万名残疾人|提供基本康复服务).
    """
    start = mention.end
    stop = min(_clause_end(text, start), start + _AFTER_MAX)
    following = _next_mention_start(text, start, stop)
    if following is not None:
        # 安置150名残疾人就业或带动300户…: the phrase ends at the conjunction before the next figure.
        conjunctions = list(_CONJUNCTION_RE.finditer(text, start, following))
        stop = conjunctions[-1].start() if conjunctions else following
    verb = _VERB_RE.search(text, start, stop)
    return (verb.start() if verb else stop), stop


def _next_mention_start(text: str, start: int, stop: int) -> int | None:
    """Where the next number-with-measure-word begins before ``stop`` (5个一级机构 has none)."""
    for match in _NUMBER_RE.finditer(text, start, stop):
        if _read_mention(text, match)[0] is not None:
            return match.start()
    return None


def _describe(text: str, original: str, mention: _Mention, window_start: int) -> tuple[str, str]:
    """Best-effort (indicator, quote) from the words before and after the number.

    The indicator is cleaned words (培训残疾人, 为残疾人提供基本康复服务); the quote is
    a contiguous span of the original text from the first indicator word, or from the
    number when nothing before it names the indicator (为|10万名残疾人).
    """
    number_start = mention.number.start
    before_start = max(window_start, number_start - _BEFORE_MAX)
    before_raw = text[before_start:number_start]
    before = _indicator_words(before_raw)
    noun_end, phrase_end = _after_phrase(text, mention)
    after_noun = text[mention.end : noun_end]
    after_rest = text[noun_end:phrase_end]
    indicator = (before + after_noun + after_rest).strip()[:_INDICATOR_MAX] or mention.unit

    quote_start = number_start
    if before and _QUOTE_LEAD_RE.sub("", before):
        kept = _strip_lead(before_raw)
        quote_start = number_start - len(kept)
        if _QUOTE_LEAD_RE.match(kept):
            quote_start += 1
    quote_end = noun_end if after_noun else mention.end
    return indicator, original[quote_start:quote_end].strip()


def _build_target(text: str, original: str, mention: _Mention, window_start: int) -> ExtractedTarget:
    number_start = mention.number.start
    clause_before = text[_clause_start(text, number_start) : number_start]
    window = text[window_start:number_start]
    indicator, quote = _describe(text, original, mention, window_start)
    return ExtractedTarget(
        indicator=indicator,
        value=mention.number.value,
        unit=mention.unit,
        comparator=_comparator(window, mention),
        per_unit=_is_per_unit(clause_before),
        ambiguous=_is_ambiguous(text, window, clause_before, mention),
        quote=quote,
    )


# ---------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------


def extract_targets(text: str) -> list[ExtractedTarget]:
    """Every target the text commits to, in text order. Never raises."""
    if not isinstance(text, str) or not text:
        return []
    try:
        return _extract(text)
    except Exception:  # pragma: no cover - a safety net; the rules above should not raise
        return []


def _extract(original: str) -> list[ExtractedTarget]:
    text = original.translate(_FULLWIDTH)
    spans = _shielded_spans(text)
    targets: list[ExtractedTarget] = []
    previous_end = 0
    for mention in _find_mentions(text):
        number_start = mention.number.start
        clause_start = _clause_start(text, number_start)
        window_start = max(clause_start, previous_end)
        window = text[window_start:number_start]
        if _rejected(text, mention, spans, text[clause_start:number_start], window):
            continue
        targets.append(_build_target(text, original, mention, window_start))
        previous_end = _after_phrase(text, mention)[1]
    return targets
