"""core.urls.url_base: a page's address without its last argument, to build many at once."""

import pytest
from django.urls import reverse

from core.urls import url_base


def test_the_address_without_its_argument_builds_the_same_addresses_as_reverse():
    for name in ("fiches:detail", "followup:work"):
        assert f"{url_base(name)}AM-2026-000123/" == reverse(name, args=["AM-2026-000123"])


def test_a_page_whose_argument_is_not_at_the_end_is_refused():
    with pytest.raises(ValueError, match="fiches:created"):
        url_base("fiches:created")  # /fiches/<reference>/enregistree/
