"""Time a 5,000-row project import: preview (dry run), commit, and re-import of the same file.

    DATABASE_URL=sqlite:///var/bench-import.sqlite3 .venv/bin/python bench/bench_import.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qs_bench .venv/bin/python bench/bench_import.py

Creates (or reuses) the database named by DATABASE_URL, migrates it, and wipes its projects first.
"""

import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from qingshan.settings import default_settings_module  # noqa: E402

# As manage.py: production settings with DJANGO_DEBUG=0, the laptop's otherwise.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", default_settings_module())

import django  # noqa: E402

django.setup()

import tablib  # noqa: E402
from django.core.management import call_command  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "5000"))


def main() -> None:
    call_command("migrate", verbosity=0)
    from ledger.spreadsheets import template_dataset
    from projects.models import Enterprise, Project, ProjectMilestone, Sector, SectorTier

    ProjectMilestone.objects.all().delete()
    Project.objects.all().delete()
    sectors = [Sector.objects.get_or_create(slug=f"bench-{i}", defaults={"name": f"基准领域{i}", "tier": SectorTier.EMERGING})[0]
               for i in range(10)]
    investors = [Enterprise.objects.get_or_create(slug=f"bench-{i}", defaults={"name": f"基准企业{i}有限公司"})[0]
                 for i in range(50)]
    headers = template_dataset("projects").headers
    data = tablib.Dataset(headers=headers)
    for n in range(ROWS):
        row = dict.fromkeys(headers, "")
        started = n % 3 == 0
        row.update({
            "项目编号": f"QS-B-{n:05d}", "项目名称": f"基准项目{n}", "投资方": investors[n % 50].name,
            "产业领域": sectors[n % 10].name, "项目阶段": "已开工" if started else "已签约",
            "签约日期": f"2025-{n % 12 + 1:02d}-10", "开工日期": "2025-12-20" if started else "",
            "总投资（万元）": str(1000 + n), "到位资金（万元）": str(n % 500), "总部项目": "否",
        })
        data.append([row[h] for h in headers])
    path = Path("var/bench-import.xlsx")
    path.write_bytes(data.export("xlsx"))
    print(f"{ROWS} rows, {path.stat().st_size // 1024} KiB, database {django.db.connection.vendor}")
    if os.environ.get("BENCH_GENERATE_ONLY"):
        return
    for label, extra in (("preview (dry run)", []), ("commit", ["--commit"]), ("re-import (unchanged)", ["--commit"])):
        out = io.StringIO()
        started, cpu = time.monotonic(), time.process_time()
        call_command("import_ledger", "projects", str(path), *extra, stdout=out, verbosity=0)
        print(f"{label:24s} {time.monotonic() - started:6.1f} s wall {time.process_time() - cpu:6.1f} s CPU (this process)"
              f"   load {os.getloadavg()[0]:.1f}   {out.getvalue().splitlines()[0]}")
    print("projects now:", Project.objects.count())


if __name__ == "__main__":
    main()
