"""What the admin's import request does before it hands a large file to a job, against reading the file.

    .venv/bin/python bench/import_handoff.py

The hand-off (jobs/admin_handoff.py) counts the upload's rows with ``upload_rows_estimate`` (CSV line
breaks, the XLSX's recorded sheet size) instead of ``read_upload`` (every cell, what the synchronous
preview starts with and what the worker then does). Both on the same bytes, interleaved, median of
``BENCH_REPEAT`` runs; the ratio is estimate ÷ full read. No database needed.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingshan.settings.base")

import django  # noqa: E402

django.setup()

import tablib  # noqa: E402

from ledger.ledger_files import read_upload, upload_rows_estimate  # noqa: E402

HEADERS = ["项目编号", "项目名称", "投资方", "产业领域", "项目阶段", "签约日期", "总投资（万元）"]
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))


def upload(rows: int, extension: str) -> bytes:
    data = tablib.Dataset(headers=HEADERS)
    for n in range(rows):
        data.append([f"B-{n}", f"基准项目{n}", "基准企业有限公司", "氢能", "在谈", "", "100"])
    exported = data.export(extension)
    return exported if isinstance(exported, bytes) else ("\ufeff" + exported).encode()


def timed(function, *args) -> tuple[float, object]:
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def main() -> None:
    print(f"load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores, median of {REPEAT}")
    print("rows   format  estimate   full read   estimate/full  rows counted")
    for rows in (2_000, 20_000):
        for extension in ("csv", "xlsx"):
            data = upload(rows, extension)
            name = f"项目.{extension}"
            quick, full, counted = [], [], None
            for _ in range(REPEAT):
                seconds, counted = timed(upload_rows_estimate, data, name)
                quick.append(seconds)
                seconds, dataset = timed(read_upload, data, name)
                full.append(seconds)
                assert counted == len(dataset), (counted, len(dataset))
            q, f = statistics.median(quick), statistics.median(full)
            print(f"{rows:>6} {extension:>6} {q * 1000:8.1f} ms {f * 1000:9.1f} ms {q / f:12.3f}   {counted}")


if __name__ == "__main__":
    main()
