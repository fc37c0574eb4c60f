"""`{% places_map %}`: a Leaflet map whose tile server comes from the settings, and its assets."""

from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("places/_map.html")
def places_map(
    map_id: str,
    label: str,
    latitude: float | None = None,
    longitude: float | None = None,
    points: str = "",
    editable: bool = False,
    cluster: bool = False,
    height: str = "sm",
) -> dict:
    """A map centred on the point (or on Marseille). `points`: the id of a `json_script` list of
    {lat, lon, label, url}; `editable`: the point follows and fills #id_latitude/#id_longitude."""
    return {
        "map_id": map_id,
        "label": label,
        "latitude": latitude,
        "longitude": longitude,
        "points": points,
        "editable": editable,
        "cluster": cluster,
        "height": height,
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION if settings.MAP_TILE_URL else "",
    }


@register.inclusion_tag("places/_map_assets.html")
def places_map_assets(cluster: bool = False) -> dict:
    return {"cluster": cluster}
