from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from partners import views

app_name = "partners"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="partners:schema"), name="swagger"),
    path("redoc/", SpectacularRedocView.as_view(url_name="partners:schema"), name="redoc"),
    path("fiches/", views.FicheList.as_view(), name="fiches"),
    path("fiches/<str:reference>/", views.FicheDetail.as_view(), name="fiche"),
    path("fiches/<str:reference>/actions/", views.FicheAction.as_view(), name="action"),
    path("fiches/<str:reference>/notes/", views.FicheNote.as_view(), name="note"),
    path("fiches/<str:reference>/attachments/", views.FicheAttachments.as_view(), name="attachments"),
    path(
        "fiches/<str:reference>/attachments/<int:pk>/", views.AttachmentDownload.as_view(), name="attachment"
    ),
]
