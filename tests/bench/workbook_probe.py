"""Run in a fresh process by the workbook benchmark: time one way of writing the province's
year-end workbook and report the process's peak memory, as one JSON line.

    python -m tests.bench.workbook_probe luoshi|bare|memory PLAN_ID YEAR

``luoshi`` is the real thing as a production worker runs it (``rollups.summary``: read the
stored roll-up and reports — in two forked child processes, as ``LUOSHI_WORKBOOK_CHILD_READER``
does outside the embedded run — neutralise, format and stream with XlsxWriter). ``memory`` runs
it again, untimed, sampling the memory of the process and its children together every 50 ms
(the sum of their proportional set sizes: pages the forks share are counted once). ``bare`` first collects the very same cell
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


def tree_pss_mb(pid):
    """Proportional set size of ``pid`` and its children, in MB (0 for a process gone meanwhile)."""
    total = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            total += next(int(line.split()[1]) for line in rollup if line.startswith("Pss:")) / 1024
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as children:
                total += sum(tree_pss_mb(int(child)) for child in children.read().split())
    except (FileNotFoundError, ProcessLookupError, StopIteration):
        pass
    return total


class MemorySampler:
    """Samples ``tree_pss_mb`` of this process every ``seconds`` in a thread; ``peak`` is the largest."""

    def __init__(self, seconds=0.05):
        import threading

        self.peak, self.seconds = 0.0, seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.wait(self.seconds):
            self.peak = max(self.peak, tree_pss_mb(os.getpid()))

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=5)


def main(mode, plan_id, year):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LUOSHI_WORKBOOK_CHILD_READER", "true")  # a Celery worker's default
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
        elif mode == "memory":
            with MemorySampler() as sampler:
                start = time.perf_counter()
                workbook.write_workbook(path, sheets.WorkbookData(plan, year, include_lower=True).sheets())
                seconds = time.perf_counter() - start
            size = os.path.getsize(path)
            print(json.dumps({"seconds": seconds, "peak_mb": sampler.peak, "bytes": size}))
            return
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
