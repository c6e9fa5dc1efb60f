"""Text for a stream that cannot encode all of it (`PYTHONIOENCODING=ascii`, `LANG=C`, latin-1, an old console).

Reports are drawn with box-drawing lines, block bars and bullets, and packs hold dashes, quotes and accented
names. Where stdout cannot encode a character, text output gets a one-column ASCII stand-in (so table borders
and bars stay aligned) and JSON gets its `\\uXXXX` escape (so it parses to the same data). Nothing is dropped
silently and nothing raises.
"""

from __future__ import annotations

import codecs
import unicodedata
from functools import lru_cache

_STAND_INS = {
    "•": "*", "·": ".", "…": ".", "—": "-", "–": "-", "‐": "-", "−": "-",
    "‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
    "→": ">", "←": "<", "↑": "^", "↓": "v", "⇒": ">", "✓": "v", "✔": "v", "✗": "x", "✘": "x",
    "█": "#", "▉": "#", "▊": "#", "▋": "#", "▌": "#", "▍": " ", "▎": " ", "▏": " ",
    "░": ".", "▒": ":", "▓": "#", "\u00a0": " ",
}  # fmt: skip


def fit_encoding(text: str, encoding: str | None, json: bool = False) -> str:
    """`text` as `encoding` can carry it: unchanged when it can, else with stand-ins (or JSON escapes)."""
    if not encoding:
        return text
    try:
        text.encode(encoding)
        return text
    except LookupError:  # an encoding Python does not know: leave the stream to say so
        return text
    except UnicodeEncodeError:
        pass
    name = codecs.lookup(encoding).name
    return "".join(_fitted(character, name, json) for character in text)


@lru_cache(maxsize=4096)
def _fitted(character: str, encoding: str, json: bool) -> str:
    try:
        character.encode(encoding)
        return character
    except UnicodeEncodeError:
        pass
    if json:
        code = ord(character)
        if code > 0xFFFF:  # JSON escapes a character outside the BMP as a surrogate pair
            code -= 0x10000
            return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
        return f"\\u{code:04x}"
    return _stand_in(character)


def _stand_in(character: str) -> str:
    if character in _STAND_INS:
        return _STAND_INS[character]
    name = unicodedata.name(character, "")
    if name.startswith("BOX DRAWINGS"):
        if " AND " in name:  # a corner or a junction
            return "+"
        if "HORIZONTAL" in name:
            return "=" if "DOUBLE" in name else "-"
        return "|" if "VERTICAL" in name else "+"
    base = unicodedata.normalize("NFKD", character)[:1]  # é -> e, ﬁ -> f
    return base if base.isascii() and base.isprintable() and base != "" else "?"
