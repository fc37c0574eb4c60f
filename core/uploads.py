"""Bounds on uploaded archives, checked before anything is decompressed or parsed.

An XLSX file is a zip archive: a few kilobytes can declare gigabytes of XML (a "zip bomb").
:func:`check_archive` reads only the archive's directory (the sizes each member declares;
reading a member never yields more than its declared size) and refuses an archive with too
many members, too much content once uncompressed, or a member compressed suspiciously well.
:func:`expands_too_much` is the ratio rule, also applied to gzip streams (telephony).
"""

from __future__ import annotations

import io
import zipfile
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _

# Below this size a member's compression ratio does not matter (small XML compresses well).
RATIO_FLOOR = 1024 * 1024


class UnsafeArchive(ValueError):
    """The archive is refused before being read; the message says why, in the user's language."""


def expands_too_much(uncompressed: int, compressed: int) -> bool:
    """Content over ``RATIO_FLOOR`` that is more than ``UPLOAD_ARCHIVE_MAX_RATIO`` times its
    compressed size: a bomb, not a document (text and XML compress 5 to 20 times)."""
    return uncompressed > max(RATIO_FLOOR, settings.UPLOAD_ARCHIVE_MAX_RATIO * compressed)


def check_archive(content: bytes | IO[bytes]) -> None:
    """Raise :class:`UnsafeArchive` unless ``content`` is a zip archive within the bounds of the
    settings ``UPLOAD_ARCHIVE_MAX_MEMBERS``, ``UPLOAD_ARCHIVE_MAX_SIZE`` (all members once
    uncompressed, in bytes) and ``UPLOAD_ARCHIVE_MAX_RATIO``."""
    stream = io.BytesIO(content) if isinstance(content, bytes) else content
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise UnsafeArchive(_("This is not a readable zip archive (XLSX).")) from exc
    if len(members) > settings.UPLOAD_ARCHIVE_MAX_MEMBERS:
        raise UnsafeArchive(
            _("The archive holds more than %(max)s files: it is refused.")
            % {"max": settings.UPLOAD_ARCHIVE_MAX_MEMBERS}
        )
    total = sum(member.file_size for member in members)
    if total > settings.UPLOAD_ARCHIVE_MAX_SIZE:
        raise UnsafeArchive(
            _("The file holds more than %(size)s MB once decompressed: it is refused.")
            % {"size": settings.UPLOAD_ARCHIVE_MAX_SIZE // (1024 * 1024)}
        )
    if any(expands_too_much(member.file_size, member.compress_size) for member in members):
        raise UnsafeArchive(
            _("The file expands more than %(ratio)s times once decompressed: it is refused.")
            % {"ratio": settings.UPLOAD_ARCHIVE_MAX_RATIO}
        )
