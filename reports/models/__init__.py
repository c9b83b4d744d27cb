"""Models of the reports app, one module per concern; import them from here."""
from .attachments import Attachment
from .excel_uploads import ExcelUpload
from .notifications import Notification, ReminderLog
from .outbox import WorkflowEvent
from .reporting import DeadlineExtension, ProgressReport, RefusedEdit, ReportingRound, TargetValue
from .schedule import ReportingSchedule

__all__ = ["DeadlineExtension", "ProgressReport", "RefusedEdit", "ReportingRound", "TargetValue"]
__all__ += ["Attachment", "ExcelUpload", "Notification", "ReminderLog", "ReportingSchedule", "WorkflowEvent"]
