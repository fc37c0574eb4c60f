from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.security, name="security"),
    path("double-authentification/", views.enrol, name="enrol"),
    path("verification/", views.verify, name="verify"),
    path("codes-de-secours/", views.recovery_codes, name="recovery_codes"),
    path("deconnexion-partout/", views.logout_everywhere, name="logout_everywhere"),
]
