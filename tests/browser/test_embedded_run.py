"""What `make run` does, end to end: migrate a fresh SQLite database, load the demo, serve it,
and read the demo plan in Chromium. (`make run` adds only the virtualenv install.)"""
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_embedded_run_serves_the_demo_plan(tmp_path, browser, axe):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CELERY_", "DJANGO_"))}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'embedded.sqlite3'}"
    manage = [sys.executable, "manage.py"]
    for args in (["migrate", "--noinput"], ["load_demo"], ["load_demo"]):
        done = subprocess.run(manage + args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    assert "未重复载入" in done.stdout and "office" in done.stdout
    port = free_port()
    # `make run` serves with `manage.py serve`: runserver plus the scheduled jobs in-process, and the URL
    # and the demo log-ins as the last lines once it listens.
    server = subprocess.Popen(manage + ["serve", f"127.0.0.1:{port}", "--noreload"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output, listening = [], threading.Event()

    def read():
        for line in server.stdout:
            output.append(line.rstrip("\n"))
            if line.split()[-2:] == ["admin", "luoshi-demo-2021"]:
                listening.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{port}"
        assert listening.wait(120), "\n".join(output)
        startup = list(output)
        assert startup[-13] == f"落实已启动：{base}/", startup
        assert startup[-10].split() == ["角色", "姓名", "登录名", "密码"]
        assert any(line.startswith("定时任务在本进程内运行") for line in startup)
        assert not any("Traceback" in line for line in startup), startup
        socket.create_connection(("127.0.0.1", port), timeout=1).close()  # listening when it says so
        context = browser.new_context()
        page = context.new_page()
        page.goto(base + "/")
        page.get_by_label("用户名").fill("office")
        page.get_by_label("密码").fill("luoshi-demo-2021")
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(base + "/", wait_until="load")  # the office lands on its 工作台
        page.get_by_role("banner").get_by_role("link", name="工作计划").click()
        page.get_by_role("link", name="吉林省人民政府残疾人工作委员会2021年重点工作任务").click()
        # Wait for what each assertion needs (the plan page, then its stylesheet), not a fixed time:
        # under load the click returns before the new page and its CSS have arrived.
        page.wait_for_url("**/plans/*/", wait_until="load")
        expect(page.locator("li.task")).to_have_count(21)
        # static files are served in the embedded mode too
        expect(page.locator(".site-header")).to_have_css("display", "flex")
        # The header's 演示说明 says which day the demo simulates; its page lists the log-ins.
        page.get_by_role("banner").get_by_role("link", name="演示说明（模拟 2022-01-18）").click()
        page.wait_for_url(base + "/demo/", wait_until="load")
        expect(page.get_by_text("演示数据模拟的日期：2022年1月18日")).to_be_visible()
        expect(page.get_by_role("cell", name="rs_reporter")).to_be_visible()
        # The 工作台 of the simulated day: the fourth quarter's late units, each chased.
        page.goto(base + "/", wait_until="load")
        expect(page.get_by_text("省人社厅（").first).to_be_visible()
        assert "催办2次" in page.content()
        violations = axe(page, "embedded-demo-workbench")
        assert violations == [], violations
        page.goto(base + "/demo/", wait_until="load")
        violations = axe(page, "embedded-demo-notice")
        assert violations == [], violations
        context.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
