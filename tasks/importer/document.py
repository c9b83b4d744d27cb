"""What a reader hands to the parser: text lines and tables, in document order.

Readers (``readers.py``) know file formats; the parser knows plans. The
:class:`Document` between them is deliberately plain so that the parser can be
tested on a string and the Django layer can build one from any other source.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Document", "Table", "TextBlock"]


@dataclass
class TextBlock:
    """Consecutive lines of running text (paragraphs, or the lines of a PDF page)."""

    lines: list[str] = field(default_factory=list)


@dataclass
class Table:
    """A table as a grid of cell strings; merged cells already carry their text."""

    rows: list[list[str]] = field(default_factory=list)

    def as_lines(self) -> list[str]:
        """Flatten to text lines, for tables that turn out not to be task tables."""
        lines = []
        for row in self.rows:
            cells = [c.strip() for c in row if c and c.strip()]
            deduped = [c for i, c in enumerate(cells) if i == 0 or c != cells[i - 1]]
            if deduped:
                lines.append(" ".join(deduped))
        return lines


@dataclass
class Document:
    """A read document: ``blocks`` holds :class:`TextBlock` and :class:`Table` items in order.

    ``kind`` names the format it was read from (``text``, ``docx``, ``xlsx``, ``pdf``,
    ``csv``, ``html``); ``wrapped`` is True where lines are known to be broken at the
    page width rather than at paragraph ends (PDF), so the normaliser must re-join them
    (None: let the normaliser guess). ``marked_breaks`` is True where the reader knows
    the paragraph ends and marked each with a blank line (PDF, from the geometry).
    """

    blocks: list[TextBlock | Table] = field(default_factory=list)
    kind: str = "text"
    wrapped: bool | None = None
    marked_breaks: bool = False

    @classmethod
    def from_text(cls, text: str) -> Document:
        """A document of one text block; line ends of any convention are accepted."""
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        return cls(blocks=[TextBlock(lines)], kind="text")

    @property
    def lines(self) -> list[str]:
        """All text lines, tables flattened in place (handy for metadata and debugging)."""
        out: list[str] = []
        for block in self.blocks:
            out.extend(block.lines if isinstance(block, TextBlock) else block.as_lines())
        return out

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def has_content(self) -> bool:
        """True if any block holds a non-blank character."""
        return any(line.strip() for line in self.lines)
