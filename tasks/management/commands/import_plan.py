"""manage.py import_plan PATH --committee CODE [--dry-run] [--json] [--map 名称=单位代码] [--create-units]"""
import json
import signal
import threading
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tasks import importing
from tasks.models import WorkPlan
from units.models import Committee, Unit

DEFAULT_TIME_LIMIT = 300


class ImportTimeout(Exception):
    """Raised by the alarm when the import takes longer than ``--time-limit``."""


class Command(BaseCommand):
    help = "导入工作计划文件（文本、Word、Excel、PDF）。--dry-run --json 只输出识别结果（SCHEMA.md 格式），不写入数据库。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="计划文件路径")
        parser.add_argument("--committee", help="残工委代码（dry-run 时可省略）")
        parser.add_argument("--dry-run", action="store_true", help="只识别，不保存")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出识别结果")
        parser.add_argument("--map", action="append", default=[], metavar="名称=单位代码",
                            help="把文件中无法识别的单位名称对应到已有单位（会记为别名），可重复")
        parser.add_argument("--create-units", action="store_true", help="为无法识别的单位名称新建单位")
        parser.add_argument("--publish", action="store_true", help="导入后直接发布（默认草稿）")
        parser.add_argument("--time-limit", type=int, default=DEFAULT_TIME_LIMIT, metavar="秒",
                            help=f"超过这么多秒仍未完成就放弃，不写入任何内容（默认 {DEFAULT_TIME_LIMIT}；0 表示不限）")

    def execute(self, *args, **options):
        limit = options.get("time_limit") or 0
        if limit <= 0 or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
            return super().execute(*args, **options)

        def out_of_time(signum, frame):
            raise ImportTimeout

        previous = signal.signal(signal.SIGALRM, out_of_time)
        signal.setitimer(signal.ITIMER_REAL, limit)
        try:
            return super().execute(*args, **options)
        except ImportTimeout:
            raise CommandError(f"导入超过 {limit} 秒仍未完成，已放弃，未写入任何内容。请检查文件是否确为工作计划，"
                               "或用 --time-limit 放宽时限。") from None
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    def handle(self, *args, path, committee, dry_run, json: bool, map, create_units, publish, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"找不到文件：{path}")
        if file.stat().st_size > settings.LUOSHI_MAX_UPLOAD_BYTES:  # before reading it into memory
            raise CommandError(f"文件过大（{file.stat().st_size / 1048576:.1f} MB），超过了 "
                               f"{settings.LUOSHI_MAX_UPLOAD_BYTES / 1048576:.0f} MB 的上限（LUOSHI_MAX_UPLOAD_BYTES）。")
        data = file.read_bytes()
        try:
            structure = importing.read_plan_file(data=data, filename=file.name, ocr=True)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None

        target = Committee.objects.filter(code=committee).first() if committee else None
        if committee and target is None:
            raise CommandError(f"没有代码为“{committee}”的残工委。")
        if dry_run:
            if json:
                self.stdout.write(_dumps(structure))
            else:
                self._summary(structure, target)
            return
        if target is None:
            raise CommandError("保存时必须用 --committee 指定残工委。")

        resolution = importing.resolve_units(committee=target, structure=structure)
        unknown = [name for name, r in resolution.items() if r["status"] == "unknown"]
        choices = self._choices(unknown, resolution, target, map, create_units)
        record = importing.start_import(committee=target, user=None, data=data, filename=file.name,
                                        structure=structure)
        try:
            plan = importing.confirm_import(
                record=record, user=None, unit_choices=choices,
                status=WorkPlan.Status.PUBLISHED if publish else WorkPlan.Status.DRAFT,
            )
        except ImportTimeout:
            importing.discard_import(record=record, user=None)
            raise
        except ValidationError as exc:
            importing.discard_import(record=record, user=None)
            raise CommandError("导入失败，未写入任何内容：" + "；".join(exc.messages)) from None
        if json:
            self.stdout.write(_dumps({"plan_id": plan.pk, **structure}))
        else:
            self.stdout.write(f"已导入：{plan.title}（{plan.tasks.count()} 项任务），编号 {plan.pk}")

    def _choices(self, unknown, resolution, committee, mappings, create_units):
        choices = {}
        for item in mappings:
            name, _, code = item.partition("=")
            unit = Unit.objects.filter(committee=committee, code=code.strip()).first()
            if unit is None:
                raise CommandError(f"--map {item}：本残工委没有代码为“{code}”的单位。")
            choices[name.strip()] = str(unit.pk)
        missing = [n for n in unknown if n not in choices]
        if missing and create_units:
            choices.update({n: "new" for n in missing})
        elif missing:
            lines = []
            for name in missing:
                hints = "、".join(f"{s['unit_name']}({s['score']})" for s in resolution[name]["suggestions"]) or "无相近单位"
                lines.append(f"  {name} —— 相近：{hints}")
            raise CommandError("以下单位名称无法识别，请用 --map 名称=单位代码 对应，或用 --create-units 新建；未写入任何内容：\n"
                               + "\n".join(lines))
        return choices

    def _summary(self, structure, committee):
        meta = structure.get("plan") or {}
        self.stdout.write(f"标题：{meta.get('title') or '（未识别）'}")
        self.stdout.write(f"文号：{meta.get('doc_number') or '—'}  年度：{meta.get('period_start')}—{meta.get('period_end')}")
        tasks = structure.get("tasks", [])
        self.stdout.write(f"章节 {len(structure.get('sections', []))} 个，任务 {len(tasks)} 项，"
                          f"目标 {sum(len(t.get('targets', [])) for t in tasks)} 个")
        if committee is not None:
            unknown = [n for n, r in importing.resolve_units(committee=committee, structure=structure).items()
                       if r["status"] == "unknown"]
            if unknown:
                self.stdout.write("无法识别的单位：" + "、".join(unknown))


def _dumps(data):
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)
