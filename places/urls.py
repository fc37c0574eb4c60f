from django.urls import path

from places import views

app_name = "places"
urlpatterns = [
    path("recherche/", views.search, name="search"),
    path("point/", views.reverse, name="reverse"),
]
