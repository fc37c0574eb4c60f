"""The list's search by a word of the address (``?q=``), served by the counts of the address
keys and their index (fiches.address_index): the same fiches and the same number as the
``LIKE '%…%'`` it replaces, on both databases, in every scope, whatever is typed, and counts
the database keeps itself."""

from __future__ import annotations

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue.models import normalise
from fiches import address_index, selectors
from fiches.models import AddressCount, Fiche
from fiches.selectors import address_key, find_fiches
from organisations.access import scope_for

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


def search(user, text: str, **filters) -> selectors.Found:
    return find_fiches(scope_for(user), {"q": text, **filters})


def found(user, text: str) -> set[str]:
    return set(search(user, text).fiches.values_list("reference", flat=True))


def like(text: str) -> set[str]:
    """What the search found before the index: ``LIKE '%…%'`` on the normalised text."""
    old = Fiche.objects.filter(address_key__contains=normalise(text))
    return set(old.values_list("reference", flat=True))


@pytest.mark.parametrize("text", TEXTS)
def test_the_search_finds_what_like_found(users, fiches, text):
    """For the call centre and for the cell the fiches belong to (its scope checked), with
    their number, told by the counts or counted."""
    expected = {f.reference for f in fiches if normalise(text) in f.address_key}
    assert like(text) == expected
    for username in ("agent", "cellule-voirie"):
        result = search(users[username], text)
        assert set(result.fiches.values_list("reference", flat=True)) == expected
        assert result.capped_count() == (len(expected), False)


@pytest.mark.parametrize("few, share", [(1000, 100), (0, 10**9)])
def test_each_way_of_reading_the_fiches_finds_the_same(users, make_fiche, fiches, monkeypatch, few, share):
    """The fiches at the keys found, a narrowed list's scope checked on each, or the ``LIKE``:
    the same fiches and the same number, a City fiche never in a Métropole cell's."""
    monkeypatch.setattr(selectors, "FEW_ADDRESS_FICHES", few)
    monkeypatch.setattr(selectors, "ADDRESS_SHARE", share)
    lamp = make_fiche("ECL-LAMP", street_number="12", street_name="rue Paradis")
    for text in ("paradis", "rue", "13001", "pasteur"):
        expected = {f.reference for f in fiches if normalise(text) in f.address_key}
        lit = normalise(text) in lamp.address_key
        road = search(users["cellule-voirie"], text)
        assert set(road.fiches.values_list("reference", flat=True)) == expected
        assert road.count == len(expected)
        lamps = search(users["cellule-eclairage"], text)
        assert set(lamps.fiches.values_list("reference", flat=True)) == ({lamp.reference} if lit else set())
        assert lamps.count == lit
        assert search(users["agent"], text).count == len(expected) + lit


def test_filtered_beyond_the_scope_the_fiches_are_counted(users, fiches, make_fiche):
    """Another filter than the scope: the counts know nothing of it, the fiches are counted."""
    make_fiche("VOI-NID", street_number="2", street_name="rue Paradis", postal_code="13001")
    result = search(users["agent"], "paradis", arrondissement="1")
    assert result.count is None and result.capped_count() == (2, False)
    assert search(users["agent"], "paradis", status=["closed"]).capped_count() == (0, False)
    assert search(users["agent"], "paradis").count == 2


def test_the_keys_come_from_the_index(users, fiches):
    """Three characters or more: the counts' index answers; fewer: the fiches' keys are read."""
    for text, reads_index in (("paradis", True), ("17 rue consolat", True), ("rue", True), ("ru", False)):
        with CaptureQueriesContext(connection) as queries:
            found(users["agent"], text)
        assert any(address_index.COUNTS in q["sql"] for q in queries) == reads_index, text


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="PostgreSQL's LIKE, served by its trigram index")
def test_a_word_in_more_fiches_than_its_share_reads_the_newest_fiches(users, fiches, monkeypatch):
    """Past FEW_ADDRESS_FICHES and the share of the table, the ``LIKE`` newest first: a
    common word fills the page at once. Within them, the fiches at the keys found."""
    monkeypatch.setattr(selectors, "FEW_ADDRESS_FICHES", 2)
    monkeypatch.setattr(selectors, "ADDRESS_SHARE", 10**9)
    for username in ("agent", "cellule-voirie"):
        common = str(search(users[username], "rue").fiches.query)
        assert "LIKE" in common and '"address_key" IN' not in common
        rare = str(search(users[username], "paradis").fiches.query)
        assert '"address_key" IN' in rare and "LIKE" not in rare
    assert found(users["agent"], "rue") == like("rue")


def test_postgresql_reads_the_fiches_at_a_few_keys_only(users, fiches, monkeypatch):
    """PostgreSQL plans with each key of a list weighed: one address's keys, the fiches at
    them; a street's or more, the LIKE its trigram index serves. SQLite, whatever the keys."""
    monkeypatch.setattr(selectors, "PG_FEW_ADDRESS_KEYS", 1)
    for username in ("agent", "cellule-voirie"):
        one = str(search(users[username], "paradis").fiches.query)
        assert '"address_key" IN' in one and "LIKE" not in one
        many = str(search(users[username], "rue").fiches.query)
        assert ("LIKE" in many) == (connection.vendor == "postgresql"), many
    assert found(users["agent"], "rue") == like("rue")


def test_the_limit_is_a_share_of_the_table(users, fiches):
    highest = max(f.pk for f in fiches)
    rue = sum("rue" in f.address_key for f in fiches)
    matches = address_index.matches("rue", None, share=1, at_least=0)
    assert (matches.fiches, matches.in_scope) == (rue, rue)
    assert sorted(matches.keys) == sorted({f.address_key for f in fiches if "rue" in f.address_key})
    assert address_index.matches("rue", None, share=highest + 1, at_least=0).keys is None
    assert address_index.matches("rue", None, share=highest + 1, at_least=rue).keys is not None
    assert address_index.matches("rue", None, share=highest + 1, at_least=rue - 1).keys is None


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
    client.force_login(users["cellule-eclairage"])
    page = client.get(reverse("fiches:list"), {"q": "paradis"}).context
    assert [f.reference for f in page["page"].items] == [lamp.reference] and page["total"] == 1


def test_past_the_cap_the_count_says_more(users, fiches, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 2)
    result = search(users["agent"], "rue")
    assert result.count == sum("rue" in f.address_key for f in fiches) > 2
    assert result.capped_count() == (2, True)


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
    """As many queries as a search by reference (the counts read, the fiches not counted);
    the same number whatever the number of fiches found."""
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
    assert len(one) == len(by_reference)


def counted() -> dict[tuple, int]:
    rows = AddressCount.objects.values_list("key", "body_id", "directorate_id", "cell_id", "fiches")
    return {tuple(row[:4]): row[4] for row in rows}


def recounted() -> dict[tuple, int]:
    """The counts as the fiches have them now."""
    tally: dict[tuple, int] = {}
    for key, *scope in Fiche.objects.values_list("address_key", "body_id", "directorate_id", "cell_id"):
        if key:
            row = (key, *(value or 0 for value in scope))
            tally[row] = tally.get(row, 0) + 1
    return tally


def test_the_counts_follow_the_fiches(users, make_fiche):
    """Created, its address changed (saved, or updated in bulk), re-routed, anonymised,
    deleted: the database keeps the counts and their index itself, whoever writes the fiche;
    no address is left behind."""
    from organisations.models import Cell
    from privacy.anonymise import anonymise_fiches

    agent, road = users["agent"], users["cellule-voirie"]
    fiche = make_fiche("VOI-NID", street_number="8", street_name="rue Sainte", postal_code="13007")
    assert counted() == recounted() and found(agent, "rue sainte") == {fiche.reference}

    fiche.street_name = "boulevard Baille"
    fiche.address_key = address_key("8", "boulevard Baille", "13005")
    fiche.save()
    assert counted() == recounted()
    assert found(agent, "sainte") == set() and found(agent, "baille") == {fiche.reference}

    Fiche.objects.filter(pk=fiche.pk).update(address_key=address_key("8", "rue Breteuil", "13006"))
    assert counted() == recounted() and found(agent, "baille") == set()
    assert found(agent, "breteuil") == {fiche.reference}

    fiche.refresh_from_db()
    fiche.description = "Autre chose"
    fiche.save()  # the key unchanged
    assert counted() == recounted() and search(road, "breteuil").count == 1

    elsewhere = Cell.objects.exclude(pk=fiche.cell_id).exclude(directorate=fiche.directorate).first()
    Fiche.objects.filter(pk=fiche.pk).update(cell=elsewhere, directorate=elsewhere.directorate)
    assert counted() == recounted() and search(road, "breteuil").count == 0
    assert search(agent, "breteuil").count == 1

    anonymise_fiches([fiche.pk], reason="test")
    assert Fiche.objects.get(pk=fiche.pk).address_key == ""
    assert counted() == recounted() and found(agent, "breteuil") == set()
    assert not AddressCount.objects.filter(key__contains="breteuil").exists()

    other = make_fiche("VOI-NID", street_number="5", street_name="rue Sainte", postal_code="13007")
    assert found(agent, "rue sainte") == {other.reference}
    other.events.all().delete()
    Fiche.objects.filter(pk=other.pk).delete()
    assert counted() == recounted() and found(agent, "rue sainte") == set()
    assert not AddressCount.objects.exists()


def test_the_counts_stay_right_whatever_is_written(users, make_fiche):
    """Random writes of keys and scopes, one fiche or several at a time: the counts are the
    fiches' own after each, and the index finds each key's fiches."""
    from organisations.models import Body, Cell, Directorate

    chance = random.Random(17)
    streets = ("rue Paradis", "rue Sainte")
    keys = ["", *(address_key(str(n), street, "13001") for n in (1, 2) for street in streets)]
    bodies, directorates = list(Body.objects.all()), list(Directorate.objects.all())
    cells = list(Cell.objects.all())
    made = [make_fiche("VOI-NID", street_number=str(n)) for n in range(6)]
    for _ in range(40):
        fiche = chance.choice(made)
        fiche.refresh_from_db()
        move = chance.randrange(4)
        if move == 0:
            fiche.address_key = chance.choice(keys)
            fiche.save()
        elif move == 1:
            fiche.body, fiche.directorate = chance.choice(bodies), chance.choice(directorates)
            fiche.cell = chance.choice(cells)
            fiche.save()
        elif move == 2:
            chosen = [f.pk for f in chance.sample(made, 3)]
            Fiche.objects.filter(pk__in=chosen).update(address_key=chance.choice(keys))
        else:
            Fiche.objects.filter(pk=fiche.pk).update(cell=chance.choice(cells))
        assert counted() == recounted()
    for key in filter(None, keys):
        assert found(users["agent"], key) == set(
            Fiche.objects.filter(address_key=key).values_list("reference", flat=True)
        )


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's triggers")
def test_triggers_lost_by_a_table_rebuild_come_back_after_migrate(users, make_fiche):
    """Django alters a SQLite table by copying it to a new one: the triggers are dropped with
    the old one. After migrate, they are created again and the fiches counted again."""
    from django.apps import apps

    assert not address_index.repair(connection)  # complete: nothing to do
    with connection.cursor() as cursor:
        for name in address_index.SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
    fiche = make_fiche("VOI-NID", street_number="4", street_name="rue Saint-Pierre", postal_code="13005")
    assert found(users["agent"], "saint-pierre") == set()
    address_index.after_migrate(apps.get_app_config("fiches"), using="default", plan=[("migration", False)])
    assert found(users["agent"], "saint-pierre") == {fiche.reference} and counted() == recounted()
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
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
    """The counts' ``key LIKE …`` can read ``pg_trgm``'s index: with a sequential scan ruled
    out, the planner reads it (on a few rows it would rightly read the table)."""
    from django.db import transaction

    if connection.vendor != "postgresql":
        pytest.skip("pg_trgm is PostgreSQL's")
    with CaptureQueriesContext(connection) as queries:
        search(users["agent"], "Paradis")
    (read,) = [q["sql"] for q in queries if address_index.COUNTS in q["sql"]]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + read)
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert f"Bitmap Index Scan on {address_index.TRIGRAM_INDEX}" in plan, plan


@pytest.mark.postgres_only
def test_on_postgresql_the_fiches_trigram_index_serves_the_like(users, fiches, monkeypatch):
    """The page's ``LIKE`` (``"address_key"::text LIKE …``, more keys than a few) can read the
    fiches' ``pg_trgm`` index (0012, kept): with a sequential scan ruled out, the planner
    reads it."""
    from django.db import transaction

    if connection.vendor != "postgresql":
        pytest.skip("pg_trgm is PostgreSQL's")
    monkeypatch.setattr(selectors, "PG_FEW_ADDRESS_KEYS", 0)
    queryset = search(users["agent"], "Paradis").fiches
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    assert '"address_key"::text LIKE' in sql
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on fiche_address_trgm" in plan, plan
