from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FiguresConfig(AppConfig):
    name = "figures"
    verbose_name = _("办公数据")

    def ready(self) -> None:
        # The weekly progress-alert list is a kind of job (``progress_alerts --background``).
        from . import governance, jobs  # noqa: F401

        governance.register()
