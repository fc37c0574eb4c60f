from csp.decorators import csp_update
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from partners import views

app_name = "partners"

# Swagger UI and Redoc set styles inline: allowed on these two documentation pages only.
INLINE_STYLES = csp_update({"style-src": ["'unsafe-inline'"]})

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        INLINE_STYLES(SpectacularSwaggerSplitView.as_view(url_name="partners:schema")),
        name="swagger",
    ),
    path(
        "redoc/",
        INLINE_STYLES(
            SpectacularRedocView.as_view(url_name="partners:schema", template_name="partners/redoc.html")
        ),
        name="redoc",
    ),
    path("fiches/", views.FicheList.as_view(), name="fiches"),
    path("fiches/<str:reference>/", views.FicheDetail.as_view(), name="fiche"),
    path("fiches/<str:reference>/actions/", views.FicheAction.as_view(), name="action"),
    path("fiches/<str:reference>/notes/", views.FicheNote.as_view(), name="note"),
    path("fiches/<str:reference>/attachments/", views.FicheAttachments.as_view(), name="attachments"),
    path(
        "fiches/<str:reference>/attachments/<int:pk>/", views.AttachmentDownload.as_view(), name="attachment"
    ),
]
