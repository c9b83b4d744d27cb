"""Writes the year-end workbook (openpyxl write-only, so large sheets stream row by row):
Chinese headers, frozen header rows, widths, number formats, conditional status colours."""
from __future__ import annotations

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.formatting.rule import CellIsRule
from openpyxl.utils import get_column_letter

from .sheets import (
    HEADER_ALIGN,
    HEADER_BORDER,
    HEADER_FILL,
    HEADER_FONT,
    SECTION_FONT,
    STATUS_FILLS,
    TITLE_FONT,
    Styled,
)

# ---------------------------------------------------------------- writing the workbook

class _Styles:
    def __init__(self, ws):
        self.ws = ws

    def cell(self, value, style):
        cell = WriteOnlyCell(self.ws, value=value)
        if style == "title":
            cell.font = TITLE_FONT
        elif style == "section":
            cell.font = SECTION_FONT
        elif style == "header":
            cell.font, cell.fill, cell.alignment, cell.border = HEADER_FONT, HEADER_FILL, HEADER_ALIGN, HEADER_BORDER
        elif style:
            cell.number_format = style
        return cell


def write_workbook(dest, sheets):
    """Write ``sheets`` (SheetSpec) to ``dest`` (a path or a binary file) in write-only mode."""
    wb = Workbook(write_only=True)
    for spec in sheets:
        ws = wb.create_sheet(title=spec.title)
        styles = _Styles(ws)
        for index, column in enumerate(spec.columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = column.width
        if spec.freeze:
            ws.freeze_panes = spec.freeze
        count = 0
        if spec.header:
            ws.append([styles.cell(c.header, "header") for c in spec.columns])
            ws.print_title_rows = "1:1"
            count = 1
        formats = [(i, c.number_format) for i, c in enumerate(spec.columns) if c.number_format]
        for row in spec.rows:
            if formats:
                row = list(row)
                for i, number_format in formats:
                    if i < len(row) and row[i] is not None and not isinstance(row[i], Styled):
                        row[i] = styles.cell(row[i], number_format)
            ws.append([styles.cell(v.value, v.style) if isinstance(v, Styled) else v for v in row])
            count += 1
        if spec.header and count > 1:
            last = get_column_letter(len(spec.columns))
            ws.auto_filter.ref = f"A1:{last}{count}"
            for column, colours in spec.status_columns.items():
                letter = get_column_letter(column)
                for label, colour in colours.items():
                    fill, font = STATUS_FILLS[colour]
                    ws.conditional_formatting.add(
                        f"{letter}2:{letter}{count}",
                        CellIsRule(operator="equal", formula=[f'"{label}"'], fill=fill, font=font),
                    )
    wb.save(dest)


def plain_rows(sheets):
    """The same cells without any style: ``[(title, [rows])]`` (used to measure bare openpyxl)."""
    result = []
    for spec in sheets:
        rows = [[c.header for c in spec.columns]] if spec.header else []
        rows += [[v.value if isinstance(v, Styled) else v for v in row] for row in spec.rows]
        result.append((spec.title, rows))
    return result


