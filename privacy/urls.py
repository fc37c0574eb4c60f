from django.urls import path

from privacy import views

app_name = "privacy"
urlpatterns = [
    path("", views.notice, name="notice"),
    path("personnes/", views.people, name="people"),
    path("personne/", views.person, name="person"),
    path("personne/acces.<str:fmt>", views.access_file, name="access_file"),
    path("personne/rectifier/", views.rectify, name="rectify"),
    path("personne/effacer/", views.erase, name="erase"),
]
