"""Optional adapter for the national address API (api-adresse.data.gouv.fr or the same protocol).

Off unless `PLACES_API_URL` is set. Time-limited (`PLACES_API_TIMEOUT` seconds); any failure
answers None and the caller falls back to the local reference.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings

logger = logging.getLogger(__name__)


def search(q: str, limit: int):
    """Hits from the API, or None when it is off, slow, down or answers nonsense."""
    from places.selectors import Hit

    url = settings.PLACES_API_URL
    if not url.startswith(("https://", "http://")):
        return None
    query = urllib.parse.urlencode({"q": q[:200], "limit": limit, "type": "housenumber"})
    try:
        with urllib.request.urlopen(  # noqa: S310 (http(s) only, checked above)
            f"{url}?{query}", timeout=settings.PLACES_API_TIMEOUT
        ) as response:
            payload = json.loads(response.read(1_000_000))
        hits = []
        for feature in payload["features"][:limit]:
            properties = feature["properties"]
            lon, lat = feature["geometry"]["coordinates"]
            citycode = str(properties.get("citycode", ""))
            hits.append(
                Hit(
                    number=str(properties.get("housenumber", "")),
                    street=str(properties.get("street") or properties.get("name", "")),
                    postal_code=str(properties.get("postcode", "")),
                    arrondissement=int(citycode[3:])
                    if citycode.startswith("132") and citycode.isdigit()
                    else None,
                    quartier="",
                    latitude=float(lat),
                    longitude=float(lon),
                    source="api",
                )
            )
        return hits
    except (OSError, ValueError, KeyError, TypeError, urllib.error.URLError) as error:
        logger.warning("address API unavailable, local reference used: %s", type(error).__name__)
        return None
