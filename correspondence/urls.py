from django.urls import path

from correspondence import views

app_name = "correspondence"
urlpatterns = [
    path("", views.post_room, name="post_room"),
    path("lots/nouveau/", views.create_batch, name="create_batch"),
    path("lots/<int:pk>/pdf/", views.batch_pdf, name="batch_pdf"),
    path("lettres/<int:pk>/pdf/", views.letter_pdf, name="letter_pdf"),
    path("registre/", views.register, name="register"),
    path("fiche/<str:reference>/envoyer/", views.send_notice, name="send_notice"),
]
