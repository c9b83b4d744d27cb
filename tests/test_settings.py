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
