from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Common interface")

    def ready(self) -> None:
        from allo_mairie.production import check_production

        checks.register(check_production)
