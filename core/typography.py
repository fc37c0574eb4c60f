"""French typography of the interface texts: a narrow no-break space (U+202F) before « : »,
« ; », « ? » and « ! ». Applied to the French catalogues by ``manage.py french_typography``
and checked by core/tests/test_translations.py."""

from __future__ import annotations

import json
import re
from pathlib import Path

NARROW = "\u202f"
# A space (ordinary or no-break) between a word (or closing sign) and a high punctuation
# sign that ends a clause: "Objet : x", "Pourquoi ?" — never "https://", "10:30" or "?x=1".
SPACED_SIGN = re.compile(r"(?<=[^\s])[ \u00a0]([:;?!])(?=\s|$|[\"'»)<,.])")


def french_spacing(text: str) -> str:
    return SPACED_SIGN.sub(NARROW + r"\1", text)


def needs_spacing(text: str) -> bool:
    return bool(SPACED_SIGN.search(text))


MSGSTR = re.compile(r'^(msgstr(?:\[\d+\])?) (".*")$')


def fix_catalogue(path: Path) -> int:
    """Rewrite the msgstr of a .po file in place; the number of translations changed."""
    lines = path.read_text(encoding="utf-8").split("\n")
    out: list[str] = []
    changed = 0
    index = 0
    while index < len(lines):
        match = MSGSTR.match(lines[index])
        if not match:
            out.append(lines[index])
            index += 1
            continue
        parts = [json.loads(match[2])]
        index += 1
        while index < len(lines) and lines[index].startswith('"'):
            parts.append(json.loads(lines[index]))
            index += 1
        text = "".join(parts)
        fixed = french_spacing(text)
        if fixed != text:
            changed += 1
            out.append(f"{match[1]} {json.dumps(fixed, ensure_ascii=False)}")
        else:
            out.append(lines[index - len(parts)])
            out.extend(lines[index - len(parts) + 1 : index])
    path.write_text("\n".join(out), encoding="utf-8")
    return changed


def msgstrs(path: Path) -> list[str]:
    """Every translation of a .po file (plural forms included), joined across lines."""
    result, current = [], None
    for line in path.read_text(encoding="utf-8").split("\n"):
        match = MSGSTR.match(line)
        if match:
            if current is not None:
                result.append(current)
            current = json.loads(match[2])
        elif current is not None and line.startswith('"'):
            current += json.loads(line)
        else:
            if current is not None:
                result.append(current)
            current = None
    if current is not None:
        result.append(current)
    return result
