from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from catalogue.demo import load_demo_nomenclature
from catalogue.models import RequestType
from catalogue.selectors import search_types, type_history
from catalogue.services import TypeData, current_version, publish_version


def codes(results) -> list[str]:
    return [v.request_type.code for v in results]


def test_accent_insensitive_search(catalogue_types):
    assert codes(search_types("eclairage")) == ["ECL-LAMP"]  # through its family, "Eclairage"
    assert codes(search_types("lampadaire eteint")) == ["ECL-LAMP"]
    assert codes(search_types("ÉTEINT")) == ["ECL-LAMP"]


def test_demo_search(bodies):
    load_demo_nomenclature()
    found = codes(search_types("eclairage"))
    assert found and all(current_version(c).label for c in found)
    assert "ECL-RUE" in found or any("Éclairage" in current_version(c).label for c in found)
    assert "VOI-NID" in codes(search_types("trou"))
    assert "NET-DEJECTIONS" in codes(search_types("crotte"))
    assert "CIR-FEU" in codes(search_types("feu rouge"))
    assert "ECL-LAMP" in codes(search_types("lampadaire"))
    assert "NET-CORBEILLE" in codes(search_types("poubelle"))
    # every word must match
    assert codes(search_types("lampadaire crotte")) == []
    # label matches come before keyword matches
    assert codes(search_types("lampadaire"))[0] in {"ECL-LAMP", "ECL-CLIGNOTE"}
    assert codes(search_types("nid de poule"))[0] == "VOI-NID"
    assert len(search_types("e", limit=5)) == 5
    assert search_types("   ") == []


def test_label_ranks_before_keywords(catalogue_types):
    # "ordures" is only a keyword of PRO-DEPOT; give another type "Ordures" in its label
    data = TypeData(
        code="ZZ-ORD", family=catalogue_types["VOI-NID"].request_type.family, label="Ordures non ramassées",
        kind="anomaly", directorate=catalogue_types["PRO-DEPOT"].directorate, deadline_amount=1,
        deadline_unit="hours",
    )  # fmt: skip
    publish_version(data)
    assert codes(search_types("ordures")) == ["ZZ-ORD", "PRO-DEPOT"]


def test_search_only_in_force_and_related_loaded(catalogue_types, django_assert_num_queries):
    lamp = catalogue_types["ECL-LAMP"]
    data = TypeData(
        code="ECL-LAMP", family=lamp.request_type.family, label="Candélabre éteint", kind="anomaly",
        directorate=lamp.directorate, deadline_amount=5, deadline_unit="working_days",
    )  # fmt: skip
    publish_version(data, effective_from=timezone.now() + timedelta(days=2))
    assert codes(search_types("lampadaire")) == ["ECL-LAMP"]
    assert codes(search_types("candelabre")) == []
    assert codes(search_types("candelabre", at=timezone.now() + timedelta(days=3))) == ["ECL-LAMP"]
    RequestType.objects.filter(code="VOI-NID").update(active=False)
    assert search_types("nid") == []
    with django_assert_num_queries(1):
        for version in search_types("e"):
            str(version.body), str(version.directorate), str(version.cell), str(version.request_type.family)


def test_same_effective_moment_higher_number_wins(catalogue_types):
    lamp = catalogue_types["ECL-LAMP"]
    moment = timezone.now() + timedelta(days=1)
    for amount in (3, 4):
        publish_version(
            TypeData(
                code="ECL-LAMP",
                family=lamp.request_type.family,
                label="L",
                kind="anomaly",
                directorate=lamp.directorate,
                deadline_amount=amount,
                deadline_unit="hours",
            ),  # fmt: skip
            effective_from=moment,
        )
    later = moment + timedelta(hours=1)
    assert current_version("ECL-LAMP", later).deadline_amount == 4
    history = type_history(lamp.request_type, at=later)
    assert [e.version.number for e in history] == [3, 2, 1]
    assert history[0].in_force and not history[1].in_force
    assert [c.after for c in history[0].changes] == ["4"]


@pytest.mark.django_db
def test_deadlines_read_in_the_singular_and_the_plural(catalogue_types):
    from django.utils import translation

    version = catalogue_types["VOI-NID"]
    with translation.override("fr"):
        version.deadline_amount = 1
        assert version.deadline_display == "1 jour ouvré (lun.-ven.)"
        version.deadline_amount = 5
        assert version.deadline_display == "5 jours ouvrés (lun.-ven.)"
        version.deadline_unit, version.deadline_amount = "hours", 1
        assert version.deadline_display == "1 heure"
