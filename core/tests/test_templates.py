"""Template source rules that Django does not enforce."""

from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def test_no_comment_spans_lines():
    """``{# … #}`` ends on its line: one spread over two is printed on the page as text
    (it was, at the top of every page). Longer comments use ``{% comment %}``."""
    broken = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in ROOT.glob("*/templates/**/*.html")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if line.count("{#") > line.count("#}")
    ]
    assert broken == []
