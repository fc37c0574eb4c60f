from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CorrespondenceConfig(AppConfig):
    name = "correspondence"
    verbose_name = _("Citizen correspondence")

    def ready(self) -> None:
        from correspondence.receivers import on_fiche_changed
        from fiches.services import fiche_changed

        fiche_changed.connect(on_fiche_changed, dispatch_uid="correspondence.on_fiche_changed")
