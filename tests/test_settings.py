"""Production settings pass Django's deployment checks; configuration comes from the environment."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, env_extra):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG", "LUOSHI_MODE"}}
    env.update(env_extra)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)


def test_check_deploy_is_clean_in_production_mode():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        env_extra={
            "LUOSHI_MODE": "production",
            "SECRET_KEY": "a-real-secret-" + "x9Q2" * 16,
            "ALLOWED_HOSTS": "luoshi.example.gov.cn",
            "DATABASE_URL": "postgres://luoshi@db:5432/luoshi",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret():
    result = run_manage("check", env_extra={"LUOSHI_MODE": "production", "ALLOWED_HOSTS": "x"})
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_healthz_answers_without_login(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


def test_liveness_and_readiness(client, db, settings, monkeypatch):
    from django.core.cache import cache

    from core import health
    from reports import jobs

    assert client.get("/healthz/live").content == b"ok"
    body = client.get("/healthz/ready").json()
    # Eager mode (embedded): no worker to wait for; no nightly roll-up has run in this database.
    assert body["checks"]["database"] == {"ok": True} and body["checks"]["worker"]["mode"] == "eager"
    assert body["status"] == "degraded" and body["checks"]["nightly_rollup"]["ok"] is False

    settings.CELERY_TASK_ALWAYS_EAGER = False
    cache.delete(health.HEARTBEAT_KEY)
    assert client.get("/healthz/ready").json()["checks"]["worker"] == {"ok": False, "heartbeat_age_s": None}
    jobs.dispatch_workflow_events()  # what the worker runs every minute
    worker = client.get("/healthz/ready").json()["checks"]["worker"]
    assert worker["ok"] is True and 0 <= worker["heartbeat_age_s"] < 5


def test_readiness_is_503_without_the_database(client, db, monkeypatch):
    from config import views

    def no_database():
        raise OSError("connection refused")

    monkeypatch.setattr(views, "_database", no_database)
    response = client.get("/healthz/ready")
    assert response.status_code == 503 and response.json()["status"] == "down"
    assert "connection refused" in response.json()["checks"]["database"]["error"]


def test_metrics_for_the_monitoring_host_only(client, db, settings):
    from reports.models import WorkflowEvent

    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    body = response.content.decode()
    assert "django_http_requests_total_by_method_total" in body
    assert f"luoshi_outbox_pending {float(WorkflowEvent.objects.filter(dispatched_at__isnull=True).count())}" in body
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 404


def test_every_response_carries_a_request_id_and_keeps_the_callers(client, db):
    response = client.get("/accounts/login/")
    assert len(response["X-Request-ID"]) >= 32
    assert client.get("/accounts/login/", HTTP_X_REQUEST_ID="proxy-abc-123")["X-Request-ID"] == "proxy-abc-123"


def test_metrics_count_how_jobs_ended(client, db):
    """Outcomes are counted per job (through the cache, shared by every worker process)."""
    from celery import signals

    from core import jobmetrics
    from reports.jobs import dispatch_workflow_events
    from rollups.jobs import rollup_after_accept

    drain, rollup = "reports.jobs.dispatch_workflow_events", "reports.jobs.rollup_after_accept"
    before = jobmetrics.counts([drain, rollup])
    dispatch_workflow_events.delay()  # eager in tests: the same signals as in a worker
    signals.task_failure.send(sender=rollup_after_accept, task_id="t1", exception=RuntimeError("x"))
    signals.task_retry.send(sender=rollup_after_accept, request=None, reason="broker away")
    after = jobmetrics.counts([drain, rollup])
    assert after[(drain, "succeeded")] == before[(drain, "succeeded")] + 1
    assert after[(rollup, "failed")] == before[(rollup, "failed")] + 1
    assert after[(rollup, "retried")] == before[(rollup, "retried")] + 1
    body = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
    for job, outcome in ((drain, "succeeded"), (rollup, "failed"), (rollup, "retried")):
        line = f'luoshi_celery_jobs_total{{job="{job}",outcome="{outcome}"}} {float(after[(job, outcome)])}'
        assert line in body, line
