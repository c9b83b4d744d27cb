"""Shared helpers for writing Excel files safely.

Every cell whose value comes from a user (names, narratives, titles, notes...)
must go through :func:`safe_cell` before it is written with openpyxl, so that a
spreadsheet program never evaluates it as a formula (CSV/Excel formula
injection, OWASP "CSV Injection").
"""
from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# Characters that make Excel/LibreOffice/WPS treat a cell as a formula or a
# DDE command when they open the cell's text (also after leading whitespace).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")

_FIRST = frozenset(FORMULA_TRIGGERS)
_PASS_THROUGH = (bool, int, float, Decimal, date, datetime, time)


def safe_cell(value):
    """Return ``value`` ready to be written to a worksheet cell without risk.

    Numbers, dates, booleans and ``None`` pass through unchanged (they are
    never formulas). Anything else is turned into text; text that starts with
    one of ``= + - @``, a tab, a carriage return or a line feed (or their
    full-width forms), possibly after leading spaces, is prefixed with a single
    quote so it is stored and shown as plain text. The result never starts
    with ``=`` so openpyxl writes it as a string cell (``data_type == "s"``).
    Control characters that a workbook cannot hold (openpyxl refuses them) are dropped.
    """
    if value is None or isinstance(value, _PASS_THROUGH):
        return value
    text = value if type(value) is str else str(value)
    if ILLEGAL_CHARACTERS_RE.search(text):
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if text and (text[0] in _FIRST or text.lstrip(" ").startswith(FORMULA_TRIGGERS)):
        return "'" + text
    return text


def safe_row(values):
    """Apply :func:`safe_cell` to every value of an iterable (a row)."""
    return [safe_cell(value) for value in values]
