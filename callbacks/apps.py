from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallbacksConfig(AppConfig):
    name = "callbacks"
    verbose_name = _("Callbacks")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from callbacks.receivers import on_message_saved
        from correspondence.models import Message

        post_save.connect(on_message_saved, sender=Message, dispatch_uid="callbacks.on_message_saved")
