"""API keys are created in the admin (shown once), stored hashed, revocable."""

from __future__ import annotations

import pytest

from open311.models import ApiClient, hash_key
from open311.services import client_for_key

pytestmark = pytest.mark.django_db


def test_a_client_created_in_the_admin_gets_a_key_shown_once(client, users):
    client.force_login(users["admin"])
    response = client.post(
        "/admin/open311/apiclient/add/",
        {
            "name": "Appli Marseille",
            "contact": "dev@example.org",
            "account": users["agent"].pk,
            "requests_per_minute": 20,
        },
        follow=True,
    )
    assert response.status_code == 200
    created = ApiClient.objects.get(name="Appli Marseille")
    (message,) = [str(m) for m in response.context["messages"] if "une seule fois" in str(m)]
    key = message.rsplit(" ", 1)[-1]
    assert created.key_hash == hash_key(key) and key not in created.key_hash
    assert created.key_prefix == key[:8]
    assert client_for_key(key) == created
    # the change page does not show it again
    page = client.get(f"/admin/open311/apiclient/{created.pk}/change/").content.decode()
    assert key not in page


def test_revoke_action(client, users, api_key):
    client.force_login(users["admin"])
    target = ApiClient.objects.get()
    response = client.post(
        "/admin/open311/apiclient/",
        {"action": "revoke", "_selected_action": [target.pk]},
        follow=True,
    )
    assert response.status_code == 200
    target.refresh_from_db()
    assert target.revoked_at is not None
    assert client_for_key(api_key) is None


def test_the_account_is_chosen_among_call_centre_staff(client, users):
    client.force_login(users["admin"])
    form = client.get("/admin/open311/apiclient/add/").context["adminform"].form
    usernames = set(form.fields["account"].queryset.values_list("username", flat=True))
    assert "agent" in usernames
    assert not usernames & {"cellule-voirie", "comite", "finances"}
