"""The citizens' online form (/signaler/) and its moderation by the call centre."""

from django.urls import path

from portal import views

app_name = "report"
urlpatterns = [
    path("", views.report, name="form"),
    path("adresses/", views.report_addresses, name="addresses"),
    path("merci/<str:token>/", views.report_done, name="done"),
    path("recue/", views.report_received, name="received"),
    path("moderation/", views.moderation, name="moderation"),
]
