"""The pieces of ``make load`` that judge a run (tests/load/run.py): failures inside and outside a
fault's window, and which failures count as clean answers."""
import csv
import socket
import threading

import pytest
import requests

from tests.load import browser, run


def _write(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def test_failures_are_split_by_the_fault_window(tmp_path):
    history = tmp_path / "load_stats_history.csv"
    header = ["Timestamp", "Name", "Total Failure Count"]
    _write(history, header, [
        [100, "Aggregated", 0], [101, "报告页", 5],  # per-request rows are ignored
        [110, "Aggregated", 2],   # 2 before the fault
        [120, "Aggregated", 12],  # 10 inside
        [135, "Aggregated", 15],  # 3 inside (the recovery tail)
        [150, "Aggregated", 16],  # 1 after
    ])
    assert run.failures_in(history, (115, 140)) == (3, 13)
    assert run.failures_in(history, None) == (16, 0)


def test_failure_kinds_tell_answers_from_dropped_connections(tmp_path):
    failures = tmp_path / "load_failures.csv"
    _write(failures, ["Method", "Name", "Error", "Occurrences"], [
        ["GET", "报告页", "HTTPError('503 Server Error: Service Unavailable for url: 报告页')", 4],
        ["GET", "API", "HTTPError('503 Server Error: Service Unavailable for url: API')", 2],
        ["POST", "保存草稿", "保存草稿: 503", 1],
        ["POST", "log in", "log-in refused (503)", 1],
        ["GET", "我的任务", "ConnectionError(ProtocolError('Connection aborted.', RemoteDisconnected()))", 3],
    ])
    kinds = run.failure_kinds(failures)
    assert kinds["HTTPError('503 Server Error: Service Unavailable"] == 6  # URLs cut off: one kind
    answered = {k for k in kinds if run.ANSWERED.search(k)}
    assert answered == set(kinds) - {k for k in kinds if k.startswith("ConnectionError")}
    assert run.EXCUSED == {"pg-stop": "clean", "web-kill": "any"}  # Redis and worker faults excuse nothing


def test_a_confirmed_submission_is_kept_by_its_history_even_after_a_later_version(world):
    """Submitted, returned and submitted again: both confirmed submissions are kept (the first in
    the history, not in the current text); a submission the database never saw is lost."""
    from reports import services

    report, reporter = world.report_of(world.lead_unit), world.users["lead_reporter"]

    def submit(marker):
        current = type(report).objects.get(pk=report.pk)
        return services.save_and_submit(report=current, user=reporter, version=current.version,
                                        progress=f"本季度工作进展：{marker}。", figures={world.target.pk: "3000"})

    submit("压测-first")
    approved = services.approve(report=type(report).objects.get(pk=report.pk), user=world.users["lead_approver"])
    services.return_report(report=approved, user=world.users["office"], comment="请补充分市数据")
    submit("压测-second")
    assert run.lost_writes([(report.pk, "压测-first"), (report.pk, "压测-second")]) == 0
    assert run.lost_writes([(report.pk, "压测-never-sent"), (report.pk + 999, "压测-first")]) == 2


class _DropsFirstRequest:
    """A loopback HTTP server that closes the first connection on receiving a request, unanswered (as
    a server closing a kept-alive connection just as the client reuses it), then answers 200."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.requests = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        for index in range(4):  # bounded: a test sends at most a few requests
            try:
                conn, _address = self.server.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                data = conn.recv(65536)
                self.requests.append(data.split(b" ", 1)[0].decode())
                if index == 0:
                    continue  # closed without an answer
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")

    def close(self):
        self.server.close()


def _browser_session():
    session = requests.Session()
    session.mount("http://", browser.browser_adapter())
    return session


def test_the_harness_client_sends_a_get_again_once_like_a_browser():
    server = _DropsFirstRequest()
    try:
        session, before = _browser_session(), len(browser.RETRIED)
        response = session.get(f"http://127.0.0.1:{server.port}/reports/", timeout=10)
        assert response.status_code == 200 and response.text == "ok"
        assert server.requests == ["GET", "GET"]
        assert len(browser.RETRIED) == before + 1  # counted, so the run reports it
    finally:
        server.close()


def test_the_harness_client_never_sends_a_form_twice():
    server = _DropsFirstRequest()
    try:
        session, before = _browser_session(), len(browser.RETRIED)
        with pytest.raises(requests.exceptions.ConnectionError):
            session.post(f"http://127.0.0.1:{server.port}/reports/1/submit/", data={"a": "1"}, timeout=10)
        assert server.requests == ["POST"]
        assert len(browser.RETRIED) == before
    finally:
        server.close()
