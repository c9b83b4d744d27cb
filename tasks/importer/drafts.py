"""Intermediate results of the parser, before they become SCHEMA.md JSON."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["SectionDraft", "TaskDraft"]


@dataclass
class SectionDraft:
    path: str
    title: str


@dataclass
class TaskDraft:
    """One task as read: ``text`` already without its units clause."""

    ref: str
    section: str
    text: str
    lead_units: list[str] = field(default_factory=list)
    participating_units: list[str] = field(default_factory=list)
    deadline_text: str = ""  # a table's 完成时限 cell, read together with the text
