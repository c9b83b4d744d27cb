"""Reacting to the reporting workflow: an accepted (or reopened) report queues the incremental
roll-up of what it touches; a closed round gets its 调度通报 drafted."""
from django.dispatch import receiver

from reports.signals import report_counting_changed, round_closed

from . import jobs


@receiver(report_counting_changed, dispatch_uid="rollups.after_report")
def queue_rollup_after_report(sender, *, report_id, **kwargs):
    jobs.rollup_after_accept.delay(report_id)


@receiver(round_closed, dispatch_uid="rollups.after_round_closed")
def queue_bulletin_draft(sender, *, round_id, **kwargs):
    jobs.draft_round_bulletin.delay(round_id)
