"""Import a spreadsheet (XLSX or CSV with the template's Chinese headers) with a progress bar.

    python manage.py import_ledger projects 项目.xlsx            # preview: every bad row, nothing written
    python manage.py import_ledger projects 项目.xlsx --commit   # all or nothing

The same resources (and so the same checks and the same services) as the admin's import page.
"""

import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from ledger.ledger_files import UnreadableFile
from ledger.spreadsheets import read_dataset, resource_class, resource_kinds


class Command(BaseCommand):
    help = "Import projects, enterprises, ambassadors or leads from XLSX/CSV; dry run unless --commit."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(resource_kinds()))
        parser.add_argument("path", type=Path)
        parser.add_argument("--commit", action="store_true", help="Write to the database (all or nothing).")
        parser.add_argument("--user", help="Username the import is recorded under (needed for reviewer-only stages).")

    def handle(self, *args, kind: str, path: Path, commit: bool, user: str | None = None, **options):
        if not path.exists():
            raise CommandError(_("找不到文件：%(path)s") % {"path": path})
        try:
            dataset = read_dataset(path.read_bytes(), path.name)
        except UnreadableFile as exc:
            raise CommandError(str(exc)) from exc
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(_("没有用户 %(user)s。") % {"user": user})
        started = time.monotonic()
        with tqdm(total=len(dataset), unit=_("行"), disable=options.get("verbosity", 1) < 1,
                  file=self.stderr._out) as bar:
            resource = resource_class(kind)(progress=lambda number, total: bar.update(1), skip_diff=True)
            result = resource.import_data(dataset, dry_run=not commit, user=account)
        elapsed = time.monotonic() - started
        for error in result.base_errors:
            self.stdout.write(_("文件错误：%(error)s") % {"error": error.error})
        # Row numbers as Excel shows them: the header is row 1.
        for row in result.invalid_rows:
            for column, messages in row.error_dict.items():
                for message in messages:
                    self.stdout.write(_("第 %(row)d 行 [%(column)s] %(message)s") % {
                        "row": row.number + 1, "column": column, "message": message})
        for number, errors in result.row_errors():
            for error in errors:
                self.stdout.write(_("第 %(row)d 行 %(error)s") % {"row": number + 1, "error": error.error})
        totals = result.totals
        summary = _("%(rows)d 行，用时 %(seconds).1f 秒：新增 %(new)d，更新 %(update)d，未变 %(skip)d，有误 %(invalid)d。") % {
            "rows": len(dataset), "seconds": elapsed, "new": totals["new"], "update": totals["update"],
            "skip": totals["skip"], "invalid": totals["invalid"] + totals["error"],
        }
        self.stdout.write(summary)
        if result.has_errors() or result.has_validation_errors():
            raise CommandError(_("有错误，未写入任何数据。"))
        if not commit:
            self.stdout.write(_("预览完成，未写入。加 --commit 正式导入。"))
