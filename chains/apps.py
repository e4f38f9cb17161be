from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChainsConfig(AppConfig):
    name = "chains"
    verbose_name = _("产业链图谱")

    def ready(self) -> None:
        # The chains' rules register with the write door (their public pages are the portal's).
        from . import governance, services  # noqa: F401

        governance.register()
