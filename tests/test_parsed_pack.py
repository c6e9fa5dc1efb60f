"""data/parsed-pack.json: the shipped pack's YAML parsed ahead of time, used only while it matches the YAML."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from roleadvisor.errors import PackError
from roleadvisor.loader import PACK_FILES, load_pack, read_documents
from roleadvisor.pack import Pack
from roleadvisor.parsed_pack import PARSED_FILE, parsed_documents, parsed_pack_text

DATA = Path(__file__).resolve().parents[1] / "data"
REBUILD = "python -m roleadvisor.parsed_pack data"


def content(pack: Pack) -> dict[str, object]:
    """Everything a pack holds except where it was read from."""
    return {f.name: getattr(pack, f.name) for f in dataclasses.fields(pack) if f.name != "source"}


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped pack, parsed-pack.json included."""
    target = tmp_path / "pack"
    shutil.copytree(DATA, target)
    return target


def raw_files(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in PACK_FILES}


def test_the_shipped_parsed_pack_matches_the_yaml() -> None:
    expected = parsed_pack_text(DATA)
    assert (DATA / PARSED_FILE).read_text(encoding="utf-8") == expected, f"data/{PARSED_FILE} is stale: run {REBUILD}"


def test_the_shipped_pack_is_read_from_the_parsed_file() -> None:
    assert parsed_documents(DATA, raw_files(DATA)) is not None


def test_the_parsed_file_gives_the_same_pack_as_the_yaml(shipped_copy: Path) -> None:
    from_parsed = load_pack(shipped_copy)
    (shipped_copy / PARSED_FILE).unlink()
    assert content(from_parsed) == content(load_pack(shipped_copy))


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
        pytest.param('{"format": 99, "files": {}}', id="another format"),
        pytest.param('{"format": 1, "files": {"roles.yaml": {"sha256": "0", "data": {}}}}', id="files missing"),
    ],
)
def test_a_broken_parsed_file_is_only_a_missed_shortcut(shipped_copy: Path, parsed_text: str) -> None:
    (shipped_copy / PARSED_FILE).write_text(parsed_text)
    assert parsed_documents(shipped_copy, raw_files(shipped_copy)) is None
    assert content(load_pack(shipped_copy)) == content(load_pack(DATA))


def test_parsed_data_is_validated_like_yaml(shipped_copy: Path) -> None:
    """A hand-edited parsed-pack.json whose hashes still match cannot slip past the loader's checks."""
    parsed = json.loads((shipped_copy / PARSED_FILE).read_text())
    parsed["files"]["roles.yaml"]["data"]["roles"][0]["id"] = "Not An Id"
    (shipped_copy / PARSED_FILE).write_text(json.dumps(parsed))
    with pytest.raises(PackError, match=r"roles\.yaml: roles\[0\]\.id: expected an id"):
        load_pack(shipped_copy)


def test_read_documents_parses_yaml_when_there_is_no_parsed_file(shipped_copy: Path) -> None:
    (shipped_copy / PARSED_FILE).unlink()
    assert read_documents(shipped_copy) == read_documents(DATA)


def rebuild(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "roleadvisor.parsed_pack", str(folder)], capture_output=True, text=True, timeout=60, check=False
    )


def test_rebuilding_writes_a_parsed_file_the_loader_uses(shipped_copy: Path) -> None:
    courses = shipped_copy / "courses.yaml"
    courses.write_text(courses.read_text() + "\n# a comment changes the bytes, not the data\n")
    result = rebuild(shipped_copy)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == f"Wrote {shipped_copy / PARSED_FILE}"
    assert parsed_documents(shipped_copy, raw_files(shipped_copy)) is not None


def test_rebuilding_refuses_a_pack_with_problems_and_writes_nothing(shipped_copy: Path) -> None:
    before = (shipped_copy / PARSED_FILE).read_bytes()
    guide = shipped_copy / "guide.yaml"
    guide.write_text(guide.read_text().replace("favours: engineer", "favours: manager", 1))
    result = rebuild(shipped_copy)
    assert result.returncode == 2
    assert "unknown role 'manager'" in result.stderr
    assert "Traceback" not in result.stderr
    assert (shipped_copy / PARSED_FILE).read_bytes() == before


def test_check_notes_a_stale_parsed_file_and_how_to_rebuild_it(shipped_copy: Path) -> None:
    from roleadvisor.check import check_pack

    assert not any(PARSED_FILE in note for note in check_pack(shipped_copy).pack.notes)
    courses = shipped_copy / "courses.yaml"
    courses.write_text(courses.read_text() + "\n# edited\n")
    report = check_pack(shipped_copy)
    assert report.exit_code == 0
    assert f"{PARSED_FILE} is out of date" in report.pack.notes[-1]
    assert f"python -m roleadvisor.parsed_pack {shipped_copy}" in report.pack.notes[-1]


def test_check_says_nothing_of_a_pack_without_a_parsed_file(shipped_copy: Path) -> None:
    from roleadvisor.check import check_pack

    (shipped_copy / PARSED_FILE).unlink()
    assert not any(PARSED_FILE in note for note in check_pack(shipped_copy).pack.notes)
