from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Long work off the request: each run recorded as a ``Job`` and executed by django-tasks' database worker.

    Domain-neutral: it imports ``ledger`` only; domain apps register their kinds of job
    (``jobs.registry.register_job_kind``) from their own modules.
    """

    name = "jobs"
    verbose_name = _("后台任务")

    def ready(self) -> None:
        # The domain-neutral kinds: API exports, ledger imports, the admin's exports.
        from . import admin_handoff, exports, imports  # noqa: F401
