from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class FichesConfig(AppConfig):
    name = "fiches"
    verbose_name = _("Fiches")

    def ready(self) -> None:
        from fiches.address_index import after_migrate

        post_migrate.connect(after_migrate, sender=self, dispatch_uid="fiches.address_index")
