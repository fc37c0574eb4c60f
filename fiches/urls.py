from django.urls import path

from fiches.views import detail, intake, lists

app_name = "fiches"
urlpatterns = [
    path("", lists.fiche_list, name="list"),
    path("export.<str:fmt>", lists.export, name="export"),
    path("recherche/", lists.lookup, name="lookup"),
    path("nouvelle/", intake.intake, name="intake"),
    path("nouvelle/types/", intake.intake_types, name="intake_types"),
    path("nouvelle/type/", intake.intake_type_info, name="intake_type_info"),
    path("nouvelle/appelants/", intake.intake_callers, name="intake_callers"),
    path("nouvelle/appelant/<int:pk>/", intake.intake_caller, name="intake_caller"),
    path("nouvelle/doublons/", intake.intake_duplicates, name="intake_duplicates"),
    path("<str:reference>/", detail.detail, name="detail"),
    path("<str:reference>/enregistree/", intake.created, name="created"),
    path("<str:reference>/action/", detail.act, name="act"),
    path("<str:reference>/note/", detail.note, name="note"),
    path("<str:reference>/publication/", detail.publication, name="publication"),
    path("<str:reference>/piece/", detail.upload, name="upload"),
    path("<str:reference>/piece/<int:pk>/", detail.download, name="download"),
]
