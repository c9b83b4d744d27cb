"""core.forked: rows made in a forked child process come back whole, in order, and a failing or
abandoned child is reported and reaped."""
import os
import time

import pytest
from django.db import connection, transaction

from core.forked import ChildRowsError, can_fork, rows_in_child


def _gone(child):
    """The child has been reaped (and so is no zombie): waiting for it again fails."""
    assert child.pid is None


def test_parts_come_back_whole_and_in_order_across_batches():
    parts = rows_in_child(lambda: [([i, f"第{i}行", None] for i in range(7)), iter([]), [("x", 1.5)]],
                          parts=3, batch_size=3)
    assert [list(p) for p in parts] == [[[i, f"第{i}行", None] for i in range(7)], [], [("x", 1.5)]]
    _gone(parts[0].child)


def test_the_child_works_before_it_is_read(tmp_path):
    marker = tmp_path / "made"

    def make():
        (tmp_path / "making").write_text("yes")
        os.replace(tmp_path / "making", marker)  # whole or absent: the parent polls it
        return [[1]]

    (part,) = rows_in_child(make)
    for _ in range(200):  # up to 2 s: the child runs on its own, nobody reads yet
        if marker.exists():
            break
        time.sleep(0.01)
    assert marker.read_text() == "yes"
    assert list(part) == [1]


def test_an_error_in_the_child_is_raised_with_its_message():
    def parts():
        yield ["ok"]
        raise ValueError("目标值不是数字")

    (part,) = rows_in_child(lambda: [parts()])
    with pytest.raises(ChildRowsError, match="ValueError: 目标值不是数字"):
        list(part)
    _gone(part.child)


def test_closing_before_the_end_stops_the_child():
    def endless():
        n = 0
        while True:
            n += 1
            yield [n, "一段很长的文字" * 50]

    first, second = rows_in_child(lambda: [endless(), iter([])], parts=2, batch_size=10)
    assert next(first) == [1, "一段很长的文字" * 50]
    pid = first.child.pid
    first.close()
    _gone(first.child)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    second.close()  # idempotent


def test_parts_are_read_in_order():
    first, second = rows_in_child(lambda: [[[1]], [[2]]], parts=2)
    with pytest.raises(RuntimeError):
        next(second)
    assert list(first) == [[1]] and list(second) == [[2]]


def test_a_child_that_dies_is_reported():
    def die():
        yield [1]
        os._exit(3)

    (part,) = rows_in_child(lambda: [die()], batch_size=1)
    with pytest.raises(ChildRowsError, match="状态 3"):
        list(part)


@pytest.mark.django_db
def test_no_fork_inside_a_transaction():
    # pytest-django's test runs in a transaction: a child could not see its rows.
    assert not can_fork()
    with transaction.atomic():
        assert not can_fork()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="backend ids are PostgreSQL's")
def test_the_child_has_its_own_session_and_leaves_the_parents_alone():
    def backend():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            return cursor.fetchone()[0]

    parent = backend()
    first, second = rows_in_child(lambda: [[[backend()]], [[backend()]]], parts=2)
    (child,), (child_again,) = list(first), list(second)
    assert child == child_again != parent
    assert backend() == parent  # the parent's session survived the fork and the child's exit
