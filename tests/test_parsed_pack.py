"""data/parsed-pack.json: the shipped pack's YAML parsed ahead of time, used only while it matches the YAML."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from roleadvisor.check import check_pack
from roleadvisor.errors import PackError
from roleadvisor.loader import PACK_FILES, content_of, load_pack, read_documents
from roleadvisor.parsed_pack import (
    MAX_PARSED_BYTES,
    PARSED_FILE,
    State,
    data_digest,
    inspect,
    parsed_documents,
    rebuild,
)

DATA = Path(__file__).resolve().parents[1] / "data"
REBUILD = "python -m roleadvisor.parsed_pack data"


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped pack, parsed-pack.json included."""
    target = tmp_path / "pack"
    shutil.copytree(DATA, target)
    return target


def raw_files(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in PACK_FILES}


def test_the_shipped_parsed_pack_matches_the_yaml() -> None:
    assert (DATA / PARSED_FILE).read_text(encoding="utf-8") == rebuild(DATA), f"data/{PARSED_FILE} is stale: run {REBUILD}"


def test_the_shipped_pack_is_read_without_parsing_yaml(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_yaml(*args: object) -> object:
        raise AssertionError("the YAML was parsed")

    monkeypatch.setattr("roleadvisor.yamlfile.parse_yaml", no_yaml)
    assert load_pack(DATA).role("developer").title == "AI Developer"


def test_a_parsed_file_from_another_release_is_not_used(shipped_copy: Path) -> None:
    parsed = json.loads((shipped_copy / PARSED_FILE).read_text())
    parsed["parsed_by"] = "0.0.1"
    (shipped_copy / PARSED_FILE).write_text(json.dumps(parsed))
    assert inspect(shipped_copy, raw_files(shipped_copy))[0] is State.STALE


def test_the_parsed_file_gives_the_same_pack_as_the_yaml(shipped_copy: Path) -> None:
    from_parsed = load_pack(shipped_copy)
    (shipped_copy / PARSED_FILE).unlink()
    assert content_of(from_parsed) == content_of(load_pack(shipped_copy))


def test_an_edited_yaml_file_is_read_despite_a_stale_parsed_file(shipped_copy: Path) -> None:
    roles = shipped_copy / "roles.yaml"
    roles.write_text(roles.read_text().replace("title: AI Engineer\n", "title: AI Platform Engineer\n"))
    assert parsed_documents(shipped_copy, raw_files(shipped_copy)) is None
    assert load_pack(shipped_copy).role("engineer").title == "AI Platform Engineer"


def test_a_mistake_planted_in_the_yaml_is_caught_despite_a_stale_parsed_file(shipped_copy: Path) -> None:
    roles = shipped_copy / "roles.yaml"
    roles.write_text(roles.read_text().replace("id: engineer", "id: Engineer!", 1))
    with pytest.raises(PackError, match=r"roles\.yaml: roles\[1\]\.id: expected an id"):
        load_pack(shipped_copy)


@pytest.mark.parametrize(
    "parsed_text",
    [
        pytest.param("{not json", id="not JSON"),
        pytest.param("[]", id="not a mapping"),
        pytest.param('{"format": 99, "sources": {}, "data": {}}', id="another format"),
        pytest.param('{"format": 2, "sources": {"roles.yaml": "0"}, "data": {"roles.yaml": {}}}', id="files missing"),
        pytest.param("", id="empty"),
    ],
)
def test_a_broken_parsed_file_is_only_a_missed_shortcut(shipped_copy: Path, parsed_text: str) -> None:
    (shipped_copy / PARSED_FILE).write_text(parsed_text)
    assert parsed_documents(shipped_copy, raw_files(shipped_copy)) is None
    assert content_of(load_pack(shipped_copy)) == content_of(load_pack(DATA))


def edit_parsed_data(folder: Path, edit: Callable[[dict[str, Any]], None], keep_digest: bool = False) -> None:
    """Change the data inside parsed-pack.json, leaving the YAML hashes as they are."""
    parsed = json.loads((folder / PARSED_FILE).read_text())
    edit(parsed["data"])
    if not keep_digest:
        parsed["data_sha256"] = data_digest(parsed["data"])
    (folder / PARSED_FILE).write_text(json.dumps(parsed))


def test_data_edited_by_hand_in_the_parsed_file_is_ignored_for_the_yaml(shipped_copy: Path) -> None:
    def retitle(data: dict[str, Any]) -> None:
        data["roles.yaml"]["roles"][0]["title"] = "Edited Developer"

    edit_parsed_data(shipped_copy, retitle, keep_digest=True)
    assert parsed_documents(shipped_copy, raw_files(shipped_copy)) is None
    assert load_pack(shipped_copy).role("developer").title == "AI Developer"


def test_parsed_data_is_validated_like_yaml(shipped_copy: Path) -> None:
    """Even data edited with every hash recomputed cannot slip past the loader's checks."""

    def break_id(data: dict[str, Any]) -> None:
        data["roles.yaml"]["roles"][0]["id"] = "Not An Id"

    edit_parsed_data(shipped_copy, break_id)
    with pytest.raises(PackError, match=r"roles\.yaml: roles\[0\]\.id: expected an id"):
        load_pack(shipped_copy)


def in_a_subprocess(code: str) -> subprocess.CompletedProcess[str]:
    """Run code that would hang if a pipe were opened: a regression then fails on the timeout, not forever."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=False)


def test_a_parsed_file_that_is_a_pipe_is_never_opened(shipped_copy: Path) -> None:
    (shipped_copy / PARSED_FILE).unlink()
    os.mkfifo(shipped_copy / PARSED_FILE)
    code = f"from roleadvisor.loader import load_pack; print(load_pack({str(shipped_copy)!r}).role('developer').title)"
    assert in_a_subprocess(code).stdout == "AI Developer\n"
    assert inspect(shipped_copy, raw_files(shipped_copy))[0] is State.NOT_PLAIN


def test_a_parsed_file_over_the_size_cap_is_not_read_even_when_it_matches(shipped_copy: Path) -> None:
    parsed = shipped_copy / PARSED_FILE
    with parsed.open("a") as padded:  # trailing white space: still valid JSON with matching hashes
        padded.write(" " * MAX_PARSED_BYTES)
    assert inspect(shipped_copy, raw_files(shipped_copy))[0] is State.TOO_LARGE
    parsed.write_text(parsed.read_text().rstrip() + "\n")
    assert inspect(shipped_copy, raw_files(shipped_copy))[0] is State.MATCHES


def test_a_parsed_file_that_is_a_link_is_not_read(shipped_copy: Path, tmp_path: Path) -> None:
    """Not even a link to a matching file: links are never followed, as the rebuild never writes through one."""
    target = tmp_path / "elsewhere.json"
    (shipped_copy / PARSED_FILE).rename(target)
    (shipped_copy / PARSED_FILE).symlink_to(target)
    assert inspect(shipped_copy, raw_files(shipped_copy))[0] is State.NOT_PLAIN


def test_a_pack_file_that_is_a_pipe_is_refused_rather_than_waited_on(shipped_copy: Path) -> None:
    (shipped_copy / "roles.yaml").unlink()
    os.mkfifo(shipped_copy / "roles.yaml")
    code = f"from roleadvisor.cli import app; app(['roles', '--data', {str(shipped_copy)!r}])"
    result = in_a_subprocess(code)
    assert (result.returncode, result.stderr) == (2, f"roleadvisor: {shipped_copy / 'roles.yaml'}: not a plain file\n")


def test_read_documents_parses_yaml_when_there_is_no_parsed_file(shipped_copy: Path) -> None:
    (shipped_copy / PARSED_FILE).unlink()
    assert read_documents(shipped_copy) == read_documents(DATA)


def rebuild_command(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "roleadvisor.parsed_pack", *map(str, args)], capture_output=True, text=True, timeout=60, check=False
    )


def test_rebuilding_writes_a_parsed_file_the_loader_uses(shipped_copy: Path) -> None:
    courses = shipped_copy / "courses.yaml"
    courses.write_text(courses.read_text() + "\n# a comment changes the bytes, not the data\n")
    result = rebuild_command(shipped_copy)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == f"Wrote {shipped_copy / PARSED_FILE}"
    assert parsed_documents(shipped_copy, raw_files(shipped_copy)) is not None


def test_rebuilding_refuses_a_pack_with_problems_and_writes_nothing(shipped_copy: Path) -> None:
    before = (shipped_copy / PARSED_FILE).read_bytes()
    guide = shipped_copy / "guide.yaml"
    guide.write_text(guide.read_text().replace("favours: engineer", "favours: manager", 1))
    result = rebuild_command(shipped_copy)
    assert result.returncode == 2
    assert "unknown role 'manager'" in result.stderr
    assert "Traceback" not in result.stderr
    assert (shipped_copy / PARSED_FILE).read_bytes() == before


def test_rebuilding_reads_the_yaml_not_a_damaged_parsed_file(shipped_copy: Path) -> None:
    def damage(data: dict[str, Any]) -> None:
        data["roles.yaml"]["roles"][0]["title"] = 123

    edit_parsed_data(shipped_copy, damage)
    with pytest.raises(PackError, match="expected text, got a number"):
        load_pack(shipped_copy)
    result = rebuild_command(shipped_copy)
    assert result.returncode == 0, result.stderr
    assert load_pack(shipped_copy).role("developer").title == "AI Developer"


def test_a_key_yaml_reads_as_a_date_is_written_as_the_text_the_loader_uses(shipped_copy: Path) -> None:
    """YAML reads an unquoted 2030-01-01 as a date, which JSON cannot hold; the loader uses its text."""
    edits = {
        "roles.yaml": [("id: engineer", 'id: "2030-01-01"'), ("      engineer:", "      2030-01-01:")],
        "questions.yaml": [("{engineer:", "{2030-01-01:"), ("[developer, engineer]", '[developer, "2030-01-01"]')],
        "guide.yaml": [("favours: engineer", 'favours: "2030-01-01"'), ("role: engineer", 'role: "2030-01-01"')],
        "courses.yaml": [("recommended: engineer", 'recommended: "2030-01-01"')],
    }
    for name, replacements in edits.items():
        text = (shipped_copy / name).read_text()
        for old, new in replacements:
            assert old in text
            text = text.replace(old, new)
        (shipped_copy / name).write_text(text)
    from_yaml = load_pack(shipped_copy, use_parsed=False)
    result = rebuild_command(shipped_copy)
    assert result.returncode == 0, result.stderr
    assert parsed_documents(shipped_copy, raw_files(shipped_copy)) is not None
    assert content_of(load_pack(shipped_copy)) == content_of(from_yaml)


def test_rebuild_help_is_usage_and_exit_0() -> None:
    helped = rebuild_command("--help")
    assert helped.returncode == 0
    assert helped.stdout.startswith("usage: python -m roleadvisor.parsed_pack PACK_FOLDER")


@pytest.mark.parametrize("args", [(), ("a", "b"), ("--force",)], ids=["no folder", "two folders", "an option"])
def test_rebuild_refuses_anything_but_one_folder_with_its_usage(args: tuple[str, ...]) -> None:
    refused = rebuild_command(*args)
    assert (refused.returncode, refused.stderr) == (2, "usage: python -m roleadvisor.parsed_pack PACK_FOLDER\n")


def test_rebuild_names_a_missing_folder(tmp_path: Path) -> None:
    missing = rebuild_command(tmp_path / "nowhere")
    assert (missing.returncode, missing.stderr) == (2, f"roleadvisor: {tmp_path / 'nowhere'}: pack folder not found\n")


def test_rebuild_refuses_a_file_it_would_never_read(shipped_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """YAML aliases can repeat a long text until the JSON outgrows the reader's cap."""
    monkeypatch.setattr("roleadvisor.parsed_pack.MAX_PARSED_BYTES", 10_000)
    with pytest.raises(PackError, match=f"cannot write {PARSED_FILE}: it would be over"):
        rebuild(shipped_copy)


def test_rebuild_refuses_a_target_that_is_not_a_regular_file(shipped_copy: Path) -> None:
    (shipped_copy / PARSED_FILE).unlink()
    (shipped_copy / PARSED_FILE).symlink_to(os.devnull)
    result = rebuild_command(shipped_copy)
    assert (result.returncode, result.stderr.strip()) == (
        2, f"roleadvisor: {shipped_copy / PARSED_FILE}: not a plain file (a folder, a device or a link): remove it first"
    )


def test_rebuild_does_not_write_through_a_link_into_another_pack(shipped_copy: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(DATA, other)
    before = (other / PARSED_FILE).read_bytes()
    (shipped_copy / PARSED_FILE).unlink()
    (shipped_copy / PARSED_FILE).symlink_to(other / PARSED_FILE)
    assert rebuild_command(shipped_copy).returncode == 2
    assert (other / PARSED_FILE).read_bytes() == before


def test_check_says_to_remove_a_parsed_file_that_is_a_folder(shipped_copy: Path) -> None:
    (shipped_copy / PARSED_FILE).unlink()
    (shipped_copy / PARSED_FILE).mkdir()
    note = check_pack(shipped_copy).pack.notes[-1]
    assert note.startswith(f"{PARSED_FILE} is not a plain file (a folder, a device or a link), so it is never read: remove it")


def test_check_notes_a_stale_parsed_file_and_how_to_rebuild_it(tmp_path: Path) -> None:
    folder = tmp_path / "my pack"
    shutil.copytree(DATA, folder)
    assert not any(PARSED_FILE in note for note in check_pack(folder).pack.notes)
    courses = folder / "courses.yaml"
    courses.write_text(courses.read_text() + "\n# edited\n")
    report = check_pack(folder)
    assert report.exit_code == 0
    assert report.pack.notes[-1] == (
        f"{PARSED_FILE} does not match the YAML files, so every run parses the YAML instead: "
        f"rebuild it with `python -m roleadvisor.parsed_pack '{folder}'`."
    )


def test_check_notes_a_parsed_file_it_cannot_read(shipped_copy: Path) -> None:
    (shipped_copy / PARSED_FILE).write_text("{damaged")
    assert f"{PARSED_FILE} cannot be read as a parsed pack" in check_pack(shipped_copy).pack.notes[-1]


def test_check_says_nothing_of_the_parsed_file_of_a_pack_with_errors(shipped_copy: Path) -> None:
    guide = shipped_copy / "guide.yaml"
    guide.write_text(guide.read_text().replace("favours: engineer", "favours: manager", 1))
    report = check_pack(shipped_copy)
    assert report.pack.errors
    assert not any(PARSED_FILE in note for note in report.pack.notes)


def test_check_says_nothing_of_a_pack_without_a_parsed_file(shipped_copy: Path) -> None:
    (shipped_copy / PARSED_FILE).unlink()
    assert not any(PARSED_FILE in note for note in check_pack(shipped_copy).pack.notes)
