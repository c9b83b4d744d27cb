"""Plan importer core: uploaded file -> SCHEMA.md structure (no Django).

Public API::

    read_document(data, filename, *, max_bytes=DEFAULT_MAX_BYTES) -> Document
    parse_plan(document_or_text, *, extract_targets) -> dict
    parse_file(data, filename, *, max_bytes=DEFAULT_MAX_BYTES, extract_targets) -> dict
    PlanImportError(message_zh, code)   # the only exception raised

The output format is described in shared/fixtures/plans/SCHEMA.md (beside the
repository); the tests score it with the score.py there.
"""

from .document import Document, Table, TextBlock
from .errors import PlanImportError
from .parser import parse_file, parse_plan
from .readers import DEFAULT_MAX_BYTES, read_document

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Document",
    "PlanImportError",
    "Table",
    "TextBlock",
    "parse_file",
    "parse_plan",
    "read_document",
]
