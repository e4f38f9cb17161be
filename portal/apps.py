from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("公开网站")

    def ready(self) -> None:
        # The public pages of projects, conferences, institutes and zones are their staff previews too
        # (``ledger.preview.register_preview``).
        from . import views  # noqa: F401
