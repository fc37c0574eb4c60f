from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partner systems (API and webhooks)")

    def ready(self) -> None:
        from fiches.services import fiche_changing
        from partners.webhooks import on_fiche_changing

        fiche_changing.connect(on_fiche_changing, dispatch_uid="partners.on_fiche_changing")
        from django.db.models.signals import post_delete, post_save

        from partners.models import PartnerSystem, WebhookEndpoint
        from partners.webhooks import forget_endpoints

        for model in (WebhookEndpoint, PartnerSystem):
            for signal in (post_save, post_delete):
                signal.connect(
                    forget_endpoints, sender=model, dispatch_uid=f"partners.forget.{model.__name__}"
                )
