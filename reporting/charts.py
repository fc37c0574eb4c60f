"""Charts drawn as SVG text on the server: the same drawing serves the page and the PDF pack
(no browser, no JavaScript). Pure Python, no Django import; every chart has its data table
next to it on the page, the drawing only repeats it.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from reporting.figures import ARRONDISSEMENT_TILES, shade

# Five shades of the project's blue, with a text colour readable on each (contrast ≥ 4.5:1).
SHADE_FILLS = ("#f1f3f5", "#cfe2ff", "#9ec5fe", "#3d8bfd", "#0a3d91")
SHADE_TEXT = ("#212529", "#212529", "#212529", "#000000", "#ffffff")


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float | None], unit: str = "") -> str:
    """Horizontal bars, one per label, the value written at the end of each bar."""
    row_height, label_width, bar_width = 22, 190, 330
    height = row_height * max(len(labels), 1) + 30
    highest = max((v for v in values if v is not None), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {label_width + bar_width + 80} {height}" '
        f'role="img" aria-label="{escape(title)}" class="bar-chart">',
        f"<title>{escape(title)}</title>",
    ]
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 20 + index * row_height
        width = 0 if value is None else max(1.0, bar_width * value / highest)
        shown = "–" if value is None else f"{value:g}{unit}"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 14}" text-anchor="end" font-size="12" '
            f'fill="#212529">{escape(label[:32])}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{width:.1f}" height="{row_height - 6}" '
            f'fill="#0a58ca"/>'
            f'<text x="{label_width + width + 4:.1f}" y="{y + 14}" font-size="12" fill="#212529">'
            f"{escape(shown)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def arrondissement_map(title: str, values: dict[int, float | None], unit: str = "") -> str:
    """The 16 arrondissements as tiles (figures.ARRONDISSEMENT_TILES), shaded by value, each
    tile showing its number and its value: the shading is never the only carrier."""
    size, gap = 74, 4
    columns = 1 + max(c for c, _ in ARRONDISSEMENT_TILES.values())
    rows = 1 + max(r for _, r in ARRONDISSEMENT_TILES.values())
    highest = max((v for v in values.values() if v is not None), default=0)
    width, height = columns * (size + gap), rows * (size + gap)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" class="tile-map">',
        f"<title>{escape(title)}</title>",
    ]
    for number, (column, row) in sorted(ARRONDISSEMENT_TILES.items()):
        value = values.get(number)
        level = shade(value, highest)
        x, y = column * (size + gap), row * (size + gap)
        shown = "–" if value is None else f"{value:g}{unit}"
        name = "1er" if number == 1 else f"{number}e"
        parts.append(
            f'<g class="tile shade-{level}"><rect x="{x}" y="{y}" width="{size}" height="{size}" rx="6" '
            f'fill="{SHADE_FILLS[level]}" stroke="#495057"/>'
            f'<text x="{x + size / 2}" y="{y + 28}" text-anchor="middle" font-size="15" font-weight="bold" '
            f'fill="{SHADE_TEXT[level]}">{name}</text>'
            f'<text x="{x + size / 2}" y="{y + 52}" text-anchor="middle" font-size="14" '
            f'fill="{SHADE_TEXT[level]}">{escape(shown)}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)
