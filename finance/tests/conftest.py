import pytest


@pytest.fixture(autouse=True)
def _categories(request):
    """The default expense categories come from a data migration, which the flush after any
    transactional (browser) test wipes: recreate them for the tests that use the database."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    request.getfixturevalue("transactional_db" if marker.kwargs.get("transaction") else "db")
    from finance.defaults import ensure_categories
    from finance.models import CostCategory

    ensure_categories(CostCategory)
