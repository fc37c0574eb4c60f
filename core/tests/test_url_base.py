"""core.urls: addresses reversed once (``fixed_url``, the ``{% fixed_url %}`` tag) and a page's
address without its last argument (``url_base``), to build many at once."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import override_settings
from django.urls import get_script_prefix, include, path, reverse, set_script_prefix

from core.urls import fixed_addresses, fixed_url, url_base

# this module as a URL configuration: the whole site moved under /ailleurs/
urlpatterns = [path("ailleurs/", include("allo_mairie.urls"))]


def test_the_address_without_its_argument_builds_the_same_addresses_as_reverse():
    for name in ("fiches:detail", "followup:work"):
        assert f"{url_base(name)}AM-2026-000123/" == reverse(name, args=["AM-2026-000123"])


def test_a_page_whose_argument_is_not_at_the_end_is_refused():
    with pytest.raises(ValueError, match="fiches:created"):
        url_base("fiches:created")  # /fiches/<reference>/enregistree/


def test_the_tag_writes_what_url_writes():
    names = ("core:home", "fiches:list", "followup:board", "logout", "admin:index")
    fixed = Template("{% load display %}" + "|".join(f"{{% fixed_url '{n}' %}}" for n in names))
    plain = Template("|".join(f"{{% url '{n}' %}}" for n in names))
    assert fixed.render(Context()) == plain.render(Context()) == "|".join(reverse(n) for n in names)
    named = Template("{% load display %}{% fixed_url 'fiches:list' as list_url %}[{{ list_url }}x/]")
    assert named.render(Context()) == f"[{reverse('fiches:list')}x/]"
    assert fixed_addresses("fiches") is not fixed_addresses(None)  # per current application


def test_the_addresses_follow_a_change_of_url_configuration():
    tag = Template("{% load display %}{% fixed_url 'fiches:list' %}")
    assert fixed_url("fiches:list") == tag.render(Context()) == "/fiches/"
    assert url_base("fiches:detail") == "/fiches/"
    with override_settings(ROOT_URLCONF=__name__):  # clear_url_caches: another resolver
        assert fixed_url("fiches:list") == tag.render(Context()) == "/ailleurs/fiches/"
        assert url_base("fiches:detail") == "/ailleurs/fiches/"
    assert fixed_url("fiches:list") == tag.render(Context()) == "/fiches/"


def test_the_addresses_follow_the_script_prefix():
    tag = Template("{% load display %}{% fixed_url 'fiches:list' %}")
    before = get_script_prefix()
    set_script_prefix("/allo/")
    try:
        assert fixed_url("fiches:list") == tag.render(Context()) == "/allo/fiches/"
    finally:
        set_script_prefix(before)
    assert fixed_url("fiches:list") == tag.render(Context()) == "/fiches/"


@pytest.mark.parametrize(
    "source", ["{% fixed_url 'fiches:detail' 'AM-2026-000123' %}", "{% fixed_url name %}", "{% fixed_url %}"]
)
def test_the_tag_takes_one_view_name_in_quotes_and_no_argument(source):
    with pytest.raises(TemplateSyntaxError, match="fixed_url"):
        Template("{% load display %}" + source)
