"""Run in a fresh process by the workbook benchmark: time one way of writing the province's
year-end workbook and report the process's peak memory, as one JSON line.

    python -m tests.bench.workbook_probe luoshi|bare PLAN_ID YEAR

``luoshi`` is the real thing (``rollups.summary``: read the stored roll-up and reports,
neutralise, format and stream with XlsxWriter). ``bare`` first collects the very same cell
values (not timed), then times only writing them with bare XlsxWriter in constant-memory
mode, no formats — the floor of the writer the real thing uses.
"""
import json
import os
import sys
import tempfile
import time
from decimal import Decimal
from urllib.parse import urlsplit, urlunsplit


def bench_database_url():
    """``DATABASE_URL`` pointing at the benchmark database (see conftest.py), for the probe's process."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + os.environ.get("LUOSHI_BENCH_DB", "luoshi_bench")))


def peak_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(mode, plan_id, year):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import xlsxwriter

    from rollups.summary import sheets, workbook
    from tasks.models import WorkPlan

    plan = WorkPlan.objects.select_related("committee").get(pk=plan_id)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "summary.xlsx")
        if mode == "luoshi":
            start = time.perf_counter()
            workbook.write_workbook(path, sheets.WorkbookData(plan, year, include_lower=True).sheets())
            seconds = time.perf_counter() - start
        else:
            sheets = workbook.plain_rows(sheets.WorkbookData(plan, year, include_lower=True).sheets())
            start = time.perf_counter()
            book = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False,
                                              "strings_to_urls": False, "strings_to_numbers": False})
            for title, rows in sheets:
                ws = book.add_worksheet(title)
                for r, row in enumerate(rows):
                    for c, value in enumerate(row):
                        if value is not None:
                            ws.write(r, c, float(value) if isinstance(value, Decimal) else value)
            book.close()
            seconds = time.perf_counter() - start
        size = os.path.getsize(path)
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb(), "bytes": size}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
