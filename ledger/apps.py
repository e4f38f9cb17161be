from django.apps import AppConfig
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .people import install_display_name


class LedgerConfig(AppConfig):
    """The core every domain app builds on: record base models, the write door, workflow, history,
    public-data versioning, importing, exports, API building blocks and admin mixins.

    It imports no domain app; ``projects`` and ``ambassadors`` import it.
    """

    name = "ledger"
    verbose_name = _("台账核心")

    def ready(self) -> None:
        install_display_name(get_user_model())
