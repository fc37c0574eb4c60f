from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Common interface")

    def ready(self) -> None:
        from django.apps import apps

        from allo_mairie.production import check_production
        from core import choices
        from core.database import after_migrate

        checks.register(check_production)
        choices.install(apps.get_models())
        post_migrate.connect(after_migrate, sender=self, dispatch_uid="core.after_migrate")
