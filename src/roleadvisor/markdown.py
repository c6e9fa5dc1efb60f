"""Markdown that shows pack text as written: every character markdown would read as syntax is escaped.

A title such as `__init__`, `<details>`, `[x](javascript:alert(1))` or a leading `#` prints as those characters,
never as emphasis, HTML, a link or a heading (CommonMark and GitHub's tables). Underscores inside a word
(`software_developer`) cannot start emphasis, so they stay as they are and ids read cleanly.
"""

from __future__ import annotations

import re

# Inline syntax anywhere in a line (`|` ends a table cell). `]`, `(`, `!` and `>` mean nothing without an
# unescaped `[` or `<` before them, so they stay as written.
_ALWAYS = re.compile(r"([\\`*\[<#|~])")
_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")  # an underscore not between two letters or digits
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")  # &amp; &#60; would be read as a character reference
# What starts a block at the start of a line: a quote, a bullet or a rule, a setext underline, a numbered item.
_BLOCK_START = re.compile(r"^(>|-|=|\+(?=\s|$))|^(\d{1,9})([.)])(?=\s|$)")
_LINE_BREAK = re.compile(r"\r\n?|\n")


def text(value: str) -> str:
    """`value` escaped to read literally wherever inline text goes: a paragraph, a list item, a heading."""
    value = _LINE_BREAK.sub(" ", value)  # a line break could start a new block
    value = _UNDERSCORE.sub(r"\\_", _ALWAYS.sub(r"\\\1", value))
    value = _ENTITY.sub(r"\\&", value)
    return _BLOCK_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", value.lstrip())


def cell(value: str) -> str:
    """`value` escaped for a table cell (text's escapes include the `|` that would end the cell)."""
    return text(value)


def code(value: str) -> str:
    """`value` as a code span, with a fence of backticks longer than any run inside it."""
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    padding = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{padding}{value}{padding}{fence}"


def table(header: list[str], rows: list[list[str]]) -> str:
    """A pipe table of cells that are markdown already (see `cell` and `code`)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
