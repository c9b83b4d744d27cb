"""Importer speed: a 40 KB plan document, parsed end to end, against a bare pass over its text."""
import json
import re
import statistics
import time
import tracemalloc

import pytest

from targets.extraction import extract_targets
from tasks.importer import parse_file
from tests.plan_fixtures import PLANS

pytestmark = pytest.mark.bench
CN = "一二三四五六七八九十"


def forty_kb_plan() -> bytes:
    """A key-task plan of ≥ 40 KB built from the 2021 plan's real tasks, renumbered into more sections."""
    plan = json.loads((PLANS / "jilin-2021-key-tasks.expected.json").read_text(encoding="utf-8"))
    lines = ["关于印发《吉林省人民政府残疾人工作委员会2022年重点工作任务》的通知", "吉政残工委发〔2022〕1号", ""]
    number, section = 0, 0
    while len("\n".join(lines).encode()) < 40 * 1024:
        for task in plan["tasks"]:
            if number % 6 == 0:
                lines.append(f"　　{CN[section % 10]}{'' if section < 10 else CN[section // 10 - 1]}、第{section + 1}部分重点工作")
                section += 1
            number += 1
            units = f"（牵头单位：{'、'.join(task['lead_units'] or ['省残联'])}；参加单位：{'、'.join(task['participating_units'] or ['省财政厅'])}）"
            lines.append(f"　　{number}.{task['text']}{units}")
    return "\n".join(lines).encode()


def best_of(fn, runs=7):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def test_import_a_40kb_plan():
    data = forty_kb_plan()
    marker = re.compile(r"^\s*(\d+)[.．、]")

    def floor():  # decode, split and find the numbered items: what any importer must do at least
        return [m.group(1) for line in data.decode("utf-8").splitlines() if (m := marker.match(line))]

    result = parse_file(data, "plan.txt", extract_targets=extract_targets)
    assert len(result["tasks"]) == len(floor())
    value, floor_value = best_of(lambda: parse_file(data, "plan.txt", extract_targets=extract_targets)), best_of(floor)
    tracemalloc.start()
    parse_file(data, "plan.txt", extract_targets=extract_targets)
    peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    tracemalloc.stop()
    print(json.dumps({"name": "import_40kb_plan", "bytes": len(data), "tasks": len(result["tasks"]),
                      "value": round(value, 4), "floor": round(floor_value, 5), "ratio": round(value / floor_value, 1),
                      "max_ratio": None, "goal_seconds": 0.2, "peak_mb": round(peak, 1)}))
    assert value < 0.2, f"导入 40 KB 计划用时 {value:.3f}s，超过 0.2s 的目标"
