from weakref import WeakKeyDictionary

from django.urls import URLResolver, get_resolver, get_script_prefix, get_urlconf, path, reverse
from django.utils.translation import get_language

from core import views

app_name = "core"
urlpatterns = [path("", views.home, name="home")]

# What is written once per URL configuration (the resolver, which clear_url_caches and a change
# of ROOT_URLCONF replace), then per script prefix, language and current application.
Store = WeakKeyDictionary[URLResolver, dict[tuple, dict]]
_REVERSED: Store = WeakKeyDictionary()


def in_force(store: Store, current_app: str | None = None) -> dict:
    """The part of ``store`` for the URL configuration, script prefix and language in force,
    and ``current_app`` (as ``{% url %}`` gives it): the reversed addresses, the menus."""
    parts = store.setdefault(get_resolver(get_urlconf()), {})
    return parts.setdefault((get_script_prefix(), get_language(), current_app), {})


def fixed_addresses(current_app: str | None = None) -> dict[tuple, str]:
    """The addresses already reversed for the configuration in force (``in_force``), keyed by
    (view name, arguments)."""
    return in_force(_REVERSED, current_app)


def fixed_url(
    view_name: str, args: tuple[str, ...] = (), current_app: str | None = None, addresses: dict | None = None
) -> str:
    """``reverse(view_name, args=args)`` for a page whose address never changes (no argument,
    or ``url_base``'s placeholder), reversed once per URL configuration, script prefix and
    language (``fixed_addresses``): a ``reverse`` costs about 25 µs, and a page's menu holds
    up to twenty. Never give it a fiche's or a user's values: each would stay in memory."""
    addresses = fixed_addresses(current_app) if addresses is None else addresses
    try:
        return addresses[view_name, args]
    except KeyError:
        url = addresses[view_name, args] = reverse(view_name, args=args, current_app=current_app)
        return url


def url_base(view_name: str) -> str:
    """The address of a page taking one argument at its end (``<reference>/``) without that
    argument, to build many of its addresses with one ``reverse`` (a list's rows and map
    points): ``url_base("fiches:detail")`` is ``/fiches/``."""
    url = fixed_url(view_name, ("-",))
    if not url.endswith("/-/"):
        raise ValueError(f"{view_name}: its argument is not the end of its address ({url})")
    return url[:-2]
