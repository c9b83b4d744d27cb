"""Models of the reports app, one module per concern; import them from here."""
from .reporting import DeadlineExtension, ProgressReport, RefusedEdit, ReportingRound, TargetValue

__all__ = ["DeadlineExtension", "ProgressReport", "RefusedEdit", "ReportingRound", "TargetValue"]
