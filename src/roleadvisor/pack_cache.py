"""The pack's YAML, parsed once and kept in the user's cache folder, as Python keeps .pyc files.

Importing PyYAML and parsing the four pack files costs a short command such as `compare` over 10 ms, a
third of what it adds to typer's own start-up. So the first run after the YAML changes parses it, as
always, and stores the data as JSON; later runs read that back while it was made from the very same
bytes by the same version. Nobody rebuilds anything: editing a YAML file changes its bytes, and the next
run parses it and replaces the entry.

One entry per pack folder, `<cache folder>/pack-<hash of the folder's path>.json`: a header line (the
format, a key made of FORMAT, this version and the YAML files' bytes, and the SHA-256 of the data that
follows), then the data as compact JSON. It is used only when the key matches the files as they are
now, the data matches its SHA-256 and nests no deeper than parsed YAML may; the loader then validates
it exactly as it validates parsed YAML. Anything else (no entry, a stale, damaged, oversized
or edited one, a link, a folder, a pipe, a cache folder that cannot be read or written) means the YAML
is parsed: the cache costs speed, never correctness, and never an error. (The hashes catch mistakes,
not intent: whoever can write the cache folder can make an entry say anything, as they could by editing
the YAML.)

The cache folder: $ROLEADVISOR_CACHE_DIR if set, else $XDG_CACHE_HOME/roleadvisor, else
~/.cache/roleadvisor. Entries are written atomically (a temporary file renamed over the old entry).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import stat
from collections.abc import Mapping
from pathlib import Path

from roleadvisor import __version__
from roleadvisor.datafile import MAX_DEPTH

CACHE_ENV = "ROLEADVISOR_CACHE_DIR"
FORMAT = 1
MAX_ENTRY_BYTES = 16 * 1024 * 1024  # four YAML files of at most 1 MiB each, as JSON, with room to spare
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NO_BLOCK = getattr(os, "O_NONBLOCK", 0)


def cache_folder() -> Path | None:
    """Where entries live, or None when there is nowhere sensible (no absolute home folder, say)."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen:
        return Path(chosen)
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):  # the XDG spec: a relative path is to be ignored
        return Path(xdg) / "roleadvisor"
    home = os.environ.get("HOME")
    if home is None:
        home = os.path.expanduser("~")  # the password database's, as Python finds it; "~" unchanged if none
    # An empty or relative HOME is no home: expanduser would make it "/" or a folder below wherever we run.
    return Path(home) / ".cache" / "roleadvisor" if os.path.isabs(home) else None


def entry_path(folder: Path) -> Path | None:
    """The entry for a pack folder: one per folder, so an edited pack replaces its entry rather than adding one."""
    cache = cache_folder()
    if cache is None:
        return None
    # abspath, not resolve: no file system calls. A folder reached by two paths just has two entries.
    where = os.path.abspath(folder)
    return cache / f"pack-{_sha256(os.fsencode(where))[:32]}.json"


def cache_key(raw: Mapping[str, bytes]) -> str:
    """What an entry must have been made from: this format, this version, and each file's name and bytes."""
    digest = hashlib.sha256(f"roleadvisor pack cache {FORMAT} {__version__}\0".encode())
    for name, content in raw.items():
        digest.update(f"{name}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.hexdigest()


def cached_documents(folder: Path, raw: Mapping[str, bytes]) -> dict[str, object] | None:
    """Each pack file's data from the cache, or None unless the folder's entry was made from exactly `raw`."""
    path = entry_path(folder)
    content = _read_entry(path) if path is not None else None
    if content is None:
        return None
    header_line, _, body = content.partition(b"\n")
    try:
        header = json.loads(header_line)
        if not isinstance(header, dict) or header.get("format") != FORMAT or header.get("key") != cache_key(raw):
            return None
        if header.get("data_sha256") != _sha256(body):
            return None
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.keys() != raw.keys():
        return None
    return data if _shaped_as_parsed(data) else None


def _read_entry(path: Path) -> bytes | None:
    """The entry's bytes, if it is a plain file within the size cap. Links are not followed, pipes never waited on."""
    try:
        if not _plain_and_small(os.lstat(path)):
            return None
        handle = os.open(path, os.O_RDONLY | _NO_FOLLOW | _NO_BLOCK)
    except OSError:
        return None
    try:
        with open(handle, "rb") as stream:
            if not _plain_and_small(os.fstat(stream.fileno())):  # it changed since the lstat
                return None
            content = stream.read(MAX_ENTRY_BYTES + 1)
    except OSError:
        return None
    return content if len(content) <= MAX_ENTRY_BYTES else None


def _plain_and_small(info: os.stat_result) -> bool:
    return stat.S_ISREG(info.st_mode) and info.st_size <= MAX_ENTRY_BYTES


def _shaped_as_parsed(data: Mapping[str, object]) -> bool:
    """Nothing nested deeper than parsing allows (datafile.MAX_DEPTH), so the loader's walk stays as shallow either way.

    Parsing also caps the number of items, against YAML aliases; JSON has none, and MAX_ENTRY_BYTES bounds the rest.
    """
    return all(_nested_within(value, MAX_DEPTH) for value in data.values())


def _nested_within(value: object, limit: int) -> bool:
    """Whether nothing in `value` lies more than `limit` levels below it, counted as datafile.check_shape counts."""
    level = [value] if isinstance(value, (dict, list)) else []
    for _ in range(limit):
        level = [
            child
            for container in level
            for child in (container.values() if isinstance(container, dict) else container)
            if isinstance(child, (dict, list))
        ]
        if not level:
            return True
    return not any(level)  # what these hold would lie limit + 1 levels down


def store(folder: Path, raw: Mapping[str, bytes], documents: Mapping[str, object]) -> None:
    """Keep the data parsed from `raw` for the next run, where the cache folder is writable; otherwise do nothing.

    Data JSON would not give back exactly (a date, a key that is not text, a set) is not kept: the next run
    parses the YAML again, which is slower but reads it right.
    """
    path = entry_path(folder)
    if path is None or not _json_gives_back(documents):
        return
    try:
        body = json.dumps(documents, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
    except (TypeError, ValueError, RecursionError):
        return
    header = {"format": FORMAT, "key": cache_key(raw), "data_sha256": _sha256(body)}
    content = json.dumps(header).encode() + b"\n" + body
    if len(content) <= MAX_ENTRY_BYTES:
        _write_atomic(path, content)


def _write_atomic(path: Path, content: bytes) -> None:
    """Write a temporary file beside the entry, then rename it over the entry (never through a link); any
    failure (read-only or full disk, no permission, the entry a folder) leaves no trace and raises nothing."""
    import tempfile  # only on a miss: start-up on a hit needs none of it

    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError:
        return
    try:
        with open(handle, "wb") as stream:
            stream.write(content)
        os.replace(temporary, path)
    except OSError:
        _remove(temporary)
    except BaseException:
        _remove(temporary)
        raise


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _json_gives_back(data: object) -> bool:
    """Whether JSON holds `data` exactly (plain types, text keys, finite numbers) within MAX_ENTRY_BYTES of text.

    Counting the text first matters: YAML aliases can repeat one long text many times over.
    """
    pending = [data]
    size = 0
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            size += len(value)
        elif isinstance(value, dict):
            if not all(isinstance(key, str) for key in value):
                return False
            size += sum(map(len, value))
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, float):
            if not math.isfinite(value):
                return False
        elif value is not None and not isinstance(value, int):  # int covers bool
            return False
        if size > MAX_ENTRY_BYTES:
            return False
    return True


def _sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()
