from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from catalogue.demo import load_demo_nomenclature
from catalogue.importexport import export_csv
from catalogue.models import RequestType, RequestTypeVersion
from catalogue.services import TypeData, current_version, publish_version

from .test_importexport import GOOD, csv_bytes


@pytest.fixture
def admin_client(client, users):
    client.force_login(users["admin"])
    return client


def test_list_for_any_staff_with_filters(client, users, catalogue_types):
    client.force_login(users["cellule-voirie"])
    response = client.get(reverse("catalogue:list"))
    assert response.status_code == 200
    assert "VOI-NID" in response.content.decode() and "ECL-LAMP" in response.content.decode()
    body = users["cellule-voirie"].memberships.first().body
    page = client.get(reverse("catalogue:list"), {"body": body.pk}).content.decode()
    assert "VOI-NID" in page and "ECL-LAMP" not in page
    page = client.get(reverse("catalogue:list"), {"q": "éteint"}).content.decode()
    assert "ECL-LAMP" in page and "VOI-NID" not in page
    page = client.get(reverse("catalogue:list"), {"kind": "information"}).content.decode()
    assert "INF-ETATCIVIL" in page and "VOI-NID" not in page
    family = catalogue_types["HYG-ANIMAL"].request_type.family
    page = client.get(reverse("catalogue:list"), {"family": family.pk}).content.decode()
    assert "HYG-ANIMAL" in page and "VOI-NID" not in page
    assert "Nouveau type" not in page and reverse("catalogue:import") not in page


def test_list_requires_login(client, db):
    assert client.get(reverse("catalogue:list")).status_code == 302


def test_list_query_count_is_constant_and_paginates(
    client, users, catalogue_types, django_assert_max_num_queries
):
    client.force_login(users["agent"])
    client.get(reverse("catalogue:list"))  # warm the session
    with django_assert_max_num_queries(8) as small:
        client.get(reverse("catalogue:list"))  # six types
    load_demo_nomenclature()  # 109 more
    with django_assert_max_num_queries(len(small)):
        first = client.get(reverse("catalogue:list"))
    assert first.context["page"].next_cursor
    assert len(first.context["page"].items) == 50
    with django_assert_max_num_queries(len(small)):
        second = client.get(reverse("catalogue:list"), {"after": first.context["page"].next_cursor})
    codes = [v.request_type.code for v in first.context["page"].items + second.context["page"].items]
    assert codes == sorted(codes) and len(set(codes)) == len(codes) == 100
    with django_assert_max_num_queries(len(small)):
        client.get(reverse("catalogue:list"), {"q": "trou", "kind": "anomaly"})


def test_detail_shows_history(admin_client, users, catalogue_types):
    nid = catalogue_types["VOI-NID"]
    data = TypeData(
        code="VOI-NID", family=nid.request_type.family, label=nid.label, kind="anomaly",
        directorate=nid.directorate, deadline_amount=3, deadline_unit="working_days",
    )  # fmt: skip
    publish_version(data, user=users["admin"], reason="Engagement renforcé")
    page = admin_client.get(reverse("catalogue:detail", args=["VOI-NID"])).content.decode()
    assert "Engagement renforcé" in page and "Marc Giraud" in page
    assert "5" in page and "3" in page


@pytest.mark.parametrize("username", ["agent", "superviseur", "cellule-voirie", "comite"])
def test_admin_pages_forbidden_to_others(client, users, catalogue_types, username):
    client.force_login(users[username])
    for name, args in (
        ("catalogue:new", []),
        ("catalogue:import", []),
        ("catalogue:export_xlsx", []),
        ("catalogue:export_csv", []),
        ("catalogue:publish", ["VOI-NID"]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 403, name
    assert client.post(reverse("catalogue:toggle_active", args=["VOI-NID"])).status_code == 403
    assert client.post(reverse("catalogue:publish", args=["VOI-NID"]), {}).status_code == 403


def test_publish_new_version(admin_client, users, catalogue_types):
    url = reverse("catalogue:publish", args=["VOI-NID"])
    form = admin_client.get(url).context["form"]
    data = dict(form.initial)
    assert data["deadline_amount"] == 5
    data.update(
        deadline_amount=3, effective_date=(timezone.localdate() + timedelta(days=1)).isoformat(), reason=""
    )
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    # missing reason: errors, typed values kept
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert 'value="3"' in response.content.decode()
    data["reason"] = "Nouvel engagement"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    v2 = RequestTypeVersion.objects.get(request_type__code="VOI-NID", number=2)
    assert (v2.deadline_amount, v2.reason, v2.created_by) == (3, "Nouvel engagement", users["admin"])
    assert current_version("VOI-NID").number == 1  # effective tomorrow
    # publishing the same content again is refused
    response = admin_client.post(url, {**data, "effective_date": timezone.localdate().isoformat()})
    assert response.status_code == 200 and response.context["form"].non_field_errors()


def test_publish_rejects_past_date_and_bad_questions(admin_client, catalogue_types):
    url = reverse("catalogue:publish", args=["ECL-LAMP"])
    data = dict(admin_client.get(url).context["form"].initial)
    data = {k: v for k, v in data.items() if v is not False}
    data.update(effective_date="2001-01-01", reason="x", questions="lamp")
    form = admin_client.post(url, data).context["form"]
    assert "effective_date" in form.errors and "questions" in form.errors


def test_new_type(admin_client, catalogue_types):
    lamp = catalogue_types["ECL-LAMP"]
    data = {
        "code": "ecl-test", "family": lamp.request_type.family_id, "label": "Test", "kind": "anomaly",
        "directorate": lamp.directorate_id, "deadline_amount": 2, "deadline_unit": "hours",
        "priority": "urgent", "phone_only": "on", "questions": "n | Numéro | obligatoire",
        "effective_date": timezone.localdate().isoformat(), "reason": "Création",
    }  # fmt: skip
    response = admin_client.post(reverse("catalogue:new"), data)
    assert response.status_code == 302, response.context["form"].errors
    version = current_version("ECL-TEST")
    assert version.phone_only and version.questions == [{"key": "n", "label": "Numéro", "required": True}]
    response = admin_client.post(reverse("catalogue:new"), data)
    assert "code" in response.context["form"].errors


def test_toggle_active(admin_client, catalogue_types):
    admin_client.post(reverse("catalogue:toggle_active", args=["VOI-NID"]))
    assert not RequestType.objects.get(code="VOI-NID").active
    page = admin_client.get(reverse("catalogue:list"), {"inactive": "on"}).content.decode()
    assert "VOI-NID" in page and "ECL-LAMP" not in page


def test_import_page_preview_then_import(admin_client, bodies):
    url = reverse("catalogue:import")
    base = {"effective_date": timezone.localdate().isoformat(), "reason": "Import"}
    bad = csv_bytes([GOOD[0][:6] + ["nowhere"] + GOOD[0][7:]])
    response = admin_client.post(url, {**base, "file": SimpleUploadedFile("n.csv", bad), "action": "import"})
    report = response.context["report"]
    assert not report.ok and report.errors[0].line == 2
    assert "nowhere" in response.content.decode()
    assert RequestType.objects.count() == 0
    good = csv_bytes(GOOD)
    response = admin_client.post(
        url, {**base, "file": SimpleUploadedFile("n.csv", good), "action": "preview"}
    )
    assert response.context["report"].dry_run and len(response.context["report"].created) == 3
    assert RequestType.objects.count() == 0
    response = admin_client.post(url, {**base, "file": SimpleUploadedFile("n.csv", good), "action": "import"})
    assert RequestType.objects.count() == 3
    assert current_version("VOI-NID").reason == "Import"


def test_export_downloads(admin_client, catalogue_types):
    response = admin_client.get(reverse("catalogue:export_csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert response.content == export_csv()
    response = admin_client.get(reverse("catalogue:export_xlsx") + "?versions=all")
    assert response.content[:2] == b"PK"
    assert "attachment" in response["Content-Disposition"]


def test_admin_site_versions_read_only(admin_client, catalogue_types):
    version = catalogue_types["VOI-NID"]
    url = reverse("admin:catalogue_requesttypeversion_change", args=[version.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    assert admin_client.post(url, {"label": "Hacked"}).status_code == 403
    assert admin_client.get(reverse("admin:catalogue_requesttypeversion_add")).status_code == 403
    assert admin_client.get(reverse("admin:catalogue_requesttype_changelist")).status_code == 200
