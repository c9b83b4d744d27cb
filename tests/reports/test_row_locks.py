"""Writes to different reports of one round do not wait for each other; closing the round waits for them.

A report write locks the report's row for update and the round's row for share. These tests hold
one write open in this thread and try the others from a second connection with a short
``lock_timeout``: a wait would end in PostgreSQL's "lock not available" error.
"""
import threading

import pytest
from django.db import OperationalError, connection, connections, transaction

from reports import services

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")


def in_other_connection(work):
    """Run ``work`` in a thread (its own database connection) with a 1 s lock timeout; return its outcome."""
    outcome = {}

    def run():
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '1s'")
                outcome["value"] = work()
        except Exception as error:  # noqa: BLE001 — handed back to the test
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive()
    return outcome


@pytest.mark.django_db(transaction=True)
def test_a_write_to_one_report_does_not_block_another_in_the_same_round(world, flow):
    lead_report, part_report = flow.report(world.lead_unit), flow.report(world.part_unit)
    with transaction.atomic():
        services._locked(lead_report)  # a write in flight: the lead unit saving its report
        other = in_other_connection(lambda: flow.draft(world.part_unit, progress="参加单位同时填报。"))
        assert "error" not in other, other.get("error")
    assert flow.fresh(part_report).progress == "参加单位同时填报。"


@pytest.mark.django_db(transaction=True)
def test_two_people_writing_the_same_report_still_take_turns(world, flow):
    report = flow.report(world.lead_unit)
    with transaction.atomic():
        services._locked(report)
        other = in_other_connection(lambda: services._locked(report))
    assert isinstance(other.get("error"), OperationalError)
    assert "lock" in str(other["error"])


@pytest.mark.django_db(transaction=True)
def test_closing_the_round_waits_for_the_writes_in_flight(world, flow):
    report = flow.report(world.lead_unit)
    with transaction.atomic():
        services._locked(report)
        closing = in_other_connection(lambda: services.close_round(round=world.round, user=world.users["office"]))
    assert isinstance(closing.get("error"), OperationalError)
    world.round.refresh_from_db()
    assert not world.round.closed  # nothing written by the refused close
    services.close_round(round=world.round, user=world.users["office"])  # once the write is done
    world.round.refresh_from_db()
    assert world.round.closed
