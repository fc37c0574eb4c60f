from django.urls import path

from portal import views

app_name = "portal"
urlpatterns = [
    path("", views.track, name="track"),
    path("ref/<str:reference>/", views.track, name="track_reference"),
    path("t/<str:token>/", views.status, name="status"),
    path("avis/<str:token>/", views.survey, name="survey"),
    path("satisfaction/", views.satisfaction, name="satisfaction"),
]
