from django.urls import path

from reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.page, name="barometer"),
    path("export.<str:fmt>", views.export, name="export"),
]
