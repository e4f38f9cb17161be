from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("招商项目库")

    def ready(self) -> None:
        # The project rules (the stage table) and the funds ledger's register themselves with the write
        # door, the public models are declared to it (``governance``), the ledger's kinds of job with the job engine; a renamed account forgets the stored CSV
        # lines that name it.
        from accounts.users import register_username_changed

        from . import funds, governance, jobs, services  # noqa: F401

        governance.register()
        register_username_changed(services.export_lines_refill_officer)
