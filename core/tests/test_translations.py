"""The French catalogue is complete: every app that shows text has one, fully translated."""

import subprocess
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

PROJECT_APPS = [a for a in apps.get_app_configs() if Path(a.path).parent == Path(settings.BASE_DIR)]


@pytest.mark.parametrize("app", PROJECT_APPS, ids=lambda a: a.label)
def test_app_catalogue_is_complete(app):
    has_text = any(Path(app.path).rglob("*.html")) or any(
        "gettext" in p.read_text(encoding="utf-8") for p in Path(app.path).rglob("*.py")
    )
    po = Path(app.path) / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    if not has_text:
        return
    assert po.exists(), f"{app.label} shows text but has no French catalogue"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def _msgids(po: Path) -> set[str]:
    ids, current = set(), None
    for line in po.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgid "):
            current = line[6:].strip('"')
        elif line.startswith('"') and current is not None:
            current += line.strip('"')
        else:
            if current:
                ids.add(current)
            current = None
    return ids


@pytest.mark.parametrize("app", PROJECT_APPS, ids=lambda a: a.label)
def test_app_catalogue_is_up_to_date(app, tmp_path):
    """Running makemessages on a copy finds no string that the catalogue lacks."""
    import os
    import shutil
    import sys

    po = Path(app.path) / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    if not po.exists():
        return
    copy = tmp_path / app.label
    shutil.copytree(app.path, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    env = {
        **os.environ,
        "PYTHONPATH": str(settings.BASE_DIR),
        "DJANGO_SETTINGS_MODULE": "allo_mairie.settings",
    }
    subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "makemessages", "-l", "fr", "-v", "0"],
        cwd=copy, env=env, check=True,
    )  # fmt: skip
    missing = _msgids(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po") - _msgids(po)
    assert not missing, f"run makemessages in {app.label}/ and translate: {sorted(missing)}"


@pytest.mark.parametrize("app", PROJECT_APPS, ids=lambda a: a.label)
def test_french_typography(app):
    """A narrow no-break space before « : ; ? ! » (run ``manage.py french_typography``)."""
    from core.typography import msgstrs, needs_spacing

    po = Path(app.path) / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    if not po.exists():
        return
    wrong = [text for text in msgstrs(po) if needs_spacing(text)]
    assert not wrong, f"run manage.py french_typography: {wrong[:5]}"


def test_french_spacing_rules():
    from core.typography import french_spacing

    assert french_spacing("Objet : x ; y ? z !") == "Objet\u202f: x\u202f; y\u202f? z\u202f!"
    assert french_spacing("Tél.\u00a0: 3013") == "Tél.\u202f: 3013"
    for unchanged in ("https://allo.example.org/suivre/", "10:30", "/fiches/?status=new", "Objet\u202f: x"):
        assert french_spacing(unchanged) == unchanged
