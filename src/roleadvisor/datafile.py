"""Read one YAML or JSON data file safely: size cap, strict UTF-8, safe parsing, errors with line and column.

PyYAML is imported only when a YAML file is actually parsed (see yamlfile.py): it costs about a
third of what a short command adds to typer's start-up.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from roleadvisor.errors import RoleAdvisorError
from roleadvisor.files import open_input
from roleadvisor.safe_text import printable

MAX_FILE_BYTES = 1024 * 1024
# Packs and answer files nest a dozen levels at most; a cap keeps every reader's recursion shallow.
MAX_DEPTH = 100


def decode_text(data: bytes, name: str, error: type[RoleAdvisorError]) -> str:
    """Strict UTF-8 (a leading BOM is dropped); a bad byte is reported with its line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise error(f"{name}:{line}: not UTF-8 text (byte {exc.start})") from None


def read_bytes(path: Path, error: type[RoleAdvisorError]) -> bytes:
    """The file's bytes (stdin for `-`), refusing missing, unreadable and oversized files."""
    if str(path) == "-":
        return read_stdin(error)
    name = printable(path)
    with open_input(path, error) as stream:
        size = os.fstat(stream.fileno()).st_size
        if size > MAX_FILE_BYTES:
            raise error(f"{name}: file is too large ({size} bytes; the limit is {MAX_FILE_BYTES})")
        # Read no more than the limit allows: devices and pipes report no size (/dev/zero never ends).
        try:
            data = stream.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise error(f"{name}: cannot read ({exc.strerror})") from None
    if len(data) > MAX_FILE_BYTES:
        raise error(f"{name}: file is too large (over {MAX_FILE_BYTES} bytes)")
    return data


def read_stdin(error: type[RoleAdvisorError]) -> bytes:
    """Standard input, up to the same size limit as a file."""
    try:
        data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise error(f"stdin: cannot read ({exc.strerror})") from None
    if len(data) > MAX_FILE_BYTES:
        raise error(f"stdin: too large (over {MAX_FILE_BYTES} bytes)")
    return data


def parse_json(text: str, name: str, error: type[RoleAdvisorError]) -> object:
    def unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
        result: dict[str, object] = {}
        for key, value in pairs:
            if key in result:
                raise error(f"{name}: duplicate key {printable(key, quote=True)}")
            result[key] = value
        return result

    try:
        return json.loads(text, object_pairs_hook=unique_keys)
    except json.JSONDecodeError as exc:
        raise error(f"{name}:{exc.lineno}:{exc.colno}: {exc.msg}") from None


def unreadable_value(exc: ValueError) -> str:
    """A value the parser found but Python would not build: above all an integer of thousands of digits."""
    return "a number has too many digits" if "digits" in str(exc) else f"a value that cannot be read ({exc})"


def read_data_file(path: Path, error: type[RoleAdvisorError]) -> object:
    """Parse a .json file as JSON and anything else as YAML; an empty file is an error."""
    return parse_data(read_bytes(path, error), path, error)


def parse_data(raw: bytes, path: Path, error: type[RoleAdvisorError]) -> object:
    """The data in a file's bytes: JSON for a .json name, YAML otherwise; checked for size and depth."""
    name = printable(path)
    text = decode_text(raw, name, error)
    if not text.strip():
        raise error(f"{name}: file is empty")
    try:
        if path.suffix.lower() == ".json":
            data = parse_json(text, name, error)
        else:
            from roleadvisor.yamlfile import parse_yaml

            data = parse_yaml(text, name, error)
    except ValueError as exc:  # either parser: an integer of thousands of digits, a date that does not exist
        raise error(f"{name}: {unreadable_value(exc)}") from None
    except RecursionError:
        raise error(f"{name}: nesting is too deep") from None
    if data is None:
        raise error(f"{name}: file is empty")
    # Without aliases a file cannot hold more items than it has characters.
    check_shape(data, name, error, max_items=len(text) + 1)
    return data


def check_shape(data: object, name: str, error: type[RoleAdvisorError], max_items: int) -> None:
    """Refuse data nested deeper than MAX_DEPTH, or with over max_items items once aliases are expanded.

    YAML anchors and aliases can build a cycle (`&a [*a]`) or a tree exponentially larger than the
    file; either would hang or crash whatever walks the data next.
    """
    pending: list[tuple[object, int]] = [(data, 0)]
    items = 0
    while pending:
        value, depth = pending.pop()
        items += 1
        if depth > MAX_DEPTH:
            raise error(f"{name}: nesting is too deep (more than {MAX_DEPTH} levels)")
        if items > max_items:
            raise error(f"{name}: too many items once aliases are expanded (more than {max_items})")
        if isinstance(value, dict):
            pending.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            pending.extend((item, depth + 1) for item in value)
