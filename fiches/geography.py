"""Marseille geography: postal codes to arrondissements (INSEE 13201-13216) and sectors."""

from __future__ import annotations

from dataclasses import dataclass

# Sector (secteur de mairie) of each arrondissement.
SECTOR_OF_ARRONDISSEMENT = {
    1: 1, 7: 1, 2: 2, 3: 2, 4: 3, 5: 3, 6: 4, 8: 4,
    9: 5, 10: 5, 11: 6, 12: 6, 13: 7, 14: 7, 15: 8, 16: 8,
}  # fmt: skip


@dataclass(frozen=True)
class Place:
    postal_code: str
    arrondissement: int
    sector: int

    @property
    def insee_code(self) -> str:
        """INSEE code of the arrondissement (not of a commune: 13201-13216)."""
        return f"132{self.arrondissement:02d}"


def place_for_postal_code(postal_code: str) -> Place | None:
    """The arrondissement and sector of a Marseille postal code, or None outside Marseille."""
    code = (postal_code or "").strip().replace(" ", "")
    if len(code) != 5 or not code.isdigit() or not code.startswith("130"):
        return None
    arrondissement = int(code[3:])
    if arrondissement not in SECTOR_OF_ARRONDISSEMENT:
        return None
    return Place(code, arrondissement, SECTOR_OF_ARRONDISSEMENT[arrondissement])


def arrondissement_label(number: int) -> str:
    return "1er" if number == 1 else f"{number}e"
