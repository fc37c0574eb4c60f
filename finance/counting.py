"""The counting rule of the allocation key (A5.1): which fiches count and for whom.

Stored with every computed key (``AllocationKey.rule``) so anyone can redo the count.
Defaults, and why (docs/finance.md):

* ``body``: ``final`` — the competent body after re-routing, since a re-routing corrects a
  routing mistake; ``creation`` counts the body snapshotted when the fiche was created.
* ``duplicates``: out — the same problem reported twice is one request (its original counts).
* ``information``: in — information requests answered at once by the call centre are
  requests registered by it (article 5: "total des demandes enregistrées"); they count for
  the operator, whose staff answered them.
* ``rejected``: out — a fiche rejected (not fixable, outside competence, not actionable)
  was not assigned work for the body.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, Literal

from django.utils.translation import gettext as _

BodyAt = Literal["final", "creation"]


@dataclass(frozen=True)
class CountingRule:
    body: BodyAt = "final"
    duplicates: bool = False
    information: bool = True
    rejected: bool = False

    def __post_init__(self) -> None:
        if self.body not in ("final", "creation"):
            raise ValueError(f"Unknown body rule: {self.body!r}")

    @property
    def body_field(self) -> str:
        """The fiche's field that names the body a fiche counts for."""
        return "body_id" if self.body == "final" else "original_body_id"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CountingRule:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def describe(self) -> list[str]:
        """The rule in words, for the key's page and the committee."""
        counted, excluded = _("counted"), _("excluded")
        return [
            _("Fiches created during the period (creation date, Paris time), all channels."),
            _("Body: the competent body after re-routing.")
            if self.body == "final"
            else _("Body: the competent body at creation (before any re-routing)."),
            _("Duplicates: %(choice)s.") % {"choice": counted if self.duplicates else excluded},
            _("Information requests answered at once: %(choice)s.")
            % {"choice": counted if self.information else excluded},
            _("Rejected fiches: %(choice)s.") % {"choice": counted if self.rejected else excluded},
            _("Numerator: the counted fiches assigned to the partner; denominator: all counted fiches."),
        ]
