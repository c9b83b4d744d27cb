"""Reacting to the reporting workflow: an accepted (or reopened) report queues the incremental
roll-up of what it touches."""
from django.dispatch import receiver

from reports.signals import report_counting_changed

from . import jobs


@receiver(report_counting_changed, dispatch_uid="rollups.after_report")
def queue_rollup_after_report(sender, *, report_id, **kwargs):
    jobs.rollup_after_accept.delay(report_id)
