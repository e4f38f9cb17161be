from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("公开网站")

    def ready(self) -> None:
        # The public pages of projects, conferences, institutes, zones and chains are their staff previews
        # too (``ledger.preview.register_preview``).
        from . import chain_views, views  # noqa: F401
