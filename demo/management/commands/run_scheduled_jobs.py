from django.core.management.base import BaseCommand, CommandError

from core.scheduler import entries, run_job


class Command(BaseCommand):
    help = ("立即运行定时任务（CELERY_BEAT_SCHEDULE：开启轮次、截止提醒、发送待发事件、夜间汇总、日志轮转），"
            "默认全部运行一次；各任务可重复运行（幂等）。")

    def add_arguments(self, parser):
        parser.add_argument("--job", action="append", default=[], metavar="名称",
                            help="只运行这个任务（可重复）；名称见 --list")
        parser.add_argument("--list", action="store_true", help="列出定时任务及其时间，不运行")

    def handle(self, *args, **options):
        jobs = entries()
        if options["list"]:
            for name, (task_name, every) in jobs.items():
                self.stdout.write(f"{name}\t{task_name}\t{every}")
            return
        unknown = [name for name in options["job"] if name not in jobs]
        if unknown:
            raise CommandError(f"没有这个定时任务：{'、'.join(unknown)}。可用的任务：{'、'.join(jobs)}")
        failed = []
        for name in options["job"] or list(jobs):
            try:
                result = run_job(jobs[name][0])
            except Exception as exc:  # noqa: BLE001 — reported, the other jobs still run
                failed.append(name)
                self.stderr.write(f"{name}：失败（{exc.__class__.__name__}: {exc}）")
            else:
                self.stdout.write(f"{name}：完成（{result!r}）")
        if failed:
            raise CommandError(f"{len(failed)} 个定时任务失败：{'、'.join(failed)}")
