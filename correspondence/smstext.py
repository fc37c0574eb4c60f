"""SMS text arithmetic, pure Python: GSM-7 / UCS-2 segments and fitting a message into a
budget without cutting a word, the reference or the tracking link."""

from __future__ import annotations

from dataclasses import dataclass

# GSM 03.38 basic character set (one septet each) and its extension table (two septets).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")

# French characters outside GSM-7, replaced by their closest GSM-7 spelling so that a
# French message stays in 160-character segments instead of 70 (common practice).
FRENCH_TO_GSM7 = str.maketrans(
    {
        "â": "a",
        "ê": "e",
        "î": "i",
        "ô": "o",
        "û": "u",
        "ë": "e",
        "ï": "i",
        "ÿ": "y",
        "ç": "c",
        "À": "A",
        "Â": "A",
        "È": "E",
        "Ê": "E",
        "Ë": "E",
        "Î": "I",
        "Ï": "I",
        "Ô": "O",
        "Ù": "U",
        "Û": "U",
        "’": "'",
        "‘": "'",
        "«": '"',
        "»": '"',
        "“": '"',
        "”": '"',
        "–": "-",
        "—": "-",
        "…": "...",
        "\u00a0": " ",
        "\u202f": " ",
        "œ": "oe",
        "Œ": "OE",
    }
)

GSM7_SINGLE, GSM7_MULTI = 160, 153
UCS2_SINGLE, UCS2_MULTI = 70, 67


@dataclass(frozen=True)
class SmsInfo:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int


def to_gsm7(text: str) -> str:
    """Replace the French characters GSM-7 lacks by their nearest GSM-7 spelling."""
    return text.translate(FRENCH_TO_GSM7)


def is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in text)


def measure(text: str) -> SmsInfo:
    """Encoding, length in units and number of segments of ``text``."""
    if is_gsm7(text):
        units = sum(2 if c in GSM7_EXTENDED else 1 for c in text)
        single, multi, encoding = GSM7_SINGLE, GSM7_MULTI, "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, multi, encoding = UCS2_SINGLE, UCS2_MULTI, "UCS-2"
    if units <= single:
        return SmsInfo(encoding, units, 1 if units else 0)
    return SmsInfo(encoding, units, -(-units // multi))


def _budget(text: str, max_segments: int) -> int:
    gsm = is_gsm7(text)
    if max_segments <= 1:
        return GSM7_SINGLE if gsm else UCS2_SINGLE
    return (GSM7_MULTI if gsm else UCS2_MULTI) * max_segments


def _units(text: str, gsm: bool) -> int:
    if gsm:
        return sum(2 if c in GSM7_EXTENDED else 1 for c in text)
    return len(text.encode("utf-16-le")) // 2


def fit(body: str, suffix: str, max_segments: int = 2) -> str:
    """``body`` followed by ``suffix`` (which holds the reference and the link and is never
    cut), in at most ``max_segments`` segments. When too long, the body is shortened at a
    word boundary and ends with "...". The result is converted to GSM-7 when possible."""
    body = " ".join(to_gsm7(body).split())
    suffix = " ".join(to_gsm7(suffix).split())
    full = f"{body} {suffix}".strip()
    if measure(full).segments <= max_segments:
        return full
    gsm = is_gsm7(full)
    room = _budget(full, max_segments) - _units(" " + suffix, gsm) - _units("...", gsm)
    words, kept, used = body.split(" "), [], 0
    for word in words:
        cost = _units(word, gsm) + (1 if kept else 0)
        if used + cost > room:
            break
        kept.append(word)
        used += cost
    short = " ".join(kept).rstrip(",;:") + "..." if kept else ""
    return f"{short} {suffix}".strip()
