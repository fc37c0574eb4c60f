"""The Marseille demonstration configuration: the City (operator), the Métropole (partner),
their directorates and cells, and one user per role."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from organisations.models import Body, Cell, Directorate, Membership, Role

DEMO_PASSWORD = "allo-mairie-2026"  # noqa: S105 - printed for the demonstration only

CITY = {
    "name": "Ville de Marseille",
    "short_name": "Ville",
    "kind": Body.Kind.OPERATOR,
    "signatory_name": "Le Maire de Marseille",
    "signatory_title": "Pour le Maire, l'Adjoint délégué à la relation citoyenne",
    "address": "Hôtel de Ville\nQuai du Port\n13002 Marseille",
}
METROPOLE = {
    "name": "Métropole Aix-Marseille-Provence",
    "short_name": "Métropole",
    "kind": Body.Kind.PARTNER,
    "signatory_name": "La Présidente de la Métropole",
    "signatory_title": "Pour la Présidente, le Vice-Président délégué à l'espace public",
    "address": "Le Pharo\n58 boulevard Charles Livon\n13007 Marseille",
}

# (body key, code, directorate name, cell e-mail, cell phone)
DIRECTORATES = [
    ("city", "vdm-eclairage", "Direction de l'Éclairage public", "eclairage", "04 91 55 10 01"),
    ("city", "vdm-parcs", "Direction des Parcs et Jardins", "parcs", "04 91 55 10 02"),
    ("city", "vdm-tags", "Service Anti-graffiti et Affichage", "tags", "04 91 55 10 03"),
    ("city", "vdm-hygiene", "Service communal d'Hygiène et de Santé", "hygiene", "04 91 55 10 04"),
    ("city", "vdm-ecoles", "Direction de l'Éducation et de l'Enfance", "ecoles", "04 91 55 10 05"),
    ("city", "vdm-batiments", "Direction des Bâtiments communaux", "batiments", "04 91 55 10 06"),
    (
        "city",
        "vdm-solidarites",
        "Direction de l'Action sociale et des Solidarités",
        "solidarites",
        "04 91 55 10 07",
    ),
    ("city", "vdm-mobilier", "Direction de l'Espace urbain", "espace-urbain", "04 91 55 10 08"),
    ("city", "vdm-relation", "Direction de la Relation citoyenne", "relation", "04 91 55 10 09"),
    ("metro", "amp-proprete", "Direction de la Propreté urbaine", "proprete", "04 91 99 20 01"),
    ("metro", "amp-voirie", "Direction de la Voirie", "voirie", "04 91 99 20 02"),
    (
        "metro",
        "amp-circulation",
        "Direction de la Mobilité et de la Circulation",
        "circulation",
        "04 91 99 20 03",
    ),
    ("metro", "amp-eau", "Direction de l'Eau et de l'Assainissement", "eau", "04 91 99 20 04"),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    body: str
    directorate: str | None = None
    cell: bool = False
    staff: bool = False


DEMO_USERS = [
    DemoUser("agent", "Nadia", "Benali", Role.AGENT, "city"),
    DemoUser("agent2", "Thomas", "Ferrand", Role.AGENT, "city"),
    DemoUser("superviseur", "Claire", "Orsini", Role.SUPERVISOR, "city"),
    DemoUser("admin", "Marc", "Giraud", Role.ADMINISTRATOR, "city", staff=True),
    DemoUser(
        "cellule-eclairage",
        "Sophie",
        "Martinez",
        Role.CORRESPONDENT,
        "city",
        "vdm-eclairage",
        cell=True,
    ),
    DemoUser("cellule-parcs", "Karim", "Haddad", Role.CORRESPONDENT, "city", "vdm-parcs", cell=True),
    DemoUser("cellule-voirie", "Julien", "Roux", Role.CORRESPONDENT, "metro", "amp-voirie", cell=True),
    DemoUser("cellule-proprete", "Inès", "Moreau", Role.CORRESPONDENT, "metro", "amp-proprete", cell=True),
    DemoUser("direction-voirie", "Hélène", "Castellan", Role.MANAGER, "metro", "amp-voirie"),
    DemoUser("comite", "Paul", "Arnaud", Role.COMMITTEE, "metro"),
    DemoUser("finances", "Lucie", "Fabre", Role.FINANCE, "city"),
]


@transaction.atomic
def create_organisations() -> dict[str, Body]:
    city, _ = Body.objects.get_or_create(short_name=CITY["short_name"], defaults=CITY)
    metro, _ = Body.objects.get_or_create(short_name=METROPOLE["short_name"], defaults=METROPOLE)
    bodies = {"city": city, "metro": metro}
    for body_key, code, name, mailbox, phone in DIRECTORATES:
        directorate, _ = Directorate.objects.get_or_create(
            code=code, defaults={"body": bodies[body_key], "name": name}
        )
        domain = "marseille.fr" if body_key == "city" else "ampmetropole.fr"
        Cell.objects.get_or_create(
            directorate=directorate,
            defaults={
                "name": f"Cellule Allô Mairie · {name}",
                "email": f"allomairie-{mailbox}@{domain}",
                "phone": phone,
            },
        )
    return bodies


@transaction.atomic
def create_users(bodies: dict[str, Body]) -> list[DemoUser]:
    user_model = get_user_model()
    for demo in DEMO_USERS:
        user, created = user_model.objects.get_or_create(
            username=demo.username,
            defaults={
                "first_name": demo.first_name,
                "last_name": demo.last_name,
                "email": f"{demo.username}@example.org",
                "is_staff": demo.staff,
                "is_superuser": demo.staff,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        directorate = Directorate.objects.get(code=demo.directorate) if demo.directorate else None
        Membership.objects.get_or_create(
            user=user,
            role=demo.role,
            body=bodies[demo.body],
            directorate=directorate,
            cell=directorate.cell if demo.cell and directorate else None,
        )
    return DEMO_USERS
