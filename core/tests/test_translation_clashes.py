"""Every app's French catalogue is what its pages show.

Django merges all catalogues into one: for the same msgid (and context), the catalogue of the
app listed earlier in INSTALLED_APPS wins, and Django's own (``django.contrib.admin`` first)
win over all of ours. A string translated in one app's catalogue but translated differently in
a catalogue that wins is not what the app's users see (the fiche list's button "Filter" showed
the admin's noun « Filtre », not « Filtrer »). The fix is a context (``pgettext``,
``{% translate "Filter" context "button" %}``) where the meanings differ, or the same wording in
both catalogues where they do not.
"""

import gettext
import subprocess
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation
from django.utils.translation.reloader import translation_file_changed

PROJECT_APPS = [a for a in apps.get_app_configs() if Path(a.path).parent == Path(settings.BASE_DIR)]


def _catalogue(app) -> Path:
    return Path(app.path) / "locale" / "fr" / "LC_MESSAGES" / "django.po"


@pytest.fixture(scope="module")
def compiled():
    """The .mo files are not versioned (``make messages`` compiles them): compile those missing
    or older than their .po, then make Django read the catalogues again."""
    stale = []
    for app in PROJECT_APPS:
        po = _catalogue(app)
        mo = po.with_suffix(".mo")
        if po.exists() and (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime):
            subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)
            stale.append(mo)
    if stale:
        translation_file_changed(sender=None, file_path=stale[0])


def _runtime(key, plural_n: dict[int, int]) -> str:
    """What Django shows for one key of a compiled catalogue (``msgid``, ``ctx\\x04msgid``, or
    ``(msgid, plural index)`` for a plural form)."""
    index = None
    if isinstance(key, tuple):
        key, index = key
    context, _, msgid = key.rpartition("\x04")
    if index is None:
        return translation.pgettext(context, msgid) if context else translation.gettext(msgid)
    n = plural_n[index]  # the plural form's other msgid is only a fallback: the singular finds it
    return (
        translation.npgettext(context, msgid, msgid, n) if context else translation.ngettext(msgid, msgid, n)
    )


@pytest.mark.parametrize("app", PROJECT_APPS, ids=lambda a: a.label)
def test_app_catalogue_wins_at_runtime(app, compiled):
    mo = _catalogue(app).with_suffix(".mo")
    if not mo.exists():
        return
    with mo.open("rb") as f:
        own = gettext.GNUTranslations(f)
    plural_n: dict[int, int] = {}
    for n in range(200):
        plural_n.setdefault(own.plural(n), n)
    clashes = []
    with translation.override("fr"):
        for key, msgstr in own._catalog.items():
            if key == "" or not msgstr:
                continue
            shown = _runtime(key, plural_n)
            if shown != msgstr:
                clashes.append(f"{key!r}: {msgstr!r} in {app.label}, but {shown!r} shown")
    assert not clashes, (
        "another catalogue translates these msgids differently and wins: give the msgid a context "
        "where the meanings differ, or use the same wording in both catalogues:\n" + "\n".join(clashes)
    )
