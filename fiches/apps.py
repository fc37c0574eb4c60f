from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class FichesConfig(AppConfig):
    name = "fiches"
    verbose_name = _("Fiches")

    def ready(self) -> None:
        from catalogue.models import Family
        from fiches.address_index import after_migrate
        from fiches.selectors import forget_filter_choices
        from organisations.models import Body, Directorate

        post_migrate.connect(after_migrate, sender=self, dispatch_uid="fiches.address_index")
        for model in (Body, Directorate, Family):  # what the list's filters show of them
            for signal in (post_save, post_delete):
                uid = f"fiches.filter_choices.{model.__name__}"
                signal.connect(forget_filter_choices, sender=model, dispatch_uid=uid)
