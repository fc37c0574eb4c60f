from django.urls import path, re_path

from open311 import views

app_name = "open311"
FMT = r"\.(?P<fmt>xml|json)$"
urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^v2/discovery" + FMT, views.discovery, name="discovery_v2"),
    re_path(r"^v2/services" + FMT, views.services, name="services"),
    re_path(r"^v2/services/(?P<code>.+)" + FMT, views.service_definition, name="service"),
    re_path(r"^v2/requests" + FMT, views.requests, name="requests"),
    re_path(r"^v2/requests/(?P<request_id>[^/]+)" + FMT, views.request_detail, name="request"),
    re_path(r"^v2/tokens/(?P<token>[^/]+)" + FMT, views.token, name="token"),
    path("v2/media/<str:reference>/<int:pk>", views.media, name="media"),
]
