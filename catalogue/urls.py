from django.urls import path

from catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("", views.type_list, name="list"),
    path("nouveau/", views.new_type, name="new"),
    path("import/", views.import_view, name="import"),
    path("export.xlsx", views.export_view, {"fmt": "xlsx"}, name="export_xlsx"),
    path("export.csv", views.export_view, {"fmt": "csv"}, name="export_csv"),
    path("type/<str:code>/", views.type_detail, name="detail"),
    path("type/<str:code>/nouvelle-version/", views.publish, name="publish"),
    path("type/<str:code>/activation/", views.toggle_active, name="toggle_active"),
]
