"""Site furniture of a plan copied from a government web page.

A plan saved or copied from a portal arrives wrapped in the site around it: the
breadcrumb (``首页 >政务公开>规划计划``, ``当前位置：…``), the article's meta line
(``发布时间：… 来源：… 浏览次数：…``), the tools (``字号【大 中 小】``, ``【打印本页】``,
``【关闭窗口】``, ``分享到``) and the footer (``上一篇``/``下一篇``, ``主办单位``,
ICP and 公网安备 numbers, ``版权所有``). None of it is the document, and the breadcrumb
in particular used to become the plan's title (and from it the wrong period).
``is_web_furniture`` recognises such a line; ``clean_lines`` drops it.
"""

from __future__ import annotations

import re

__all__ = ["is_web_furniture"]

_ARROWS = r"(?:>|＞|»|›|→|&gt;|\\|/|-{1,2}>)"
# 首页 > 政务公开 > 规划计划 ; 网站首页 » 信息公开 ; 当前位置：首页 > …
_BREADCRUMB_RE = re.compile(
    rf"^(?:(?:当前|您的|你的|所在)?位置\s*[:：]\s*)?(?:网站)?(?:首页|主页|首 页)\s*{_ARROWS}"
    rf"|^(?:当前|您的|你的|所在)位置\s*[:：]"
)
# the article's meta line starts with one of these keys
_META_RE = re.compile(
    r"^[【\[〔(（]?\s*(?:发布时间|发布日期|发表时间|更新时间|录入时间|信息来源|文章来源|来源|浏览次数|浏览量|点击数|点击量"
    r"|阅读次数|阅读量|访问量|访问次数|作者|责任编辑|编辑|审核|字号|字体|索引号|主题分类|信息分类)\s*[:：]"
)
# lines that start the footer, or carry a site registration number
_FOOTER_RE = re.compile(
    r"^(?:上一篇|下一篇|上一条|下一条|相关链接|相关文章|相关阅读|相关新闻|相关稿件|分享到|扫一扫|主办单位|承办单位|协办单位"
    r"|主办|承办|网站标识码|版权所有|Copyright|©|技术支持|联系我们|网站地图|网站声明|隐私声明)"
    r"|ICP\s*备|公网安备|政府网站标识码",
    re.I,
)
# a line made of nothing but site tools: 字号【大 中 小】【打印本页】【关闭窗口】【收藏】
_TOOL_WORDS_RE = re.compile(
    r"字号|字体|大|中|小|默认|打印本页|打印此页|打印|关闭窗口|关闭本页|关闭|收藏本页|收藏|分享|返回顶部|返回|顶部"
    r"|我要纠错|纠错|视力保护色|繁体|简体|无障碍|长者模式|[:：|｜·•\s【】\[\]（）()〔〕<>]"
)
_TOOL_KEYS_RE = re.compile(r"打印|关闭|字号|收藏|纠错|返回顶部|大\s*中\s*小")


def is_web_furniture(line: str) -> bool:
    """True for a breadcrumb, meta, tool or footer line of a web page; never for document text."""
    stripped = line.strip()
    if not stripped or len(stripped) > 160:
        return False
    if _BREADCRUMB_RE.match(stripped):
        return True
    if _META_RE.match(stripped) and not stripped.endswith("。"):
        return True
    if len(stripped) <= 100 and _FOOTER_RE.search(stripped) and not stripped.endswith(("。", "；")):
        return True
    return bool(_TOOL_KEYS_RE.search(stripped) and not _TOOL_WORDS_RE.sub("", stripped))
