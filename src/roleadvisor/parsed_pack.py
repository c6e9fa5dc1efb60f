"""The pack's YAML files parsed ahead of time (parsed-pack.json), so start-up need not import PyYAML.

Importing PyYAML and parsing the four pack files costs a short command such as `compare` about
13 ms, a third of what it adds to typer's own start-up. A pack folder may therefore hold
parsed-pack.json: each YAML file's parsed data with the SHA-256 of the bytes it came from. The
loader takes the data from it only when every hash matches the YAML files as they are now, and
validates it exactly as it validates freshly parsed YAML. After an edit the hashes differ and the
YAML is parsed as usual: a stale parsed-pack.json costs time, never correctness.

After editing the shipped pack, rebuild it (tests/test_parsed_pack.py fails until you do):

    python -m roleadvisor.parsed_pack data
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Mapping
from pathlib import Path

PARSED_FILE = "parsed-pack.json"
FORMAT = 1
_GENERATED_BY = "python -m roleadvisor.parsed_pack: the YAML files beside this one, parsed; do not edit"


def sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def parsed_documents(folder: Path, raw: Mapping[str, bytes]) -> dict[str, object] | None:
    """Each file's data from the folder's parsed-pack.json, or None unless it matches every file in `raw`.

    A missing, unreadable or malformed parsed-pack.json is only a missed shortcut: None.
    """
    try:
        parsed = json.loads((folder / PARSED_FILE).read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(parsed, dict) or parsed.get("format") != FORMAT:
        return None
    files = parsed.get("files")
    if not isinstance(files, dict) or files.keys() != raw.keys():
        return None
    documents = {}
    for name, content in raw.items():
        entry = files[name]
        if not isinstance(entry, dict) or entry.get("sha256") != sha256(content):
            return None
        documents[name] = entry.get("data")
    return documents


def has_stale_parsed_pack(folder: Path) -> bool:
    """True when the folder holds a parsed-pack.json that no longer matches its YAML files."""
    from roleadvisor.loader import PACK_FILES

    if not (folder / PARSED_FILE).is_file():
        return False
    try:
        raw = {name: (folder / name).read_bytes() for name in PACK_FILES}
    except OSError:
        return True
    return parsed_documents(folder, raw) is None


def parsed_pack_text(folder: Path) -> str:
    """parsed-pack.json for a pack folder; raises PackError (naming the problem) unless the pack is valid."""
    from roleadvisor.datafile import parse_data, read_bytes
    from roleadvisor.errors import PackError
    from roleadvisor.loader import PACK_FILES, load_pack

    load_pack(folder)
    files = {}
    for name in PACK_FILES:
        raw = read_bytes(folder / name, PackError)
        files[name] = {"sha256": sha256(raw), "data": parse_data(raw, folder / name, PackError)}
    parsed = {"generated_by": _GENERATED_BY, "format": FORMAT, "files": files}
    return json.dumps(parsed, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    """Write FOLDER/parsed-pack.json (default: the shipped pack) after validating the pack."""
    from roleadvisor.errors import RoleAdvisorError
    from roleadvisor.files import write_atomic
    from roleadvisor.loader import default_data_dir

    if len(argv) > 1 or (argv and argv[0].startswith("-")):
        print("usage: python -m roleadvisor.parsed_pack [PACK_FOLDER]", file=sys.stderr)
        return 2
    folder = Path(argv[0]) if argv else default_data_dir()
    try:
        write_atomic(folder / PARSED_FILE, parsed_pack_text(folder))
    except RoleAdvisorError as error:
        print(f"roleadvisor: {error}", file=sys.stderr)
        return error.exit_code
    print(f"Wrote {folder / PARSED_FILE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
