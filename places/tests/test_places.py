"""The address reference: import of the BAN layout, type-ahead search, reverse look-up, the API adapter."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from places import selectors
from places.geo import distance_m, offset
from places.models import Address, ImportRun, Street
from places.text import name_key, parse_query

FIXTURE = Path(__file__).parent / "data" / "adresses-13-extrait.csv"


@pytest.fixture
def reference(db):
    call_command("import_addresses", str(FIXTURE), stdout=io.StringIO(), stderr=io.StringIO())


def labels(hits) -> list[str]:
    return [hit.label for hit in hits]


# --- text ---


def test_names_are_folded_to_one_key():
    assert name_key("Bd Longchamp") == name_key("boulevard  LONGCHAMP") == "BOULEVARD LONGCHAMP"
    assert name_key("Rue Saint-Ferréol") == name_key("r st ferreol") == "RUE SAINT FERREOL"
    assert name_key("Place Félix-Baret") == "PLACE FELIX BARET"
    assert name_key("Avenue du Prado") == "AVENUE PRADO"


def test_queries_give_number_repetition_and_words_in_any_order():
    assert parse_query("14 bd Longchamp") == parse_query("bd longchamp 14")
    query = parse_query("14 bis, boulevard Longchamp")
    assert (query.number, query.repetition, query.words) == (14, "bis", ("BOULEVARD", "LONGCHAMP"))
    assert parse_query("14t rue st ferreol").repetition == "ter"
    assert parse_query("les goudes").number is None


# --- import ---


def test_import_keeps_marseille_reports_bad_lines_and_outside_lines(db):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_addresses", str(FIXTURE), stdout=out, stderr=err)
    assert "line 17: number “dix-huit” is not valid (skipped)" in err.getvalue()
    assert "line 18: coordinates are not numbers (skipped)" in err.getvalue()
    assert "line 19: 7 columns instead of 23 (skipped)" in err.getvalue()
    assert "14 addresses in 10 streets and lieux-dits" in out.getvalue()
    assert "1 outside Marseille, 3 bad lines skipped" in out.getvalue()
    run = ImportRun.objects.get()
    assert (run.lines, run.addresses, run.outside, run.bad_lines) == (18, 14, 1, 3)
    assert not Address.objects.filter(postal_code="13100").exists()
    paradis = Street.objects.filter(name="Rue Paradis").order_by("arrondissement")
    assert [(s.arrondissement, s.postal_code) for s in paradis] == [(1, "13001"), (6, "13006")]
    bis = Address.objects.get(street__name="Boulevard Longchamp", number=14, repetition="bis")
    assert (bis.latitude, bis.longitude) == (43.3016, 5.38715)
    goudes = Street.objects.get(name="Les Goudes")
    assert goudes.kind == Street.Kind.LOCALITY
    assert goudes.addresses.get().number is None
    assert Street.objects.filter(name="Le Panier", kind=Street.Kind.LOCALITY).exists()
    assert Address.objects.get(street__name="Rue du Panier").lieu_dit == "Le Panier"


def test_reimport_replaces_the_release_and_is_idempotent(db, tmp_path):
    call_command("import_addresses", str(FIXTURE), stdout=io.StringIO(), stderr=io.StringIO())
    first = sorted(Address.objects.values_list("ban_id", "number", "latitude"))
    call_command("import_addresses", str(FIXTURE), stdout=io.StringIO(), stderr=io.StringIO())
    assert sorted(Address.objects.values_list("ban_id", "number", "latitude")) == first
    assert Street.objects.count() == 10
    newer = tmp_path / "adresses-13.csv.gz"
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if "Paradis" not in line]
    newer.write_bytes(gzip.compress(("\n".join(kept) + "\n").encode()))
    call_command("import_addresses", str(newer), stdout=io.StringIO(), stderr=io.StringIO())
    assert not Street.objects.filter(name="Rue Paradis").exists()
    assert Address.objects.count() == 11
    assert ImportRun.objects.count() == 3
    assert (
        Street.objects.create(
            insee_code="13201",
            postal_code="13001",
            name="Rue Neuve",
            key="RUE NEUVE",
            latitude=43.3,
            longitude=5.4,
        ).pk
        > Street.objects.exclude(name="Rue Neuve").order_by("-pk")[0].pk
    )


def test_a_file_in_another_layout_changes_nothing(reference, tmp_path):
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("numero;voie;lat;lon\n1;Rue Paradis;43.2;5.3\n", encoding="utf-8")
    with pytest.raises(CommandError, match="missing columns: id, rep, nom_voie"):
        call_command("import_addresses", str(wrong), stdout=io.StringIO(), stderr=io.StringIO())
    assert Address.objects.count() == 14
    assert ImportRun.objects.count() == 1


def test_a_quartier_column_from_another_source_is_kept(db, tmp_path):
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()[:3]
    lines = [lines[0] + ";quartier", lines[1] + ";Thiers", lines[2] + ";Thiers"]
    source = tmp_path / "with-quartiers.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    call_command("import_addresses", str(source), stdout=io.StringIO(), stderr=io.StringIO())
    assert set(Address.objects.values_list("quartier", flat=True)) == {"Thiers"}
    assert Street.objects.get().quartier == "Thiers"


# --- search ---


def test_search_by_number_and_abbreviated_street(reference):
    hits = selectors.search("14 bd Longchamp", 5)
    assert labels(hits)[:2] == [
        "14 Boulevard Longchamp, 13001 Marseille",
        "14 bis Boulevard Longchamp, 13001 Marseille",
    ]
    first = hits[0]
    assert (first.number, first.street, first.postal_code, first.arrondissement) == (
        "14", "Boulevard Longchamp", "13001", 1
    )  # fmt: skip
    assert (first.latitude, first.longitude) == (43.30158, 5.38708)
    assert first.address_id == Address.objects.get(number=14, repetition="").pk


def test_search_ignores_accents_hyphens_case_and_word_order(reference):
    expected = "14 ter Rue Saint-Ferréol, 13001 Marseille"
    for typed in ("14 rue saint ferreol", "14 ter Rue Saint-Ferréol", "ferreol st 14", "14 R. ST-FERRÉOL"):
        assert labels(selectors.search(typed))[0] == expected, typed
    assert labels(selectors.search("1 place felix baret")) == ["1 Place Félix-Baret, 13006 Marseille"]


def test_search_prefers_the_bis_that_was_typed(reference):
    assert labels(selectors.search("14 bis bd longchamp"))[0] == "14 bis Boulevard Longchamp, 13001 Marseille"


def test_search_ranks_whole_words_and_shorter_names_first(reference):
    assert labels(selectors.search("longchamp")) == [
        "Boulevard Longchamp, 13001 Marseille",
        "Impasse Longchamp, 13001 Marseille",
    ]
    assert labels(selectors.search("bd longch")) == ["Boulevard Longchamp, 13001 Marseille"]


def test_search_shows_both_streets_of_the_same_name(reference):
    assert labels(selectors.search("30 rue paradis")) == [
        "30 Rue Paradis, 13001 Marseille",
        "30 Rue Paradis, 13006 Marseille",
    ]


def test_a_missing_number_offers_the_nearest_one_as_not_exact(reference):
    hits = selectors.search("15 bd longchamp")
    assert not hits[0].exact
    assert hits[0].number in {"14", "16"}


def test_lieux_dits_are_found(reference):
    hits = selectors.search("les goudes")
    assert labels(hits) == ["Les Goudes, 13008 Marseille"]
    assert labels(selectors.search("panier"))[:2] == [
        "Le Panier, 13002 Marseille",
        "Rue du Panier, 13002 Marseille",
    ]


def test_short_or_unknown_queries_find_nothing(reference):
    assert selectors.search("bd") == []
    assert selectors.search("rue qui n existe pas") == []
    assert selectors.search("\x00²" * 50) == []


# --- reverse look-up ---


def test_reverse_gives_the_nearest_known_address(reference):
    lat, lon = offset(43.30158, 5.38708, 3, -2)
    hit = selectors.reverse(lat, lon)
    assert hit.label == "14 Boulevard Longchamp, 13001 Marseille"
    assert hit.distance_m == round(distance_m(lat, lon, 43.30158, 5.38708)) == 4


def test_reverse_widens_its_search_and_stops_far_away(reference):
    lat, lon = offset(43.2849, 5.3777, -300, 0)
    assert selectors.reverse(lat, lon).label == "150 Rue Paradis, 13006 Marseille"
    assert selectors.reverse(43.40, 5.20) is None


def test_distance_is_the_great_circle_distance():
    lat, lon = offset(43.3, 5.38, 40, 0)
    assert round(distance_m(43.3, 5.38, lat, lon)) == 40


# --- national API adapter ---

API_ANSWER = {
    "features": [
        {
            "geometry": {"type": "Point", "coordinates": [5.38708, 43.30158]},
            "properties": {
                "housenumber": "14",
                "street": "Boulevard Longchamp",
                "postcode": "13001",
                "citycode": "13201",
            },
        }
    ]
}


def test_the_api_adapter_is_off_by_default(reference, settings):
    assert settings.PLACES_API_URL == ""
    with mock.patch("urllib.request.urlopen") as urlopen:
        selectors.search("14 bd longchamp")
    urlopen.assert_not_called()


def test_the_api_adapter_answers_when_set_up(reference, settings):
    settings.PLACES_API_URL = "https://api.example.test/search/"
    response = mock.MagicMock()
    response.__enter__.return_value.read.return_value = json.dumps(API_ANSWER).encode()
    with mock.patch("urllib.request.urlopen", return_value=response) as urlopen:
        hits = selectors.search("14 bd longchamp")
    assert urlopen.call_args.kwargs["timeout"] == settings.PLACES_API_TIMEOUT
    assert urlopen.call_args.args[0].startswith("https://api.example.test/search/?q=14+bd+longchamp")
    assert [(h.source, h.label, h.arrondissement) for h in hits] == [
        ("api", "14 Boulevard Longchamp, 13001 Marseille", 1)
    ]


@pytest.mark.parametrize("failure", [TimeoutError("slow"), OSError("down"), ValueError("not json")])
def test_the_api_adapter_falls_back_to_the_local_reference(reference, settings, failure):
    settings.PLACES_API_URL = "https://api.example.test/search/"
    with mock.patch("urllib.request.urlopen", side_effect=failure):
        hits = selectors.search("14 bd longchamp")
    assert hits[0].source == "local"
    assert hits[0].label == "14 Boulevard Longchamp, 13001 Marseille"


def test_the_demo_reference_loads(db):
    from places.demo import load_demo_addresses

    report = load_demo_addresses()
    assert (report.bad_count, report.outside) == (0, 0) and report.addresses == 2220
    assert selectors.search("14 bd longchamp")[0].label == "14 Boulevard Longchamp, 13001 Marseille"
