from django.urls import path

from telephony import views

app_name = "telephony"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("jour/<str:day>/", views.day_detail, name="day"),
    path("export.xlsx", views.export, name="export"),
    path("effectifs/", views.staffing, name="staffing"),
    path("import/", views.upload, name="upload"),
    path("import/csv/", views.upload_csv, name="upload_csv"),
    path("import/<int:pk>/", views.import_run, name="import_run"),
    path("import/<int:pk>/arreter/", views.stop_import, name="stop_import"),
]
