"""The parsed-pack cache: a run after the first reads the pack without PyYAML, and whatever is wrong with the
cache (stale, damaged, oversized, a link, a pipe, nowhere to write) costs speed, never correctness or an error."""

from __future__ import annotations

import datetime
import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from roleadvisor.errors import PackError
from roleadvisor.loader import PACK_FILES, content_of, load_pack, read_documents
from roleadvisor.pack_cache import CACHE_ENV, cache_folder, cached_documents, entry_path, store

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder of this test's own."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder


class YamlCounter:
    """Counts how often a pack file is parsed as YAML."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import roleadvisor.yamlfile

        self.calls = 0
        parse = roleadvisor.yamlfile.parse_yaml

        def counted(*args: object, **kwargs: object) -> object:
            self.calls += 1
            return parse(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(roleadvisor.yamlfile, "parse_yaml", counted)


@pytest.fixture
def yaml_parses(monkeypatch: pytest.MonkeyPatch) -> YamlCounter:
    return YamlCounter(monkeypatch)


def raw_files(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in PACK_FILES}


def the_entry(folder: Path) -> Path:
    path = entry_path(folder)
    assert path is not None
    return path


def rewrite_entry(folder: Path, edit: str) -> None:
    """Change the entry's header line ('header:KEY=VALUE') or its data ('data:OLD=>NEW'), leaving the rest."""
    path = the_entry(folder)
    header_line, _, body = path.read_bytes().partition(b"\n")
    kind, _, change = edit.partition(":")
    if kind == "header":
        key, _, value = change.partition("=")
        header = json.loads(header_line)
        header[key] = json.loads(value)
        header_line = json.dumps(header).encode()
    else:
        old, _, new = change.partition("=>")
        assert old.encode() in body
        body = body.replace(old.encode(), new.encode(), 1)
    path.write_bytes(header_line + b"\n" + body)


# Hit, miss, written on a miss


def test_a_first_load_parses_the_yaml_and_writes_one_entry(cache: Path, pack_copy: Path, yaml_parses: YamlCounter) -> None:
    load_pack(pack_copy)
    assert yaml_parses.calls == len(PACK_FILES)
    assert [path.name for path in cache.iterdir()] == [the_entry(pack_copy).name]


def test_a_second_load_reads_the_entry_without_parsing_yaml(cache: Path, pack_copy: Path, yaml_parses: YamlCounter) -> None:
    first = load_pack(pack_copy)
    second = load_pack(pack_copy)
    assert yaml_parses.calls == len(PACK_FILES)
    assert content_of(second) == content_of(first)


def test_the_cached_data_is_the_data_parsed_from_the_yaml(cache: Path, pack_copy: Path) -> None:
    parsed = read_documents(pack_copy)
    assert cached_documents(pack_copy, raw_files(pack_copy)) == parsed


def test_an_edited_yaml_file_is_read_at_once_and_replaces_the_entry(cache: Path, pack_copy: Path) -> None:
    load_pack(pack_copy)
    roles = pack_copy / "roles.yaml"
    roles.write_text(roles.read_text().replace("title: AI Engineer\n", "title: AI Platform Engineer\n"))
    assert load_pack(pack_copy).role("engineer").title == "AI Platform Engineer"
    assert len(list(cache.iterdir())) == 1
    assert cached_documents(pack_copy, raw_files(pack_copy)) is not None


def test_a_comment_added_to_the_yaml_makes_the_entry_stale(cache: Path, pack_copy: Path) -> None:
    """The key is the bytes, not the data: any edit means a fresh parse."""
    load_pack(pack_copy)
    courses = pack_copy / "courses.yaml"
    courses.write_text(courses.read_text() + "# a comment\n")
    assert cached_documents(pack_copy, raw_files(pack_copy)) is None


def test_a_mistake_planted_in_the_yaml_is_caught_despite_an_entry_for_the_old_bytes(cache: Path, pack_copy: Path) -> None:
    load_pack(pack_copy)
    roles = pack_copy / "roles.yaml"
    roles.write_text(roles.read_text().replace("id: engineer", "id: Engineer!", 1))
    with pytest.raises(PackError, match=r"roles\.yaml: roles\[1\]\.id: expected an id"):
        load_pack(pack_copy)


def test_two_pack_folders_keep_an_entry_each(cache: Path, pack_copy: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(pack_copy, other)
    load_pack(pack_copy)
    load_pack(other)
    assert the_entry(pack_copy) != the_entry(other)
    assert len(list(cache.iterdir())) == 2


def test_an_entry_from_another_release_is_not_used(cache: Path, pack_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_pack(pack_copy)
    monkeypatch.setattr("roleadvisor.pack_cache.__version__", "99.0.0")
    assert cached_documents(pack_copy, raw_files(pack_copy)) is None


def test_check_parses_the_yaml_even_with_an_entry(cache: Path, pack_copy: Path, yaml_parses: YamlCounter) -> None:
    from roleadvisor.check import check_pack

    load_pack(pack_copy)
    assert check_pack(pack_copy).exit_code == 0
    assert yaml_parses.calls == 2 * len(PACK_FILES)


# Damaged, oversized, edited and odd entries: a fresh parse, never a wrong pack


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"{not json\n{}", id="header not JSON"),
        pytest.param(b"[]\n{}", id="header not a mapping"),
        pytest.param(b'{"format": 1}', id="header only"),
        pytest.param(b"\xff\xfe\x00garbage", id="binary"),
    ],
)
def test_a_damaged_entry_is_ignored_and_replaced(cache: Path, pack_copy: Path, content: bytes) -> None:
    load_pack(pack_copy)
    the_entry(pack_copy).write_bytes(content)
    assert cached_documents(pack_copy, raw_files(pack_copy)) is None
    assert content_of(load_pack(pack_copy)) == content_of(load_pack(DATA))
    assert cached_documents(pack_copy, raw_files(pack_copy)) is not None


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param("header:format=99", id="another format"),
        pytest.param('header:key="0"', id="another key"),
        pytest.param("data:AI Engineer=>Edited Engineer", id="data edited, its hash not"),
    ],
)
def test_an_entry_that_does_not_match_is_not_used(cache: Path, pack_copy: Path, edit: str) -> None:
    load_pack(pack_copy)
    rewrite_entry(pack_copy, edit)
    assert cached_documents(pack_copy, raw_files(pack_copy)) is None
    assert load_pack(pack_copy).role("engineer").title == "AI Engineer"


def test_a_truncated_entry_is_not_used(cache: Path, pack_copy: Path) -> None:
    load_pack(pack_copy)
    entry = the_entry(pack_copy)
    entry.write_bytes(entry.read_bytes()[:-100])
    assert cached_documents(pack_copy, raw_files(pack_copy)) is None


def test_cached_data_is_validated_like_yaml(cache: Path, pack_copy: Path) -> None:
    """Even data edited with its hash recomputed cannot slip past the loader's checks."""
    load_pack(pack_copy)
    rewrite_entry(pack_copy, 'data:"id":"developer"=>"id":"Not An Id"')
    header_line, _, body = the_entry(pack_copy).read_bytes().partition(b"\n")
    rewrite_entry(pack_copy, f'header:data_sha256="{hashlib.sha256(body).hexdigest()}"')
    with pytest.raises(PackError, match=r"roles\.yaml: roles\[0\]\.id: expected an id"):
        load_pack(pack_copy)


def test_cached_data_nested_deeper_than_yaml_may_be_is_not_used(cache: Path, pack_copy: Path) -> None:
    """The depth cap parsing enforces holds for cached data too (an entry written by hand, hashes and all)."""
    load_pack(pack_copy)
    header_line, _, body = the_entry(pack_copy).read_bytes().partition(b"\n")
    data = json.loads(body)
    data["courses.yaml"]["deep"] = json.loads("[" * 150 + "]" * 150)
    body = json.dumps(data).encode()
    header = {**json.loads(header_line), "data_sha256": hashlib.sha256(body).hexdigest()}
    the_entry(pack_copy).write_bytes(json.dumps(header).encode() + b"\n" + body)
    assert cached_documents(pack_copy, raw_files(pack_copy)) is None


@pytest.mark.parametrize(("padding", "used"), [(5_000, True), (15_000, False)], ids=["under the cap", "over the cap"])
def test_an_entry_over_the_size_cap_is_not_read_even_when_it_matches(
    cache: Path, pack_copy: Path, monkeypatch: pytest.MonkeyPatch, padding: int, used: bool
) -> None:
    """White space after the header keeps the entry valid, its hashes matching; only its size changes."""
    load_pack(pack_copy)
    entry = the_entry(pack_copy)
    monkeypatch.setattr("roleadvisor.pack_cache.MAX_ENTRY_BYTES", entry.stat().st_size + 10_000)
    header_line, _, body = entry.read_bytes().partition(b"\n")
    entry.write_bytes(header_line + b" " * padding + b"\n" + body)
    assert (cached_documents(pack_copy, raw_files(pack_copy)) is not None) is used


def test_an_entry_that_is_a_link_is_not_followed(cache: Path, pack_copy: Path, tmp_path: Path) -> None:
    """Not even a link to a matching entry; and a fresh entry replaces the link, not the file it points at."""
    load_pack(pack_copy)
    entry = the_entry(pack_copy)
    elsewhere = tmp_path / "elsewhere.json"
    entry.rename(elsewhere)
    before = elsewhere.read_bytes()
    entry.symlink_to(elsewhere)
    assert cached_documents(pack_copy, raw_files(pack_copy)) is None
    load_pack(pack_copy)
    assert not entry.is_symlink()
    assert elsewhere.read_bytes() == before


def test_an_entry_that_is_a_folder_is_skipped_silently(cache: Path, pack_copy: Path) -> None:
    the_entry(pack_copy).mkdir(parents=True)
    assert load_pack(pack_copy).role("developer").title == "AI Developer"
    assert the_entry(pack_copy).is_dir()
    assert [path.name for path in cache.iterdir()] == [the_entry(pack_copy).name]  # no temporary file left


def test_an_entry_that_is_a_pipe_is_never_opened(cache: Path, pack_copy: Path) -> None:
    """In a subprocess: were the pipe opened, the run would hang, and the test fail on its timeout."""
    the_entry(pack_copy).parent.mkdir(parents=True)
    os.mkfifo(the_entry(pack_copy))
    code = f"from roleadvisor.loader import load_pack; print(load_pack({str(pack_copy)!r}).role('developer').title)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=False)
    assert (result.stdout, result.stderr) == ("AI Developer\n", "")


# Nowhere to write: silently skipped


@pytest.mark.parametrize("where", ["under a file", "/dev/null"])
def test_a_cache_folder_that_cannot_be_made_is_skipped_silently(pack_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    (tmp_path / "a file").write_text("not a folder")
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "a file" / "cache") if where == "under a file" else where)
    assert load_pack(pack_copy).role("developer").title == "AI Developer"
    assert cached_documents(pack_copy, raw_files(pack_copy)) is None


def test_a_failed_write_leaves_no_temporary_file(cache: Path, pack_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk, say: the write fails after the temporary file is made."""

    def disk_full(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("roleadvisor.pack_cache.os.replace", disk_full)
    assert load_pack(pack_copy).role("developer").title == "AI Developer"
    assert list(cache.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder all the same")
def test_a_read_only_cache_folder_is_skipped_silently(cache: Path, pack_copy: Path) -> None:
    cache.mkdir(mode=0o500)
    assert load_pack(pack_copy).role("developer").title == "AI Developer"
    assert list(cache.iterdir()) == []


def test_a_command_whose_cache_folder_cannot_be_written_succeeds_quietly(pack_copy: Path, tmp_path: Path) -> None:
    """Exit 0, the usual output, nothing on stderr (the folder's parent is a file, which stops root too)."""
    (tmp_path / "a file").write_text("")
    env = {**os.environ, CACHE_ENV: str(tmp_path / "a file" / "roleadvisor"), "ROLEADVISOR_DATA": str(pack_copy)}
    command = [sys.executable, "-m", "roleadvisor", "roles", "--format", "json"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert (result.returncode, result.stderr) == (0, "")
    assert json.loads(result.stdout)["roles"]


@pytest.mark.parametrize("home", ["", "relative/home"], ids=["HOME empty", "HOME relative"])
def test_without_a_usable_home_folder_a_command_caches_nothing_and_writes_nothing_here(pack_copy: Path, tmp_path: Path, home: str) -> None:
    """No default cache folder then: a run must not fall back to one below / or below where it runs."""
    env = {name: value for name, value in os.environ.items() if name not in (CACHE_ENV, "XDG_CACHE_HOME")}
    env.update(HOME=home, ROLEADVISOR_DATA=str(pack_copy))
    here = tmp_path / "here"
    here.mkdir()
    result = subprocess.run([sys.executable, "-m", "roleadvisor", "compare"], cwd=here, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert (result.returncode, result.stderr) == (0, "")
    assert "Main focus" in result.stdout
    assert list(here.iterdir()) == []


@pytest.mark.parametrize("home", ["", "relative/home"], ids=["HOME empty", "HOME relative"])
def test_an_empty_or_relative_home_gives_no_cache_folder(monkeypatch: pytest.MonkeyPatch, home: str) -> None:
    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", home)
    assert cache_folder() is None


def test_without_home_or_a_password_entry_there_is_no_cache_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    import pwd

    def no_entry(uid: int) -> object:
        raise KeyError(uid)

    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("HOME")
    monkeypatch.setattr(pwd, "getpwuid", no_entry)
    assert cache_folder() is None


def test_without_home_the_password_entrys_home_is_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import pwd

    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("HOME")
    monkeypatch.setattr(pwd, "getpwuid", lambda uid: type("Entry", (), {"pw_dir": str(tmp_path)})())
    assert cache_folder() == tmp_path / ".cache" / "roleadvisor"


def test_data_json_would_not_give_back_is_not_cached(cache: Path, tmp_path: Path) -> None:
    """YAML reads an unquoted 2030-01-01 as a date, a `? [a]` key as a list: JSON would read them back otherwise."""
    raw = {"roles.yaml": b"when: 2030-01-01\n"}
    store(tmp_path, raw, {"roles.yaml": {"when": datetime.date(2030, 1, 1)}})
    store(tmp_path, raw, {"roles.yaml": {1: "a number as a key"}})
    store(tmp_path, raw, {"roles.yaml": {"not a number": float("nan")}})
    assert not cache.exists() or list(cache.iterdir()) == []


def test_data_repeating_long_texts_past_the_cap_is_not_cached(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """YAML aliases can repeat one long text many times over; the size is counted before any JSON is made."""
    monkeypatch.setattr("roleadvisor.pack_cache.MAX_ENTRY_BYTES", 10_000)
    text = "x" * 1000
    store(tmp_path, {"roles.yaml": b"..."}, {"roles.yaml": {"items": [text] * 20}})
    assert not cache.exists() or list(cache.iterdir()) == []


# Where the cache lives


def test_the_cache_folder_is_under_the_home_folder_by_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache_folder() == tmp_path / ".cache" / "roleadvisor"


def test_the_cache_folder_follows_xdg_cache_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_folder() == tmp_path / "xdg" / "roleadvisor"


def test_a_relative_xdg_cache_home_is_ignored(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache_folder() == tmp_path / ".cache" / "roleadvisor"


def test_roleadvisor_cache_dir_comes_first(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "mine"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_folder() == tmp_path / "mine"


def test_the_tests_never_touch_the_real_user_cache() -> None:
    """conftest points every test (and every process a test starts) at a private folder."""
    import tempfile

    assert Path(os.environ[CACHE_ENV]).parent == Path(tempfile.gettempdir())


# No rebuild step: edit the YAML, run any command

RUN_AND_REPORT = """
import json, runpy, sys
sys.argv = ["roleadvisor", "roles", "--format", "json"]
try:
    runpy.run_module("roleadvisor", run_name="__main__", alter_sys=True)
except SystemExit:
    pass
print(json.dumps({"pyyaml loaded": "yaml" in sys.modules}), file=sys.stderr)
"""


# This environment's own install of the project leaves the path, as if the copy were the only one installed.
FORGET_INSTALLED = "import os, sys; sys.path[:] = [p for p in sys.path if not os.path.isfile(os.path.join(p, 'roleadvisor', '__init__.py'))]"


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A copy of the source tree as git leaves it: src/ and data/ side by side, no parsed or generated file."""
    target = tmp_path / "checkout"
    shutil.copytree(REPO / "src", target / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(DATA, target / "data")
    return target


def run_from(checkout: Path, layout: str) -> tuple[str, bool]:
    """`roles --format json` run as a checkout (src/ on PYTHONPATH) or as an editable install: a site folder whose
    .pth file names src/, beside the pack copy hatchling leaves in it (which a run must not read). Returns the
    engineer's title and whether PyYAML was loaded."""
    env = {name: value for name, value in os.environ.items() if name not in ("ROLEADVISOR_DATA", "PYTHONPATH")}
    if layout == "checkout":
        env["PYTHONPATH"] = str(checkout / "src")
        code = RUN_AND_REPORT
    else:
        site = checkout.parent / "site"
        if not site.exists():
            shutil.copytree(checkout / "data", site / "roleadvisor" / "data")
            (site / "_editable_impl_roleadvisor.pth").write_text(f"{checkout / 'src'}\n")
        code = f"{FORGET_INSTALLED}\nimport site; site.addsitedir({str(site)!r})\n{RUN_AND_REPORT}"
    result = subprocess.run([sys.executable, "-c", code], cwd=checkout.parent, env=env, capture_output=True, text=True, timeout=60, check=False)
    *_, report = result.stderr.splitlines()
    roles = {role["id"]: role["title"] for role in json.loads(result.stdout)["roles"]}
    return roles["engineer"], json.loads(report)["pyyaml loaded"]


@pytest.mark.parametrize("layout", ["checkout", "editable install"])
def test_an_edited_yaml_file_shows_in_the_next_run_with_no_rebuild_step(checkout: Path, layout: str) -> None:
    assert run_from(checkout, layout) == ("AI Engineer", True)  # the first run parses the YAML and fills the cache
    assert run_from(checkout, layout) == ("AI Engineer", False)  # the next one reads the cache
    roles = checkout / "data" / "roles.yaml"
    roles.write_text(roles.read_text().replace("title: AI Engineer\n", "title: AI Platform Engineer\n"))
    assert run_from(checkout, layout) == ("AI Platform Engineer", True)
    assert run_from(checkout, layout) == ("AI Platform Engineer", False)
