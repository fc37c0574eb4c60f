from django.urls import path, reverse

from core import views

app_name = "core"
urlpatterns = [path("", views.home, name="home")]


def url_base(view_name: str) -> str:
    """The address of a page taking one argument at its end (``<reference>/``) without that
    argument, to build many of its addresses with one ``reverse`` (a list's rows and map
    points): ``url_base("fiches:detail")`` is ``/fiches/``."""
    url = reverse(view_name, args=["-"])
    if not url.endswith("/-/"):
        raise ValueError(f"{view_name}: its argument is not the end of its address ({url})")
    return url[:-2]
