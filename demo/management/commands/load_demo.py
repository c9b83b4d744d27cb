from django.core.management.base import BaseCommand

from demo.loading import DEMO_PASSWORD, demo_logins, load_demo


class Command(BaseCommand):
    help = "载入演示数据：吉林省残工委、2021年重点工作任务、演示用户和两个季度的进展报告（重复运行不会重复载入）。"

    def handle(self, *args, **options):
        created = load_demo()
        self.stdout.write("演示数据已载入。" if created else "演示数据已存在，未重复载入。")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, name in demo_logins():
            self.stdout.write(f"  {username:<12} {name}")
