"""Large imports (preview or commit) as a job: the same resources as the admin and ``import_ledger``.

The uploaded file is kept in the job store (``Job.input_file``). A commit is all or nothing
(``LedgerResource.import_data`` runs in one transaction): a worker killed mid-way, a bad row or a
cancel writes nothing, and a retry starts again from the file.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ledger.spreadsheets import read_dataset, resource_class

from .models import Job
from .progress import Progress
from .registry import JobOutcome, register_job_kind

IMPORT_KIND = "ledger.import"
ERRORS_KEPT = 200


def _errors(result) -> list[str]:
    lines = [_("文件错误：%(error)s") % {"error": error.error} for error in result.base_errors]
    for row in result.invalid_rows:
        for column, messages in row.error_dict.items():
            lines += [_("第 %(row)d 行 [%(column)s] %(message)s") % {"row": row.number + 1, "column": column,
                                                                   "message": message} for message in messages]
    for number, errors in result.row_errors():
        lines += [_("第 %(row)d 行 %(error)s") % {"row": number + 1, "error": error.error} for error in errors]
    return lines


def run_import(job: Job, progress: Progress) -> JobOutcome:
    params = job.params
    with job.input_file.open("rb") as handle:
        dataset = read_dataset(handle.read(), params.get("filename") or job.input_file.name)
    commit = bool(params.get("commit"))
    message = _("已检查 %(done)s / %(total)s 行")
    resource = resource_class(params["resource"])(
        progress=lambda number, total: progress.rows(number, total, message), skip_diff=True
    )
    result = resource.import_data(dataset, dry_run=not commit, user=job.started_by)
    errors = _errors(result)
    totals = {key: result.totals[key] for key in ("new", "update", "skip", "invalid", "error")}
    summary = {"rows": len(dataset), "totals": totals, "errors": errors[:ERRORS_KEPT],
               "error_count": len(errors), "committed": False}
    if errors:
        if commit:
            raise ValidationError(_("有 %(count)d 处错误，未写入任何数据：%(first)s") % {
                "count": len(errors), "first": "；".join(errors[:5])})
        return JobOutcome(summary=summary)
    summary["committed"] = commit
    return JobOutcome(summary=summary)


register_job_kind(IMPORT_KIND, run_import)
