"""Text from data (file names, answers, pack keys, CSV cells) made safe to show on a terminal or in a log line.

Data can hold escape sequences that would retitle a terminal window or clear its screen, a newline that
would split a one-line error in two, or a megabyte that would bury it. `printable` shows such a value
escaped and shortened; `escaped` is the last line of defence for a whole message.
"""

from __future__ import annotations

import re

# Characters of a value a message shows; a longer value shows its two ends and its length.
MAX_SHOWN = 200
# Control characters, and the invisible ones that reorder or hide text (bidirectional overrides, zero widths,
# line and paragraph separators). The loader refuses them in pack text; str.isprintable() is false for each.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def printable(value: object, limit: int = MAX_SHOWN, quote: bool = False) -> str:
    """`value` as text for one line of a terminal or log: unchanged when it is short and every character is
    printable; otherwise in Python's repr quotes, control, invisible and undecodable characters escaped
    (`'a\\x1b[2J'`). Over `limit` characters, its two ends and its length: `'aaa'...'zzz' (102400 characters)`.

    quote=True quotes even a plain value, for messages that quote what they name (`unknown choice 'x'`).
    """
    text = str(value)
    length = len(text)
    plain = text.isprintable()
    # Escapes make a character up to ten wide, so the limit is on what is shown, not on the characters.
    if length > limit or (not plain and len(_quoted(text)) > limit + 2):
        half = max(limit // 2, 1)
        return f"{_quoted(_fitting(text, half))}...{_quoted(_fitting(text[::-1], half)[::-1])} ({length} characters)"
    if quote or not plain:
        return _quoted(text)
    return text


def _fitting(text: str, width: int) -> str:
    """The longest start of `text` whose escaped form is at most `width` wide (at least one character)."""
    used = 0
    for end, character in enumerate(text):
        used += 1 if character.isprintable() else len(repr(character)) - 2
        if used > width:
            return text[: max(end, 1)]
    return text


def escaped(text: str) -> str:
    """`text` with every character that is not printable written as its Python escape (`\\x1b`, `\\n`, `\\u202e`),
    and nothing else changed: for a whole message, whose parts should each have been through `printable`."""
    if text.isprintable():
        return text
    return "".join(character if character.isprintable() else repr(character)[1:-1] for character in text)


def _quoted(text: str) -> str:
    """repr's quoting (backslashes doubled, so a shown `\\x1b` can only be an escaped character), always in ''."""
    shown = repr(text)
    if shown.startswith('"'):  # repr's choice for text holding ' and no "
        shown = "'" + shown[1:-1].replace("'", "\\'") + "'"
    return shown
