from django.urls import path

from cti import views

app_name = "cti"
urlpatterns = [
    path("", views.wallboard, name="wallboard"),
    path("appel/", views.pop, name="pop"),
    path("appel/fermer/", views.dismiss, name="dismiss"),
    path("evenements/", views.notify, name="notify"),
]
