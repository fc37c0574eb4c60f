"""GeoReport v2 routes: ``<resource>.<fmt>``, no trailing slash. The format is checked by the
views (xml or json, else 404); ``str`` converters take everything up to the last dot."""

from django.urls import path

from open311 import views

app_name = "open311"
urlpatterns = [
    path("discovery.<str:fmt>", views.discovery, name="discovery"),
    path("v2/discovery.<str:fmt>", views.discovery, name="discovery_v2"),
    path("v2/services.<str:fmt>", views.services, name="services"),
    path("v2/services/<str:code>.<str:fmt>", views.service_definition, name="service"),
    path("v2/requests.<str:fmt>", views.requests, name="requests"),
    path("v2/requests/<str:request_id>.<str:fmt>", views.request_detail, name="request"),
    path("v2/tokens/<str:token>.<str:fmt>", views.token, name="token"),
    path("v2/media/<str:reference>/<int:pk>", views.media, name="media"),
]
