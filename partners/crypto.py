"""Tokens and webhook signatures (pure Python, no Django).

An API token is ``am_<prefix>_<secret>``: the prefix finds the row, only a SHA-256 digest of
the whole token is stored (tokens are long random strings, so a fast hash is enough and a
leaked table gives no usable token). A webhook is signed like Stripe's: the header
``Allo-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">``; a receiver refuses a
signature older than its replay window."""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_PREFIX = "am"  # noqa: S105 - the tokens' visible prefix, no secret
SIGNATURE_HEADER = "Allo-Signature"
DEFAULT_TOLERANCE = 300  # seconds


def new_token() -> tuple[str, str, str]:
    """(token shown once, its lookup prefix, its stored digest)."""
    prefix = secrets.token_hex(6)
    token = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    return token, prefix, token_digest(token)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def token_prefix(token: str) -> str | None:
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or len(parts[1]) != 12:
        return None
    return parts[1]


def token_matches(token: str, digest: str) -> bool:
    return hmac.compare_digest(token_digest(token), digest)


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The value of the signature header for this body sent at this time."""
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, now: float, tolerance: int = DEFAULT_TOLERANCE) -> bool:
    """What a receiver checks: a v1 signature of this body, made within the replay window."""
    fields: dict[str, list[str]] = {}
    for part in header.split(","):
        key, _sep, value = part.strip().partition("=")
        fields.setdefault(key, []).append(value)
    try:
        timestamp = int(fields["t"][0])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    return any(hmac.compare_digest(expected, candidate) for candidate in fields.get("v1", []))


def backoff_seconds(attempts: int, base: int, cap: int) -> int:
    """Wait before the next try after ``attempts`` failed ones: base, 2×base, 4×base … ≤ cap."""
    return int(min(cap, base * 2 ** max(attempts - 1, 0)))
