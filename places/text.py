"""Pure text helpers of the address reference: one search form for street names and queries.

A street name and what an agent types are reduced to the same words: upper case, no accents,
hyphens and apostrophes as spaces, the usual abbreviations spelled out ("bd" → BOULEVARD,
"st" → SAINT) and articles left out. Matching is then word by word, in any order.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Abbreviations of the postal (AFNOR) norm and of everyday typing, to their full word.
ABBREVIATIONS = {
    "ALL": "ALLEE", "AV": "AVENUE", "AVE": "AVENUE", "BD": "BOULEVARD", "BLD": "BOULEVARD",
    "BVD": "BOULEVARD", "CHE": "CHEMIN", "CH": "CHEMIN", "CHEM": "CHEMIN", "CRS": "COURS",
    "CR": "COURS", "DR": "DOCTEUR", "ESP": "ESPLANADE", "FG": "FAUBOURG", "GAL": "GENERAL",
    "GEN": "GENERAL", "IMP": "IMPASSE", "LOT": "LOTISSEMENT", "MAL": "MARECHAL",
    "MTE": "MONTEE", "PDT": "PRESIDENT", "PL": "PLACE", "PLN": "PLAINE", "PROM": "PROMENADE",
    "PRV": "PARVIS", "QU": "QUAI", "QUA": "QUARTIER", "R": "RUE", "RES": "RESIDENCE",
    "RPT": "ROND POINT", "RTE": "ROUTE", "SQ": "SQUARE", "ST": "SAINT", "STE": "SAINTE",
    "TRA": "TRAVERSE", "TSSE": "TRAVERSE", "TRAV": "TRAVERSE", "VLA": "VILLA",
}  # fmt: skip
# Words that say nothing about which street it is.
STOP_WORDS = frozenset({"A", "AU", "AUX", "D", "DE", "DES", "DU", "EN", "ET", "L", "LA", "LE", "LES"})
# Repetition indexes as the BAN writes them, and as agents type them.
REPETITIONS = {"B": "bis", "BIS": "bis", "T": "ter", "TER": "ter", "Q": "quater", "QUATER": "quater"}
# The BAN's number of a lieu-dit row (a named place without a house number).
NO_NUMBER = "99999"
WORD_LENGTH = 40


def fold(text: str) -> str:
    """Upper case, accents removed, everything that is not a letter or digit as one space."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).upper()
    return " ".join(re.sub(r"[^0-9A-Z]+", " ", plain).split())


def words(text: str) -> list[str]:
    """The meaningful words of a street name or of a query, abbreviations spelled out."""
    result: list[str] = []
    for word in fold(text).split():
        for full in ABBREVIATIONS.get(word, word).split():
            if full not in STOP_WORDS and full not in result:
                result.append(full[:WORD_LENGTH])
    return result


def name_key(text: str) -> str:
    """One key per street name however it is written ("Bd Longchamp" = "boulevard  Longchamp")."""
    return " ".join(words(text))


@dataclass(frozen=True)
class Query:
    number: int | None
    repetition: str
    words: tuple[str, ...]


def parse_query(text: str) -> Query:
    """ "14 bis bd Longchamp", "bd longchamp 14", "14b, Longchamp" → number, repetition, words."""
    tokens = fold(text).split()
    number: int | None = None
    repetition = ""
    rest: list[str] = []
    for position, token in enumerate(tokens):
        match = re.fullmatch(r"(\d{1,5})([A-Z]{0,6})", token)
        if number is None and match:
            number = int(match[1])
            repetition = REPETITIONS.get(match[2], match[2].lower())
            following = tokens[position + 1] if position + 1 < len(tokens) else ""
            if not repetition and following in REPETITIONS and following not in {"B", "T", "Q"}:
                repetition = REPETITIONS[following]
            continue
        if repetition and REPETITIONS.get(token) == repetition:
            continue
        rest.append(token)
    return Query(number, repetition, tuple(words(" ".join(rest))))


def repetition_of(text: str) -> str:
    """The BAN's `rep` column ("bis", "b", "ter", "A") in one spelling."""
    folded = fold(text)
    return REPETITIONS.get(folded, folded.lower())
