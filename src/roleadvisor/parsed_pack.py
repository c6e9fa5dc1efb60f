"""The pack's YAML files parsed ahead of time (parsed-pack.json), so start-up need not import PyYAML.

Importing PyYAML and parsing the four pack files costs a short command such as `compare` about
13 ms, a third of what it adds to typer's own start-up. A pack folder may therefore hold
parsed-pack.json: the four files' parsed data, the SHA-256 of each YAML file it came from, the
SHA-256 of the data itself, and the roleadvisor version that parsed it. The loader takes the data
from it only when all of these match: the YAML files as they are now, the data as the rebuild
wrote it, and this version's parsing. It then validates the data exactly as it validates freshly
parsed YAML. Otherwise the YAML is parsed as usual, so a stale or damaged parsed-pack.json costs
time, never correctness. (The hashes catch mistakes, not intent: whoever recomputes them can make
the file say anything, as they could by editing the YAML.)

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
from enum import Enum
from pathlib import Path

from roleadvisor import __version__

PARSED_FILE = "parsed-pack.json"
FORMAT = 3
MAX_PARSED_BYTES = 16 * 1024 * 1024  # four YAML files of at most 1 MiB each, as JSON, with room to spare
USAGE = "usage: python -m roleadvisor.parsed_pack PACK_FOLDER"
_GENERATED_BY = "python -m roleadvisor.parsed_pack: the YAML files beside this one, parsed; do not edit"


class State(Enum):
    """What a folder's parsed-pack.json is, for the YAML files beside it."""

    ABSENT = "absent"
    MATCHES = "matches"
    NOT_PLAIN = "not a plain file"
    TOO_LARGE = "too large"
    UNREADABLE = "unreadable"
    STALE = "stale"


# What `check` says of each state but the first two, before the rebuild command.
_NOTES = {
    State.NOT_PLAIN: "is not a plain file (a folder, a device or a link), so it is never read: remove it, then run",
    State.TOO_LARGE: f"is over {MAX_PARSED_BYTES // (1024 * 1024)} MiB, so it is never read: rebuild it with",
    State.UNREADABLE: "cannot be read as a parsed pack, so every run parses the YAML instead: rebuild it with",
    State.STALE: "does not match the YAML files, so every run parses the YAML instead: rebuild it with",
}


def sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def data_digest(data: object) -> str:
    """The SHA-256 of the data as compact JSON (json.loads keeps key order, so this is stable)."""
    return sha256(json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode())


def parsed_documents(folder: Path, raw: Mapping[str, bytes]) -> dict[str, object] | None:
    """Each file's data from the folder's parsed-pack.json, or None unless it matches every file in `raw`."""
    state, data = inspect(folder, raw)
    return data if state is State.MATCHES else None


def inspect(folder: Path, raw: Mapping[str, bytes]) -> tuple[State, dict[str, object] | None]:
    """The state of the folder's parsed-pack.json for these YAML files' bytes, and its data when it matches.

    Links, devices and pipes are never opened, nor a file over MAX_PARSED_BYTES.
    """
    path = folder / PARSED_FILE
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return State.ABSENT, None
    except OSError:
        return State.UNREADABLE, None
    if not stat.S_ISREG(info.st_mode):
        return State.NOT_PLAIN, None
    if info.st_size > MAX_PARSED_BYTES:
        return State.TOO_LARGE, None
    try:
        parsed = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return State.UNREADABLE, None
    if not isinstance(parsed, dict) or not isinstance(parsed.get("data"), dict):
        return State.UNREADABLE, None
    return (State.MATCHES, parsed["data"]) if _matches(parsed, raw) else (State.STALE, None)


def _matches(parsed: dict[str, object], raw: Mapping[str, bytes]) -> bool:
    data = parsed["data"]
    assert isinstance(data, dict)
    try:
        return (
            parsed.get("format") == FORMAT
            and parsed.get("parsed_by") == __version__
            and parsed.get("sources") == {name: sha256(content) for name, content in raw.items()}
            and data.keys() == raw.keys()
            and parsed.get("data_sha256") == data_digest(data)
        )
    except (ValueError, RecursionError):  # data JSON cannot hold (NaN), or nested too deep to digest
        return False


def note(folder: Path, raw: Mapping[str, bytes]) -> str | None:
    """What `check` says of the folder's parsed-pack.json: nothing when there is none or it matches."""
    state, _ = inspect(folder, raw)
    if state in (State.ABSENT, State.MATCHES):
        return None
    return f"{PARSED_FILE} {_NOTES[state]} `python -m roleadvisor.parsed_pack {shlex.quote(str(folder))}`."


def parsed_pack_text(raw: Mapping[str, bytes], data: Mapping[str, object]) -> str:
    """The file for the YAML files' bytes and the data parsed from those very bytes.

    Raises ValueError or TypeError for data JSON cannot hold.
    """
    keyed = _with_text_keys(dict(data))
    parsed = {
        "generated_by": _GENERATED_BY,
        "format": FORMAT,
        "parsed_by": __version__,
        "sources": {name: sha256(content) for name, content in raw.items()},
        "data_sha256": data_digest(keyed),
        "data": keyed,
    }
    return json.dumps(parsed, indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def _with_text_keys(value: object) -> object:
    """Mapping keys as the loader reads them (str of the YAML value); JSON keys must be text."""
    if isinstance(value, dict):
        return {str(key): _with_text_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_text_keys(item) for item in value]
    return value


def rebuild(folder: Path) -> str:
    """parsed-pack.json for a pack folder, from one reading of its YAML; PackError unless the pack is valid
    and the file would give the very same pack (JSON cannot hold everything YAML can)."""
    # loader.py imports this module for parsed_documents; the rebuild needs the loader in turn.
    from roleadvisor.errors import PackError
    from roleadvisor.loader import (
        content_of,
        pack_folder,
        pack_from_documents,
        pack_or_first_problem,
        parse_pack_files,
        read_pack_files,
    )

    folder = pack_folder(folder)
    raw = read_pack_files(folder)
    documents = parse_pack_files(folder, raw)
    from_yaml = pack_or_first_problem(pack_from_documents(folder, documents), folder)
    cannot = f"{folder}: cannot write {PARSED_FILE}"
    try:
        text = parsed_pack_text(raw, documents)
    except (TypeError, ValueError) as error:
        raise PackError(f"{cannot}: the YAML holds a value JSON cannot ({error})") from None
    if len(text.encode()) > MAX_PARSED_BYTES:
        raise PackError(f"{cannot}: it would be over {MAX_PARSED_BYTES // (1024 * 1024)} MiB (aliases repeating long texts?)")
    from_json = pack_from_documents(folder, json.loads(text)["data"]).pack
    if content_of(from_json) != content_of(from_yaml):
        raise PackError(f"{cannot}: as JSON the data would read differently (quote dates and other special values)")
    return text


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
    if os.path.lexists(target) and (target.is_symlink() or not target.is_file()):
        print(f"roleadvisor: {target}: not a plain file (a folder, a device or a link): remove it first", file=sys.stderr)
        return 2
    try:
        write_atomic(target, rebuild(folder))
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
