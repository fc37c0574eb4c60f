from django.urls import path

from finance import views

app_name = "finance"
urlpatterns = [
    path("", views.index, name="index"),
    path("conventions/<int:pk>/", views.agreement_detail, name="agreement"),
    path("conventions/<int:pk>/annexes/<int:annex>/", views.annex_file, name="annex"),
    path("conventions/<int:pk>/lettre-de-reconduction.pdf", views.renewal_letter, name="renewal_letter"),
    path("conventions/<int:pk>/<str:action>/", views.agreement_action, name="agreement_action"),
    path("conventions/<int:pk>/annee/<int:year>/", views.year_detail, name="year"),
    path("conventions/<int:pk>/annee/<int:year>/fiche-financiere/", views.sheet_edit, name="sheet"),
    path("conventions/<int:pk>/annee/<int:year>/cle/calcul/", views.key_compute, name="key_compute"),
    path("conventions/<int:pk>/annee/<int:year>/cle/validation/", views.key_validate, name="key_validate"),
    path("conventions/<int:pk>/annee/<int:year>/titre/<int:quarter>/", views.order_issue, name="order_issue"),
    path("titres/", views.register, name="register"),
    path("titres/export.csv", views.register_csv, name="register_csv"),
    path("titres/<str:number>.pdf", views.order_pdf, name="order_pdf"),
    path("titres/<str:number>/paiement/", views.order_paid, name="order_paid"),
    path("titres/<str:number>/annulation/", views.order_cancel, name="order_cancel"),
]
