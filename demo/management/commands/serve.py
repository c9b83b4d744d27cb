"""``manage.py serve``: Django's development server for the embedded run (`make run`), which

* runs the scheduled jobs in the serving process (``core.scheduler``; not in autoreload's watching
  parent, and only when ``LUOSHI_EMBEDDED_SCHEDULER`` is on: Celery eager, no beat);
* ends its start-up output, once the server is listening, with the URL and the demo log-ins.
"""
import unicodedata

from django.conf import settings
from django.core.management.commands.runserver import Command as RunserverCommand

from core.scheduler import EmbeddedScheduler
from demo.clock import DEMO_TODAY
from demo.loading import demo_loaded, demo_login_table


def _width(text):
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text, width):
    return text + " " * (width - _width(text))


def table(rows):
    """Rows as aligned columns (Chinese characters count double)."""
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]


class Command(RunserverCommand):
    help = "启动开发服务器（嵌入式运行）：在本进程内运行定时任务，启动后最后显示访问地址和演示账号。"
    scheduler = None

    def on_bind(self, server_port):
        super().on_bind(server_port)
        host = f"[{self.addr}]" if self._raw_ipv6 else ("0.0.0.0" if self.addr == "0" else self.addr)
        url = f"{self.protocol}://{host}:{server_port}/"
        lines = []
        if getattr(settings, "LUOSHI_EMBEDDED_SCHEDULER", False) and self.scheduler is None:
            # Once now, before the log-ins are printed (so they stay the last lines), then on a thread.
            self.scheduler = EmbeddedScheduler()
            self.scheduler.run_due()
            self.scheduler.start()
            lines.append(f"定时任务在本进程内运行：{'、'.join(self.scheduler.entries)}（也可用 manage.py run_scheduled_jobs 手动运行）")
        lines.append("")
        lines.append(f"落实已启动：{url}")
        if getattr(settings, "LUOSHI_DEMO", False):
            lines.append(f"演示说明：{url}demo/（演示数据模拟 {DEMO_TODAY.isoformat()}）")
        if demo_loaded():
            lines.append("演示账号：")
            lines += ["  " + line for line in table([("角色", "姓名", "登录名", "密码"), *demo_login_table()])]
        else:
            lines.append("尚未载入演示数据（manage.py load_demo）。")
        self.stdout.write("\n".join(lines))
        self.stdout.flush()
