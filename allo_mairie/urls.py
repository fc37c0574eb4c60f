from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.views import PasswordChangeView

urlpatterns = [
    path("connexion/", auth_views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("mot-de-passe/", PasswordChangeView.as_view(), name="password_change"),
    path(
        "mot-de-passe/modifie/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("compte/", include("accounts.urls")),
    path("journal/", include("audit.urls")),
    path("admin/", admin.site.urls),
    path("nomenclature/", include("catalogue.urls")),
    path("fiches/", include("fiches.urls")),
    path("adresses/", include("places.urls")),
    path("suivi/", include("followup.urls")),
    path("courriers/", include("correspondence.urls")),
    path("rappels/", include("callbacks.urls")),
    path("connaissances/", include("knowledge.urls")),
    path("suivre/", include("portal.urls")),
    path("telephonie/direct/", include("cti.urls")),
    path("signaler/", include("portal.report_urls")),
    path("telephonie/", include("telephony.urls")),
    path("finances/", include("finance.urls")),
    path("barometre/", include("reporting.urls")),
    path("comite/", include("committee.urls")),
    path("api/v1/", include("partners.urls")),
    path("open311/", include("open311.urls")),
    path("donnees-personnelles/", include("privacy.urls")),
    path("", include("core.urls")),
]
# MEDIA_ROOT is never served as such, not even in development: attachments and letters are
# personal data, downloaded only through views that check who may see the fiche.
