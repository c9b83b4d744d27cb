"""Clean extracted text before it is parsed.

Three kinds of damage are repaired here, each independent of any one document:

* character artefacts: gazette PDFs typeset in GB2312 fonts come out of text
  extraction with stand-in characters (``暋`` for a blank, ``暠``/``暡`` for
  closing/opening quotes, ``灡`` for a full stop or decimal point), full-width
  digits and letters, zero-width and control characters;
* page furniture: running heads of gazettes and decorated page numbers
  (``— 12 —``, ``·23·``, ``第3页``) interrupt the text between pages;
* hard line breaks: PDF text is broken at the page width, mid-sentence, so lines
  must be re-joined into paragraphs before numbered items can be read.
"""

from __future__ import annotations

import re

from .markers import match_marker
from .webpage import is_web_furniture

__all__ = [
    "fix_artefacts",
    "normalize_line",
    "is_page_furniture",
    "clean_lines",
    "compact",
    "display_width",
    "looks_wrapped",
    "join_paragraphs",
]

# --- character level -------------------------------------------------------

_DECIMAL_ARTEFACT_RE = re.compile(r"(?<=\d)灡(?=\d)")
_MARKER_ARTEFACT_RE = re.compile(r"^(\s*\d{1,3})灡")
_SIMPLE_ARTEFACTS = str.maketrans({"暋": " ", "暠": "”", "暡": "“", "灡": "。"})

# full-width ASCII letters/digits and a few symbols that only ever mean their ASCII twin
_FULLWIDTH = {chr(c): chr(c - 0xFEE0) for c in range(ord("０"), ord("９") + 1)}
_FULLWIDTH.update({chr(c): chr(c - 0xFEE0) for c in range(ord("Ａ"), ord("Ｚ") + 1)})
_FULLWIDTH.update({chr(c): chr(c - 0xFEE0) for c in range(ord("ａ"), ord("ｚ") + 1)})
_FULLWIDTH.update({"．": ".", "％": "%", "＋": "+", "\u3000": " ", "\u00a0": " ", "\t": " ",
                   "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u202f": " "})
_WIDTH_TABLE = str.maketrans(_FULLWIDTH)

# control characters, zero-width characters, soft hyphen, BOM and the private-use
# area (where broken PDF fonts put unmapped glyphs)
_JUNK_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f\u00ad\u200b-\u200f\u2060\ufeff\ue000-\uf8ff]")


def fix_artefacts(text: str) -> str:
    """Replace GB2312 stand-in characters of gazette PDFs by what they stand for.

    ``灡`` is a decimal point between digits and the dot of a list number at the
    start of a line (``6灡`` = ``6.``); anywhere else it is a full stop.
    """
    if "灡" in text:
        text = _DECIMAL_ARTEFACT_RE.sub(".", text)
        text = _MARKER_ARTEFACT_RE.sub(r"\1.", text)
    return text.translate(_SIMPLE_ARTEFACTS)


def normalize_line(line: str) -> str:
    """One line with artefacts fixed, widths unified, junk removed; leading blanks kept.

    Leading blanks are kept on purpose: in PDF text an indented line starts a paragraph.
    """
    line = _JUNK_RE.sub("", line)
    line = fix_artefacts(line).translate(_WIDTH_TABLE)
    return line.rstrip()


# --- page furniture --------------------------------------------------------

_PAGE_NUMBER_RES = [
    re.compile(r"^[-—–－─·•・]+\s*\d{1,4}\s*[-—–－─·•・]+$"),  # — 12 —, ·23·, -3-
    re.compile(r"^(?:共\s*\d+\s*页\s*[,，]?\s*)?第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?$"),
    re.compile(r"^\d{1,4}\s*/\s*\d{1,4}$"),  # 3/12
    re.compile(r"^(?:page|Page|PAGE)\s*\d+(?:\s*of\s*\d+)?$"),
]
# running heads of government gazettes: "吉林省人民政府公报 2016年第12期"
_GAZETTE_HEAD_RE = re.compile(r"^[\u4e00-\u9fff]{0,20}公报\s*(?:\d{4}\s*年)?\s*(?:第\s*\d+\s*期)?\s*(?:\(?总第\s*\d+\s*期\)?)?$")


def is_page_furniture(line: str) -> bool:
    """True for page numbers and gazette running heads, which are not document text."""
    stripped = line.strip()
    if not stripped or len(stripped) > 40:
        return False
    if any(r.match(stripped) for r in _PAGE_NUMBER_RES):
        return True
    return bool(_GAZETTE_HEAD_RE.match(stripped))


def clean_lines(lines: list[str]) -> list[str]:
    """Normalise every line and drop page and web-site furniture; blank lines are kept (as '')."""
    out = []
    for raw in lines:
        for line in str(raw).split("\n"):
            line = normalize_line(line)
            if not is_page_furniture(line) and not is_web_furniture(line):
                out.append(line)
    return out


# --- blanks ----------------------------------------------------------------


def _is_ascii_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


def compact(text: str) -> str:
    """Remove blanks, except a single one between two ASCII words (not two digits).

    SCHEMA.md wants task text "blanks and line breaks removed"; Chinese needs no
    blanks, but ``Windows 10`` should not become ``Windows10``.
    """
    tokens = text.split()
    if not tokens:
        return ""
    out = [tokens[0]]
    for token in tokens[1:]:
        if _needs_blank(out[-1][-1], token[0]):
            out.append(" ")
        out.append(token)
    return "".join(out)


def display_width(text: str) -> float:
    """Width in CJK character cells: ASCII counts half, since PDFs set it half-width."""
    return sum(0.5 if c.isascii() else 1.0 for c in text.strip())


# --- hard line breaks ------------------------------------------------------

_TERMINAL = set("。！？；：…!?;:”’）)】》」』")
# a paragraph that ends with its units clause is complete, however long its last line
_ENDS_WITH_UNITS_RE = re.compile(r"[（(](?:牵头|责任|负责|参加|参与|配合|主责)[^（()）]*(?:[（(][^（()）]*[）)][^（()）]*)*[）)]。?$")


# the units clause that ends a paragraph is looked for in this many last characters
_UNITS_TAIL = 2000


def _ends_closed(text: str) -> bool:
    return bool(text) and text[-1] in _TERMINAL


def looks_wrapped(lines: list[str]) -> bool:
    """Guess whether lines are broken at the page width (PDF) rather than per paragraph.

    In a Word or plain-text plan nearly every line ends a paragraph, so it ends with
    punctuation or is a heading followed by a numbered item. In PDF text most lines
    stop mid-sentence and the next line simply goes on.
    """
    body = [line for line in lines if line.strip()]
    if len(body) < 5:
        return False
    open_count = 0
    for current, following in zip(body, body[1:], strict=False):
        text = current.strip()
        if len(text) < 6 or _ends_closed(text):
            continue
        if following[:1].isspace() or match_marker(following) is not None:
            continue
        open_count += 1
    return open_count >= 3 and open_count >= 0.3 * len(body)


def _typical_width(lines: list[str]) -> float:
    widths = sorted(w for w in (display_width(line) for line in lines) if w >= 4)
    if not widths:
        return 0.0
    return widths[int(len(widths) * 0.75) if len(widths) > 1 else 0]


def _needs_blank(left: str, right: str) -> bool:
    """A blank between two ASCII words stays; between two digits it is a break inside
    a number (20 14 -> 2014), which Chinese text never spaces."""
    return _is_ascii_alnum(left) and _is_ascii_alnum(right) and not (left.isdigit() and right.isdigit())


def join_paragraphs(lines: list[str], wrapped: bool | None = None, marked_breaks: bool = False) -> list[str]:
    """Lines -> paragraphs, each compacted (blanks removed).

    Unwrapped text: every non-blank line is a paragraph. Wrapped text: a line goes
    on the current paragraph unless it is indented, starts with an outline marker,
    or the current paragraph visibly ended (a short last line that closes with
    punctuation, or a short numbered heading). Blank lines are no paragraph breaks
    there — text extraction scatters them inside paragraphs — unless the reader
    marked the paragraph ends with them (``marked_breaks``).
    """
    if wrapped is None:
        wrapped = looks_wrapped(lines)
    if not wrapped:
        return [c for c in (compact(line) for line in lines) if c]

    width = _typical_width(lines)
    # The current paragraph is kept as a list of parts and joined once it ends, and the
    # units clause is looked for in its tail only: both keep the cost linear in the input
    # (re-joining and re-scanning the whole growing paragraph per line was quadratic).
    paragraphs: list[str] = []
    parts: list[str] = []
    tail = ""
    closed = True
    starts_with_marker = False
    for raw in lines:
        text = compact(raw)
        if not text:
            closed = closed or marked_breaks
            continue
        marker = match_marker(text)
        if closed or raw[:1].isspace() or marker is not None:
            if parts:
                paragraphs.append("".join(parts))
            parts = [text]
            tail = text[-_UNITS_TAIL:]
            starts_with_marker = marker is not None
        else:
            sep = " " if _needs_blank(tail[-1], text[0]) else ""
            parts.extend((sep, text))
            tail = (tail + sep + text)[-_UNITS_TAIL:]
        short = display_width(raw) < 0.8 * width
        closed = (
            (short and _ends_closed(text) and not marked_breaks)
            or (starts_with_marker and display_width(raw) < 0.6 * width)
            or bool(_ENDS_WITH_UNITS_RE.search(tail))
        )
    if parts:
        paragraphs.append("".join(parts))
    return paragraphs
