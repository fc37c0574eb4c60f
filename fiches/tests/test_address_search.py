"""The list's search by a word of the address (``?q=``), served by the index of the address
keys (fiches.address_index): the same fiches as the ``LIKE '%…%'`` it replaces, on both
databases, whatever is typed, and an index the database keeps itself."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue.models import normalise
from fiches import address_index, selectors
from fiches.models import Fiche
from fiches.selectors import address_key, apply_filters, visible_fiches

pytestmark = pytest.mark.django_db

ADDRESSES = [
    ("12", "rue Paradis", "13001"),
    ("117", "rue Consolat", "13001"),
    ("17", "rue Consolat", "13001"),
    ("3", "boulevard Longchamp", "13001"),
    ("1", "avenue de Château-Gombert", "13013"),
    ("45", "rue d'Italie", "13006"),
    ("7", "chemin du Littoral", "13016"),
    ("", "La Canebière", "13001"),
]
TEXTS = [
    "12 rue",  # the start of a key
    "paradis",  # the middle
    "13016",  # the end
    "12 rue paradis 13001",  # a whole key
    "rue",  # in most keys
    "17 rue consolat",  # in two keys (117 and 17)
    "Château",  # accents and capitals typed by the user
    "CANEBIERE",
    "canebière",
    "d'italie",
    "1",  # shorter than a trigram
    "13",
    "é",  # an accent alone: nothing once normalised, as before
    "ru",
    "pasteur",  # found nowhere
    "rue paradis 13006",  # each word somewhere, the whole nowhere
    "%",  # LIKE's and FTS5's own characters, taken literally
    "_",
    "ru_",
    "12%",
    '"',
    'rue"',
    '"rue" OR "paradis"',
    "rue*",
    "NEAR(rue paradis)",
    "paradis:",
    "^rue",
    "²",
    "\\",
]


@pytest.fixture
def fiches(make_fiche) -> list[Fiche]:
    made = [
        make_fiche("VOI-NID", street_number=number, street_name=street, postal_code=code)
        for number, street, code in ADDRESSES
    ]
    made.append(make_fiche("VOI-NID", street_number="", street_name="", postal_code="", latitude=43.3,
                           longitude=5.38))  # fmt: skip
    return made


def found(user, text: str) -> set[str]:
    return set(apply_filters(visible_fiches(user), {"q": text}).values_list("reference", flat=True))


def like(text: str) -> set[str]:
    """What the search found before the index: ``LIKE '%…%'`` on the normalised text."""
    old = Fiche.objects.filter(address_key__contains=normalise(text))
    return set(old.values_list("reference", flat=True))


@pytest.mark.parametrize("text", TEXTS)
def test_the_search_finds_what_like_found(users, fiches, text):
    """For the call centre and for the cell the fiches belong to (its scope checked)."""
    expected = {f.reference for f in fiches if normalise(text) in f.address_key}
    assert like(text) == expected
    assert found(users["agent"], text) == expected
    assert found(users["cellule-voirie"], text) == expected


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's three ways of reading the ids")
@pytest.mark.parametrize("few, share", [(1000, 32), (0, 1), (0, 10**9)])
def test_each_way_of_reading_the_ids_finds_the_same_fiches(
    users, make_fiche, fiches, monkeypatch, few, share
):
    """A few ids looked up with the scope checked on each, more checked on the scope's own
    entries, the ``LIKE``: the same fiches, a City fiche never in a Métropole cell's."""
    monkeypatch.setattr(selectors, "FEW_ADDRESS_IDS", few)
    monkeypatch.setattr(selectors, "NARROWED_ADDRESS_SHARE", share)
    lamp = make_fiche("ECL-LAMP", street_number="12", street_name="rue Paradis")
    for text in ("paradis", "rue", "13001", "pasteur"):
        expected = {f.reference for f in fiches if normalise(text) in f.address_key}
        assert found(users["cellule-voirie"], text) == expected
        assert lamp.reference not in found(users["cellule-voirie"], text)
        assert (lamp.reference in found(users["cellule-eclairage"], text)) == (text in lamp.address_key)


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="the FTS5 table is SQLite's")
def test_on_sqlite_the_ids_come_from_the_index(users, fiches):
    """Three characters or more: the index answers; fewer: the keys are read."""
    for text, reads_index in (("paradis", True), ("17 rue consolat", True), ("rue", True), ("ru", False)):
        with CaptureQueriesContext(connection) as queries:
            found(users["agent"], text)
        assert any(address_index.FTS_TABLE in q["sql"] for q in queries) == reads_index, text


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's choice by the number of ids")
def test_a_word_in_more_fiches_than_its_share_reads_the_keys(users, fiches, monkeypatch):
    """Past the share of the table (ADDRESS_SHARE, NARROWED_ADDRESS_SHARE for a scope) and
    FEW_ADDRESS_IDS, the ``LIKE`` newest first: a common word fills the page at once. The same
    fiches either way."""
    monkeypatch.setattr(selectors, "FEW_ADDRESS_IDS", 2)
    monkeypatch.setattr(selectors, "ADDRESS_SHARE", 10**9)
    monkeypatch.setattr(selectors, "NARROWED_ADDRESS_SHARE", 10**9)
    for username in ("agent", "cellule-voirie"):
        common = apply_filters(visible_fiches(users[username]), {"q": "rue"})
        assert "json_each" not in str(common.query) and "LIKE" in str(common.query)
        rare = apply_filters(visible_fiches(users[username]), {"q": "paradis"})
        assert "json_each" in str(rare.query)
    assert found(users["agent"], "rue") == like("rue")


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="the FTS5 table is SQLite's")
def test_the_limit_is_a_share_of_the_table(users, fiches):
    highest = max(f.pk for f in fiches)
    rue = sum("rue" in f.address_key for f in fiches)
    assert address_index.matching_ids("rue", share=1, at_least=0).count == rue
    assert address_index.matching_ids("rue", share=highest + 1, at_least=0) is None
    assert address_index.matching_ids("rue", share=highest + 1, at_least=rue) is not None
    assert address_index.matching_ids("rue", share=highest + 1, at_least=rue - 1) is None


def test_the_list_page_searches_an_address_within_the_scope(client, users, make_fiche):
    """The page, its count and its pages as before; a Métropole cell never sees a City fiche."""
    road = [make_fiche("VOI-NID", street_number=str(n), street_name="rue Paradis") for n in range(1, 4)]
    lamp = make_fiche("ECL-LAMP", street_number="9", street_name="rue Paradis")
    make_fiche("VOI-NID", street_number="2", street_name="rue de Rome", postal_code="13006")
    client.force_login(users["agent"])
    page = client.get(reverse("fiches:list"), {"q": "Paradis", "sort": "oldest"}).context
    assert [f.reference for f in page["page"].items] == [f.reference for f in [*road, lamp]]
    assert (page["total"], page["more"]) == (4, False)
    client.force_login(users["cellule-voirie"])
    page = client.get(reverse("fiches:list"), {"q": "paradis"}).context
    assert [f.reference for f in page["page"].items] == [f.reference for f in reversed(road)]
    assert page["total"] == 3


def test_the_list_pages_through_an_address_search(client, users, make_fiche, monkeypatch):
    from fiches.views import lists

    made = [make_fiche("VOI-NID", street_number=str(n), street_name="rue Paradis") for n in range(5)]
    original = lists.keyset_page
    monkeypatch.setattr(
        lists, "keyset_page", lambda qs, after, **kwargs: original(qs, after, size=2, **kwargs)
    )
    client.force_login(users["agent"])
    seen, after = [], None
    while True:
        page = client.get(reverse("fiches:list"), {"q": "paradis", **({"after": after} if after else {})})
        seen += [f.reference for f in page.context["page"].items]
        after = page.context["page"].next_cursor
        if not after:
            break
    assert seen == [f.reference for f in reversed(made)]


def test_an_address_search_is_a_constant_number_of_queries(
    client, users, make_fiche, settings, django_assert_num_queries
):
    """On SQLite one query more than a search by reference (the index, read first); the same
    number whatever the number of fiches found."""
    client.force_login(users["agent"])
    make_fiche("VOI-NID", street_name="rue Paradis")
    client.get(reverse("fiches:list"), {"q": "paradis"})  # caches, session
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("fiches:list"), {"q": "paradis"})
    for n in range(5):
        make_fiche("VOI-NID", street_number=str(n), street_name="rue Paradis")
    with django_assert_num_queries(len(one)):
        client.get(reverse("fiches:list"), {"q": "paradis"})
    with CaptureQueriesContext(connection) as by_reference:
        client.get(reverse("fiches:list"), {"q": settings.FICHE_REFERENCE_PREFIX + "-"})
    assert len(one) == len(by_reference) + (connection.vendor == "sqlite")


def test_the_index_follows_the_fiches(users, make_fiche):
    """Created, its address changed (saved, or updated in bulk), anonymised, deleted: the
    database keeps the index itself, whoever writes the fiche."""
    from privacy.anonymise import anonymise_fiches

    agent = users["agent"]
    fiche = make_fiche("VOI-NID", street_number="8", street_name="rue Sainte", postal_code="13007")
    assert holds("rue sainte", {fiche.pk}) and found(agent, "rue sainte") == {fiche.reference}

    fiche.street_name = "boulevard Baille"
    fiche.address_key = address_key("8", "boulevard Baille", "13005")
    fiche.save()
    assert holds("sainte", set()) and holds("baille", {fiche.pk})
    assert found(agent, "sainte") == set() and found(agent, "baille") == {fiche.reference}

    Fiche.objects.filter(pk=fiche.pk).update(address_key=address_key("8", "rue Breteuil", "13006"))
    assert holds("baille", set()) and found(agent, "breteuil") == {fiche.reference}

    fiche.refresh_from_db()
    fiche.description = "Autre chose"
    fiche.save()  # the key unchanged
    assert found(agent, "breteuil") == {fiche.reference}

    anonymise_fiches([fiche.pk], reason="test")
    assert Fiche.objects.get(pk=fiche.pk).address_key == ""
    assert holds("breteuil", set()) and found(agent, "breteuil") == set()

    other = make_fiche("VOI-NID", street_number="5", street_name="rue Sainte", postal_code="13007")
    assert found(agent, "rue sainte") == {other.reference}
    other.events.all().delete()
    Fiche.objects.filter(pk=other.pk).delete()
    assert holds("rue sainte", set()) and found(agent, "rue sainte") == set()


def holds(text: str, fiches: set[int]) -> bool:
    """Whether the index itself (SQLite's FTS5 table) holds these fiches for ``text``. On
    PostgreSQL the index only serves the ``LIKE``, whose answers ``found`` compares."""
    if connection.vendor != "sqlite":
        return True
    return set(json.loads(address_index.matching_ids(normalise(text), 1, 100).ids)) == fiches


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's triggers")
def test_triggers_lost_by_a_table_rebuild_come_back_after_migrate(users, make_fiche):
    """Django alters a SQLite table by copying it to a new one: the triggers are dropped with
    the old one. After migrate, they are created again and the index rebuilt."""
    from django.apps import apps

    assert not address_index.repair(connection)  # complete: nothing to do
    with connection.cursor() as cursor:
        for name in address_index.SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
    fiche = make_fiche("VOI-NID", street_number="4", street_name="rue Saint-Pierre", postal_code="13005")
    assert holds("saint-pierre", set())
    address_index.after_migrate(apps.get_app_config("fiches"), using="default", plan=[("migration", False)])
    assert holds("saint-pierre", {fiche.pk})
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'fiches_fiche'")
        assert {name for (name,) in cursor.fetchall()} >= set(address_index.SQLITE_TRIGGERS)


HOSTILE = ["%", "_", '"', "*", "\x00", "rue\x00paradis", "x" * 10_000, "rue " * 60, "²", '"*"%_\\', "\u0301"]


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: repr(t[:12]))
def test_hostile_text_gives_results_or_nothing(users, fiches, text):
    """Straight to the selector (the list's form refuses a NUL and more than 100 characters):
    never a database error, and only fiches whose key holds the text."""
    for username in ("agent", "cellule-voirie"):
        references = found(users[username], text)
        assert references <= {f.reference for f in fiches if normalise(text) in f.address_key}


@pytest.mark.postgres_only
def test_on_postgresql_the_trigram_index_serves_the_like(users, fiches):
    """The ``LIKE`` Django writes (``"address_key"::text LIKE …``) can read ``pg_trgm``'s
    index: with a sequential scan ruled out, the planner reads it for the call centre's search.
    (On a few rows it would rightly read the table; with a million, it takes the index for a
    rare word, docs/performance.md. A cell's search may read the cell's index instead.)"""
    from django.db import transaction

    if connection.vendor != "postgresql":
        pytest.skip("pg_trgm is PostgreSQL's")
    queryset = apply_filters(visible_fiches(users["agent"]), {"q": "Paradis"})
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    assert '"address_key"::text LIKE' in sql
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert f"Bitmap Index Scan on {address_index.TRIGRAM_INDEX}" in plan, plan
