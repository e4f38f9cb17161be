from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("招商项目库")

    def ready(self) -> None:
        # The project rules (the stage table) and the funds ledger's register themselves with the write door, the public
        # pages their staff previews (ledger.preview), the ledger's kinds of job (progress alerts)
        # with the job engine.
        from . import checks, funds, jobs, services, two_factor, views  # noqa: F401
