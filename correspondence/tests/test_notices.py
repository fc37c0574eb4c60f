import json

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from correspondence import sms
from correspondence.models import LetterTemplate, Message
from correspondence.services import template_for
from fiches.services import add_note, transition

pytestmark = pytest.mark.django_db

SECRET = "NOTE-INTERNE-CONFIDENTIELLE"


def test_email_notice_html_and_text(make_fiche, users, requester_factory, committed):
    with committed():
        fiche = make_fiche("ECL-LAMP", requester=requester_factory("email"))
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["alice.durand@example.org"]
    assert fiche.reference in email.subject
    assert "Madame," in email.body and "https://allo.example.org/suivre/t/" in email.body
    html = email.alternatives[0][0]
    assert "Suivre ma demande" in html and fiche.reference in html
    assert Message.objects.get(fiche=fiche).state == "sent"


def test_closure_email_carries_survey_link(make_fiche, users, requester_factory, committed):
    with committed():
        fiche = make_fiche("ECL-LAMP", requester=requester_factory("email"))
        transition(fiche, "resolve", users["cellule-eclairage"], outcome="Lampe remplacée le 3 mars.")
    closing = mail.outbox[-1]
    assert "Lampe remplacée le 3 mars." in closing.body
    assert "https://allo.example.org/suivre/avis/" in closing.body


def test_sms_notice_keeps_reference_and_link(make_fiche, users, requester_factory, committed):
    with committed():
        fiche = make_fiche("ECL-LAMP", requester=requester_factory("sms"))
    assert len(sms.outbox) == 1
    text = sms.outbox[0].text
    assert fiche.reference in text
    assert f"https://allo.example.org/suivre/ref/{fiche.reference}/" in text
    from correspondence.smstext import measure

    assert measure(text).encoding == "GSM-7" and measure(text).segments <= 2


def test_phone_preference_sends_nothing_but_is_listed(make_fiche, requester_factory, committed):
    with committed():
        fiche = make_fiche("ECL-LAMP", requester=requester_factory("phone"))
    assert not mail.outbox and not sms.outbox
    message = Message.objects.get(fiche=fiche)
    assert message.channel == "phone" and message.state == "not_sent"


def test_followers_and_duplicate_requester_receive_original_notices(
    make_fiche, users, requester_factory, committed
):
    follower = requester_factory("email", email="bob@example.org", first_name="Bob", civility="M.")
    dup_requester = requester_factory("sms", phone="07 11 22 33 44", email="", first_name="Chloé")
    with committed():
        original = make_fiche("ECL-LAMP", requester=requester_factory("email"))
        from fiches.services import add_follower

        add_follower(original, follower, users["agent"])
        duplicate = make_fiche("ECL-LAMP", requester=dup_requester)
        transition(duplicate, "mark_duplicate", users["agent"], original=original)
    mail.outbox.clear()
    sms.outbox.clear()
    with committed():
        transition(original, "resolve", users["cellule-eclairage"], outcome="Réparé.")
    assert sorted(m.to[0] for m in mail.outbox) == ["alice.durand@example.org", "bob@example.org"]
    assert len(sms.outbox) == 1 and sms.outbox[0].to == "07 11 22 33 44"
    assert original.reference in sms.outbox[0].text


def test_internal_notes_never_reach_messages(make_fiche, users, requester_factory, committed):
    people = [requester_factory(c, email=f"{c}@example.org") for c in ("email", "sms", "letter")]
    with committed():
        fiche = make_fiche("VOI-NID", requester=people[0])
        for person in people[1:]:
            fiche.followers.add(person)
        add_note(fiche, users["cellule-voirie"], SECRET, public=False)
        transition(fiche, "acknowledge", users["cellule-voirie"])
        transition(fiche, "wait", users["cellule-voirie"], comment=SECRET, public=False)
        transition(fiche, "start", users["cellule-voirie"])
        transition(fiche, "send_back", users["cellule-voirie"], comment=SECRET)
        transition(
            fiche,
            "reject",
            users["superviseur"],
            outcome="Hors compétence : contactez le syndic.",
            reason="not_fixable",
        )
    assert Message.objects.filter(fiche=fiche).count() >= 4
    for email in mail.outbox:
        assert SECRET not in email.body and SECRET not in email.alternatives[0][0]
    for text in sms.outbox:
        assert SECRET not in text.text
    for message in Message.objects.filter(fiche=fiche):
        assert SECRET not in message.text and SECRET not in message.html
    import subprocess

    for letter in Message.objects.filter(fiche=fiche, channel="letter"):
        text = subprocess.run(["pdftotext", letter.pdf.path, "-"], capture_output=True, text=True).stdout
        assert SECRET not in text


def test_outside_competence_moment_from_event_data(make_fiche, users, requester_factory, committed):
    from correspondence.services import moment_for
    from fiches.models import Event

    assert moment_for("reject", Event(data={"reason": "outside_competence"})) == "outside"
    assert moment_for("reject", Event(data={})) == "not_fixable"
    assert moment_for("transmit", Event(from_status="new")) == "acknowledgement"
    assert moment_for("transmit", Event(from_status="rerouted")) is None
    assert moment_for("note", Event()) is None


def test_information_answer_at_intake(make_fiche, requester_factory, committed):
    with committed():
        fiche = make_fiche(
            "INF-ETATCIVIL",
            requester=requester_factory("email"),
            outcome="Rendez-vous en mairie de secteur avec une pièce d'identité.",
        )
    assert [m.moment for m in Message.objects.filter(fiche=fiche)] == ["answer"]
    assert "pièce d'identité" in mail.outbox[0].body


def test_template_validation_at_save():
    template = template_for("acknowledgement")
    template.body = "Bonjour {{ requester.email }}"
    with pytest.raises(ValidationError) as error:
        template.save()
    assert "requester.email" in str(error.value)
    template.body = "{% load static %}{% static 'x' %}"
    with pytest.raises(ValidationError):
        template.full_clean()
    template.body = "{% if outcome %}{{ outcome|upper }}{% else %}{{ reference }}{% endif %}"
    template.save()
    assert LetterTemplate.objects.get(moment="acknowledgement").body.startswith("{% if outcome %}")


def test_admin_shows_template_error(users, client):
    template = template_for("waiting")
    client.force_login(users["admin"])
    users["admin"].is_superuser = True
    users["admin"].save()
    url = f"/admin/correspondence/lettertemplate/{template.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"moment": "waiting", "subject": "{{ nope }}", "body": "x", "sms": "y"})
    assert response.status_code == 200
    assert "nope" in response.content.decode()


def test_http_sms_adapter_with_fake_transport():
    calls = []

    def transport(url, body, headers, timeout):
        calls.append((url, json.loads(body), headers))
        return 201, b'{"id": "abc-1"}'

    backend = sms.HttpJsonBackend(transport=transport, url="https://sms.example/api/messages", token="t0k")
    assert backend.send(sms.SmsMessage(to="06 12 34 56 78", text="Bonjour", sender="AlloMairie")) == "abc-1"
    url, payload, headers = calls[0]
    assert payload == {"from": "AlloMairie", "to": "+33612345678", "text": "Bonjour"}
    assert headers["Authorization"] == "Bearer t0k"
    failing = sms.HttpJsonBackend(transport=lambda *a: (500, b""), url="https://sms.example/api")
    with pytest.raises(sms.SmsError):
        failing.send(sms.SmsMessage(to="0612345678", text="x"))


def test_failed_sms_is_recorded(make_fiche, requester_factory, committed, settings):
    settings.SMS_BACKEND = "correspondence.sms.HttpJsonBackend"
    settings.SMS_OPTIONS = {"url": ""}
    with committed():
        fiche = make_fiche("ECL-LAMP", requester=requester_factory("sms"))
    message = Message.objects.get(fiche=fiche)
    assert message.state == "failed" and "SmsError" in message.error


def test_fiche_panel_lists_letters(make_fiche, users, requester_factory, committed, rf):
    from django.template.loader import render_to_string

    with committed():
        fiche = make_fiche("ECL-LAMP", requester=requester_factory("letter"))
    request = rf.get("/")
    request.user = users["agent"]
    html = render_to_string("correspondence/_fiche_panel.html", {"fiche": fiche}, request=request)
    assert "Accusé de réception" in html or "Acknowledgement" in html
    assert "/courriers/lettres/" in html


def test_manual_outside_competence_notice(make_fiche, users, requester_factory, committed, client):
    with committed():
        fiche = make_fiche("ECL-LAMP", requester=requester_factory("email"))
        transition(
            fiche,
            "reject",
            users["cellule-eclairage"],
            outcome="Ce lampadaire appartient à la copropriété : contactez votre syndic.",
            reason="not_fixable",
        )
    mail.outbox.clear()
    client.force_login(users["agent"])
    with committed():
        response = client.post(f"/courriers/fiche/{fiche.reference}/envoyer/", {"moment": "outside"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "contactez votre syndic" in mail.outbox[0].body
    assert "organisme compétent" in mail.outbox[0].subject
    client.force_login(users["cellule-eclairage"])
    assert (
        client.post(f"/courriers/fiche/{fiche.reference}/envoyer/", {"moment": "outside"}).status_code == 403
    )


def test_rejection_outside_competence_sends_the_outside_letter(
    make_fiche, users, requester_factory, committed
):
    with committed():
        fiche = make_fiche("ECL-LAMP", requester=requester_factory("email"))
    mail.outbox.clear()
    with committed():
        transition(
            fiche,
            "reject",
            users["cellule-eclairage"],
            outcome="Ce lampadaire appartient à la copropriété : contactez votre syndic.",
            reason="outside_competence",
        )
    assert len(mail.outbox) == 1 and "organisme compétent" in mail.outbox[0].subject


def test_plain_text_email_is_not_html_escaped(make_fiche, users, requester_factory, committed):
    outcome = "L'équipe d'Éclairage a remplacé la lampe < 24 h & \"vérifié\"."
    with committed():
        fiche = make_fiche("ECL-LAMP", requester=requester_factory("email"))
        transition(fiche, "resolve", users["cellule-eclairage"], outcome=outcome)
    closing = mail.outbox[-1]
    assert outcome in closing.body and "&#x27;" not in closing.body and "&lt;" not in closing.body
    html = closing.alternatives[0][0]
    assert "L&#x27;équipe d&#x27;Éclairage a remplacé la lampe &lt; 24 h &amp;" in html
