from django.core.management.base import BaseCommand, CommandError

from demo import scale


class Command(BaseCommand):
    help = ("生成省级规模的模拟数据（1个省、9个市、60个县，每级40个成员单位，每年30项任务，月报，5年，"
            "约38万份报告、57万个数值），用于性能基准测试。已存在时不重复生成。")

    def add_arguments(self, parser):
        default = scale.Scale()
        parser.add_argument("--preset", choices=sorted(scale.PRESETS), default="default",
                            help="命名规模：largest = 全国最大省份（21个市、183个县，每个残工委60个成员单位，约166万份报告）；"
                                 "其余选项在预设之上再调整")
        parser.add_argument("--cities", type=int, default=default.cities, help="市（州）数")
        parser.add_argument("--counties", type=int, default=default.counties, help="县（市、区）总数")
        parser.add_argument("--units", type=int, default=default.units, help="每个残工委的成员单位数")
        parser.add_argument("--tasks", type=int, default=default.tasks, help="每个计划的任务数")
        parser.add_argument("--years", default=",".join(map(str, default.years)), help="年度，逗号分隔，如 2021,2022")
        parser.add_argument("--months", type=int, default=default.months, help="每年的月报期数（1–12）")
        parser.add_argument("--seed", type=int, default=default.seed, help="随机数种子")

    def handle(self, *args, **options):
        try:
            years = tuple(int(y) for y in options["years"].split(",") if y.strip())
        except ValueError:
            raise CommandError("--years 应为逗号分隔的年份，如 2021,2022") from None
        if not years or any(not 1949 <= y <= 2100 for y in years):
            raise CommandError("--years 至少需要一个1949–2100之间的年份")
        if not 1 <= options["months"] <= 12:
            raise CommandError("--months 应在1到12之间")
        if options["units"] < 3 or options["tasks"] < 1 or options["cities"] < 0 or options["counties"] < 0:
            raise CommandError("成员单位至少3个，任务至少1项，市、县数不能为负数")
        if options["counties"] and not options["cities"]:
            raise CommandError("有县级残工委时至少需要一个市级残工委")
        sizes = {"cities": options["cities"], "counties": options["counties"], "units": options["units"],
                 "tasks": options["tasks"]}
        default = scale.Scale()
        for name, value in scale.PRESETS[options["preset"]].items():
            if sizes[name] == getattr(default, name):  # an option given explicitly wins over the preset
                sizes[name] = value
        spec = scale.Scale(**sizes, years=years, months=options["months"], seed=options["seed"])
        quiet = options["verbosity"] == 0
        counts = scale.generate(spec, out=self.stdout, quiet=quiet)
        if not counts["created"]:
            self.stdout.write("规模数据已存在（示范省残工委），未重复生成。")
            return
        self.stdout.write(
            f"已生成：残工委 {counts['committees']} 个，成员单位 {counts['units']} 个，"
            f"报告 {counts['reports']} 份，目标数值 {counts['figures']} 个。"
        )
