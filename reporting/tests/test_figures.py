"""The pure figures and the SVG drawings."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reporting.charts import arrondissement_map, bar_chart
from reporting.figures import ARRONDISSEMENT_TILES, Change, Period, nearest_rank, quarter_of, shade, share


def test_share():
    assert share(1, 2) == 50.0 and share(0, 3) == 0.0 and share(2, 3) == 66.7
    assert share(1, 0) is None and share(None, 4) is None


@given(st.integers(1, 10_000), st.integers(1, 100))
def test_nearest_rank_leaves_at_least_p_percent_at_or_below(count, percentile):
    rank = nearest_rank(percentile, count)
    assert 1 <= rank <= count
    assert 100 * rank >= percentile * count > 100 * (rank - 1)


def test_nearest_rank_refuses_nonsense():
    with pytest.raises(ValueError):
        nearest_rank(50, 0)
    with pytest.raises(ValueError):
        nearest_rank(0, 10)


def test_change():
    assert Change(6, 1).percent == 500.0 and Change(6, 1).delta == 5
    assert Change(50.0, 0.0).delta == 50.0 and Change(50.0, 0.0).percent is None
    assert Change(None, 3).delta is None


def test_periods():
    q1 = Period(date(2026, 1, 1), date(2026, 3, 31))
    assert q1.days == 90 and q1.previous() == Period(date(2025, 10, 3), date(2025, 12, 31))
    assert q1.year_before() == Period(date(2025, 1, 1), date(2025, 3, 31))
    assert Period(date(2028, 2, 29), date(2028, 2, 29)).year_before().start == date(2027, 2, 28)
    assert quarter_of(date(2026, 11, 5)) == Period(date(2026, 10, 1), date(2026, 12, 31))
    assert quarter_of(date(2026, 5, 31)) == Period(date(2026, 4, 1), date(2026, 6, 30))


def test_shade():
    assert shade(None, 10) == 0 and shade(0, 10) == 0 and shade(5, 0) == 0
    assert shade(1, 100) == 1 and shade(100, 100) == 4


def test_tiles_cover_the_sixteen_arrondissements_once():
    assert sorted(ARRONDISSEMENT_TILES) == list(range(1, 17))
    assert len(set(ARRONDISSEMENT_TILES.values())) == 16


def test_drawings_escape_text_and_show_every_value():
    svg = bar_chart("<titre>", ["<b>Voirie</b>", "Ville"], [3, None])
    assert "<b>" not in svg and "&lt;b&gt;Voirie" in svg and ">3<" in svg and ">–<" in svg
    tiles = arrondissement_map("Carte", {1: 5, 8: 1.5}, " %")
    assert tiles.count("<rect") == 16 and ">1er<" in tiles and ">5 %<" in tiles and ">1.5 %<" in tiles
