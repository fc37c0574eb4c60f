from django.urls import path

from knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("", views.answer_list, name="list"),
    path("nouvelle/", views.answer_edit, name="new"),
    path("<int:pk>/", views.answer_edit, name="edit"),
    path("recherche/", views.search, name="search"),
    path("<int:pk>/utiliser/", views.use, name="use"),
    path("fiche/<str:reference>/envoyer/", views.send, name="send"),
]
