"""Every admin page opens; fiches cannot be changed there (they change only through services)."""

import pytest
from django.contrib import admin
from django.urls import reverse


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_admin_changelist_and_add_open(client, users, make_fiche, model):
    make_fiche()
    client.force_login(users["admin"])
    opts = model._meta
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200
    instance = model._default_manager.first()
    if instance is not None:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk])
        assert client.get(url).status_code == 200


def test_fiches_are_read_only_in_admin(client, users, make_fiche):
    fiche = make_fiche()
    client.force_login(users["admin"])
    url = reverse("admin:fiches_fiche_change", args=[fiche.pk])
    client.post(url, {"status": "closed"})
    fiche.refresh_from_db()
    assert fiche.status == "transmitted"
    assert "06 12 34 56 78" not in client.get(url).content.decode()
