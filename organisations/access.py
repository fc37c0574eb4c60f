"""Who may see what: a user's scope, computed once per request from their memberships.

This is the single place that turns memberships into visibility. ``fiches.selectors``
applies it to fiches; every list, page, export and API goes through that selector.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from core.compiled import CompiledQuery
from organisations.models import CALL_CENTRE_ROLES, Membership, Role

FICHE_ROLES = CALL_CENTRE_ROLES | {Role.CORRESPONDENT, Role.MANAGER}


@dataclass(frozen=True)
class Scope:
    """What a user may reach. ``everything`` is the call centre's view of all fiches."""

    everything: bool = False
    roles: frozenset[str] = frozenset()
    body_ids: frozenset[int] = field(default_factory=frozenset)
    directorate_ids: frozenset[int] = field(default_factory=frozenset)
    cell_ids: frozenset[int] = field(default_factory=frozenset)
    member_body_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def sees_fiches(self) -> bool:
        return self.everything or bool(self.body_ids or self.directorate_ids or self.cell_ids)

    def has(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_call_centre(self) -> bool:
        return self.everything

    @property
    def is_supervisor(self) -> bool:
        return self.has(Role.SUPERVISOR, Role.ADMINISTRATOR)

    @property
    def sees_telephone_figures(self) -> bool:
        """Supervisors, and the monitoring committee (figures only: no agent, no call id)."""
        return self.is_supervisor or self.has(Role.COMMITTEE)

    @property
    def sees_finance(self) -> bool:
        """Finance officers and committee members: conventions, keys and amounts."""
        return self.has(Role.FINANCE, Role.COMMITTEE)

    @property
    def manages_finance(self) -> bool:
        """Finance officers record expenses, validate keys and issue revenue orders."""
        return self.has(Role.FINANCE)

    @property
    def sees_all_service_figures(self) -> bool:
        """The service barometer over every fiche: the call centre's supervisors and the
        monitoring committee (figures only, never an individual fiche)."""
        return (self.is_supervisor and self.everything) or self.has(Role.COMMITTEE)

    @property
    def sees_service_figures(self) -> bool:
        """The service barometer: those above, and directorate managers over their scope."""
        return self.sees_all_service_figures or (
            (self.is_supervisor or self.has(Role.MANAGER)) and self.sees_fiches
        )

    @property
    def sees_committee_work(self) -> bool:
        """The committee's pages: its members, those who propose nomenclature changes
        (administrators, directorate managers) and supervisors."""
        return self.has(Role.COMMITTEE, Role.ADMINISTRATOR, Role.MANAGER, Role.SUPERVISOR)


EMPTY = Scope()
# compiled once: every page reads the user's memberships
MEMBERSHIPS = CompiledQuery(
    lambda _, user_id: Membership.objects.filter(user_id=user_id).select_related("body")
)


def scope_for(user: AbstractBaseUser | AnonymousUser) -> Scope:
    """The user's scope, cached on the user object for the request."""
    if not user.is_authenticated or not user.is_active:
        return EMPTY
    cached = getattr(user, "_allo_scope", None)
    if cached is not None:
        return cached
    memberships = MEMBERSHIPS(None, user.pk)
    roles = frozenset(m.role for m in memberships)
    everything = user.is_superuser or any(
        m.role in CALL_CENTRE_ROLES and m.body.is_operator for m in memberships
    )
    bodies: set[int] = set()
    directorates: set[int] = set()
    cells: set[int] = set()
    for m in memberships:
        if m.role not in FICHE_ROLES:
            continue
        if m.cell_id:
            cells.add(m.cell_id)
        elif m.directorate_id:
            directorates.add(m.directorate_id)
        else:
            bodies.add(m.body_id)
    scope = Scope(
        everything=everything,
        roles=roles | ({Role.ADMINISTRATOR} if user.is_superuser else set()),
        body_ids=frozenset(bodies),
        directorate_ids=frozenset(directorates),
        cell_ids=frozenset(cells),
        member_body_ids=frozenset(m.body_id for m in memberships),
    )
    user._allo_scope = scope  # type: ignore[attr-defined]
    return scope


def emails_of(role: str, **membership) -> list[str]:
    """Active staff e-mails holding ``role`` (optionally within a directorate or body:
    ``directorate_id=…``, ``body_id__in=…``, ``body__kind=…``)."""
    from django.contrib.auth import get_user_model

    filters = {f"memberships__{key}": value for key, value in membership.items()}
    return sorted(
        set(
            get_user_model()
            .objects.filter(is_active=True, memberships__role=role, **filters)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )
