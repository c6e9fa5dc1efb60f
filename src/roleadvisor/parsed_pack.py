"""The pack's YAML files parsed ahead of time (parsed-pack.json), so start-up need not import PyYAML.

Importing PyYAML and parsing the four pack files costs a short command such as `compare` about
13 ms, a third of what it adds to typer's own start-up. A pack folder may therefore hold
parsed-pack.json: the four files' parsed data, the SHA-256 of each YAML file it came from, and the
SHA-256 of the data itself. The loader takes the data from it only when all of these match: the
YAML files as they are now, and data nobody has edited by hand. It then validates the data exactly
as it validates freshly parsed YAML. Otherwise the YAML is parsed as usual, so a stale or damaged
parsed-pack.json costs time, never correctness.

After editing the shipped pack, rebuild it (tests/test_parsed_pack.py fails until you do):

    python -m roleadvisor.parsed_pack data
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import stat
import sys
from collections.abc import Mapping
from pathlib import Path

PARSED_FILE = "parsed-pack.json"
FORMAT = 2
MAX_PARSED_BYTES = 16 * 1024 * 1024  # four YAML files of at most 1 MiB each, as JSON, with room to spare
USAGE = "usage: python -m roleadvisor.parsed_pack PACK_FOLDER"
_GENERATED_BY = "python -m roleadvisor.parsed_pack: the YAML files beside this one, parsed; do not edit"


def sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def data_digest(data: object) -> str:
    """The SHA-256 of the data as compact JSON (json.loads keeps key order, so this is stable)."""
    return sha256(json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode())


def parsed_documents(folder: Path, raw: Mapping[str, bytes]) -> dict[str, object] | None:
    """Each file's data from the folder's parsed-pack.json, or None unless it matches every file in `raw`."""
    parsed = _read_parsed(folder / PARSED_FILE)
    if parsed is None or not _matches(parsed, raw):
        return None
    data: dict[str, object] = parsed["data"]  # type: ignore[assignment]  # _matches checked it is a dict
    return data


def _read_parsed(path: Path) -> dict[str, object] | None:
    """The file's JSON mapping; None when it is missing, not a plain file, too large or not JSON."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_PARSED_BYTES:
            return None
        parsed = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    return parsed if isinstance(parsed, dict) else None


def _matches(parsed: dict[str, object], raw: Mapping[str, bytes]) -> bool:
    data = parsed.get("data")
    try:
        return (
            parsed.get("format") == FORMAT
            and parsed.get("sources") == {name: sha256(content) for name, content in raw.items()}
            and isinstance(data, dict)
            and data.keys() == raw.keys()
            and parsed.get("data_sha256") == data_digest(data)
        )
    except (ValueError, RecursionError):  # data JSON cannot hold (NaN), or nested too deep to digest
        return False


def parsed_pack_note(folder: Path) -> str | None:
    """What `check` should say of the folder's parsed-pack.json: nothing when there is none or it matches."""
    from roleadvisor.datafile import read_bytes
    from roleadvisor.errors import PackError
    from roleadvisor.loader import PACK_FILES

    path = folder / PARSED_FILE
    if not os.path.lexists(path):
        return None
    rebuild = f"python -m roleadvisor.parsed_pack {shlex.quote(str(folder))}"
    if not _is_plain_file(path):
        return f"{PARSED_FILE} is not a plain file (a folder, a device or a link), so it is never read: remove it, then run `{rebuild}`."
    parsed = _read_parsed(path)
    if parsed is not None:
        try:
            raw = {name: read_bytes(folder / name, PackError) for name in PACK_FILES}
        except PackError:
            return None  # the pack's own errors are reported already
        if _matches(parsed, raw):
            return None
    problem = "does not match the YAML files" if parsed is not None else "cannot be read as a parsed pack"
    return f"{PARSED_FILE} {problem}, so every run parses the YAML instead: rebuild it with `{rebuild}`."


def _is_plain_file(path: Path) -> bool:
    """A regular file and not a link: the rebuild must not write through a link into another pack."""
    return path.is_file() and not path.is_symlink()


def parsed_pack_text(folder: Path) -> str:
    """parsed-pack.json for a pack folder, from its YAML; raises PackError unless the pack is valid.

    The text is checked to give the very pack the YAML gives: JSON cannot hold everything YAML can.
    """
    from roleadvisor.errors import PackError
    from roleadvisor.loader import PACK_FILES, load_pack, pack_from_documents, read_documents, read_pack_file

    from_yaml = load_pack(folder, use_parsed=False)
    data = _with_text_keys(read_documents(folder, use_parsed=False))
    sources = {name: sha256(read_pack_file(folder / name)) for name in PACK_FILES}
    try:
        digest = data_digest(data)
        text = json.dumps(
            {"generated_by": _GENERATED_BY, "format": FORMAT, "sources": sources, "data_sha256": digest, "data": data},
            indent=1,
            ensure_ascii=False,
            allow_nan=False,
        )
    except (TypeError, ValueError) as error:
        raise PackError(f"{folder}: cannot write {PARSED_FILE}: the YAML holds a value JSON cannot ({error})") from None
    from_json = pack_from_documents(folder, json.loads(text)["data"]).pack
    if _content(from_json) != _content(from_yaml):
        raise PackError(f"{folder}: cannot write {PARSED_FILE}: as JSON the data would read differently (quote dates and other special values)")
    return text + "\n"


def _with_text_keys(value: object) -> object:
    """Mapping keys as the loader reads them (str of the YAML value); JSON keys must be text."""
    if isinstance(value, dict):
        return {str(key): _with_text_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_text_keys(item) for item in value]
    return value


def _content(pack: object) -> tuple[object, ...]:
    from dataclasses import fields

    return tuple(getattr(pack, f.name) for f in fields(pack) if f.name != "source")  # type: ignore[arg-type]


def main(argv: list[str]) -> int:
    """Validate the pack in PACK_FOLDER and write its parsed-pack.json."""
    from roleadvisor.errors import RoleAdvisorError
    from roleadvisor.files import write_atomic

    if argv in (["-h"], ["--help"]):
        print(f"{USAGE}\n\nValidate the pack in PACK_FOLDER and write PACK_FOLDER/{PARSED_FILE}.")
        return 0
    if len(argv) != 1 or argv[0].startswith("-"):
        print(USAGE, file=sys.stderr)
        return 2
    folder = Path(argv[0])
    target = folder / PARSED_FILE
    if os.path.lexists(target) and not _is_plain_file(target):
        print(f"roleadvisor: {target}: not a plain file (a folder, a device or a link): remove it first", file=sys.stderr)
        return 2
    try:
        write_atomic(target, parsed_pack_text(folder))
    except RoleAdvisorError as error:
        print(f"roleadvisor: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("Cancelled.", file=sys.stderr)
        return 130
    print(f"Wrote {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
