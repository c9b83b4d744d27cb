"""The workflow outbox: an accepted report owes a roll-up; the debt is written with the accept,
sent after the commit, and kept (then sent by the drain job) when the broker is away."""
import pytest
from django.core.exceptions import ValidationError
from kombu.exceptions import OperationalError as BrokerDown

from reports import jobs, outbox
from reports import services as report_services
from reports.models import ProgressReport, WorkflowEvent
from rollups import jobs as rollup_jobs
from rollups.models import TargetRollup

Status = ProgressReport.Status


def _approved(world):
    u = world.users
    report = world.report_of(world.lead_unit)
    report = report_services.save_draft(report=report, user=u["lead_reporter"], version=report.version,
                                        progress="新增就业3100人。", figures={world.target.pk: "3100"})
    report = report_services.submit(report=report, user=u["lead_reporter"])
    return report_services.approve(report=report, user=u["lead_approver"])


def test_accept_records_the_owed_roll_up_and_sends_it_after_commit(world, django_capture_on_commit_callbacks):
    report = _approved(world)
    with django_capture_on_commit_callbacks(execute=True):
        report_services.accept(report=report, user=world.users["office"])
    event = WorkflowEvent.objects.get(report=report)
    assert event.kind == WorkflowEvent.Kind.REPORT_COUNTING_CHANGED
    assert event.dispatched_at is not None and event.attempts == 1 and event.last_error == ""
    assert TargetRollup.objects.get(target=world.target).reached == 3100


def test_broker_away_keeps_the_debt_and_the_drain_pays_it(world, monkeypatch, django_capture_on_commit_callbacks):
    report = _approved(world)
    real_delay = rollup_jobs.rollup_after_accept.delay

    def broker_down(*args, **kwargs):
        raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(rollup_jobs.rollup_after_accept, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        accepted = report_services.accept(report=report, user=world.users["office"])
    assert accepted.status == Status.ACCEPTED  # the user's action stands
    event = WorkflowEvent.objects.get(report=report)
    assert event.dispatched_at is None and event.attempts == 1 and "Connection refused" in event.last_error
    assert not TargetRollup.objects.exists()

    assert jobs.dispatch_workflow_events.delay().get() == 0  # still away: nothing sent, nothing lost
    assert WorkflowEvent.objects.get(pk=event.pk).attempts == 2

    monkeypatch.setattr(rollup_jobs.rollup_after_accept, "delay", real_delay)  # the broker is back
    assert jobs.dispatch_workflow_events.delay().get() == 1
    assert WorkflowEvent.objects.get(pk=event.pk).dispatched_at is not None
    assert TargetRollup.objects.get(target=world.target).reached == 3100
    assert jobs.dispatch_workflow_events.delay().get() == 0  # paid once


def test_the_drain_sends_oldest_first_and_stops_at_the_first_failure(world, monkeypatch):
    first = WorkflowEvent.objects.create(kind=WorkflowEvent.Kind.REPORT_COUNTING_CHANGED, report=world.report_of(world.lead_unit))
    second = WorkflowEvent.objects.create(kind=WorkflowEvent.Kind.REPORT_COUNTING_CHANGED, report=world.report_of(world.part_unit))
    sent = []

    def fail_on_second(report_id):
        if report_id == second.report_id:
            raise BrokerDown("gone")
        sent.append(report_id)

    monkeypatch.setattr(rollup_jobs.rollup_after_accept, "delay", fail_on_second)
    assert outbox.dispatch() == 1
    assert sent == [first.report_id]
    assert WorkflowEvent.objects.filter(dispatched_at__isnull=True).get() == second


def test_a_refused_accept_owes_nothing(world):
    report = world.report_of(world.lead_unit)  # a draft: cannot be accepted
    with pytest.raises(ValidationError):
        report_services.accept(report=report, user=world.users["office"])
    assert not WorkflowEvent.objects.exists()
