from django.urls import path

from committee import views

app_name = "committee"
urlpatterns = [
    path("", views.index, name="index"),
    path("demandes/nouvelle/", views.propose, name="propose"),
    path("demandes/<int:pk>/", views.change, name="change"),
    path("demandes/<int:pk>/decision/", views.decide, name="decide"),
    path("demandes/<int:pk>/reponse/", views.answer, name="answer"),
    path("demandes/<int:pk>/urgence/", views.emergency, name="emergency"),
    path("dossiers/", views.packs, name="packs"),
    path("dossiers/<int:pk>/", views.pack, name="pack"),
    path("dossiers/<int:pk>/dossier.<str:fmt>", views.pack_file, name="pack_file"),
    path("rapports/", views.reports, name="reports"),
    path("rapports/<int:pk>/", views.report, name="report"),
    path("rapports/<int:pk>/rapport.<str:fmt>", views.report_file, name="report_file"),
    path("reunions/", views.meetings, name="meetings"),
    path("reunions/calendrier/", views.schedule, name="schedule"),
    path("reunions/demande/", views.ask_meeting, name="ask_meeting"),
    path("reunions/demandes/<int:pk>/", views.convene_request, name="convene_request"),
    path("reunions/<int:pk>/", views.meeting, name="meeting"),
    path("reunions/<int:pk>/convocation/", views.convene, name="convene"),
    path("reunions/<int:pk>/proces-verbal/", views.minutes, name="minutes"),
    path("reunions/<int:pk>/agenda.ics", views.meeting_calendar, name="meeting_ics"),
    path("reunions/<int:pk>/invitations/", views.invite, name="invite"),
]
