from django.urls import path

from fiches import views

app_name = "fiches"
urlpatterns = [
    path("", views.fiche_list, name="list"),
    path("nouvelle/", views.intake, name="intake"),
    path("recherche/", views.lookup, name="lookup"),
]
