from django.urls import path

from followup import views

app_name = "followup"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("lot/", views.queue_bulk, name="bulk"),
    path("vues/", views.saved_view_create, name="view_create"),
    path("vues/<int:pk>/supprimer/", views.saved_view_delete, name="view_delete"),
    path("tableau/", views.board, name="board"),
    path("a-reorienter/", views.reroute_list, name="reroute_list"),
    path("a-reorienter/<str:reference>/", views.reroute_fiche, name="reroute"),
    path("fiche/<str:reference>/", views.work, name="work"),
    path("fiche/<str:reference>/messages/", views.thread_post, name="thread_post"),
]
