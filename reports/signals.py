"""Events of the reporting workflow that other apps act on (``rollups`` recomputes what a report
touches). Sent after the change is committed, so receivers see it and can never undo it."""
from django.dispatch import Signal

# A report started or stopped counting in roll-ups (accepted, or an accepted one reopened);
# sent with ``report_id``.
report_counting_changed = Signal()

# A round was closed (nothing in it can change any more); sent with ``round_id``.
round_closed = Signal()
