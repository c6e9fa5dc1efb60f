"""Shared fixtures: the shipped pack, a CLI runner, and a pinned terminal (80 columns, no colour)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roleadvisor.loader import load_pack
from roleadvisor.pack import Pack

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"


@pytest.fixture(autouse=True)
def plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stable output: 80 columns, no colour, the shipped pack unless a test says otherwise."""
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("ROLEADVISOR_DATA", raising=False)


@pytest.fixture(scope="session")
def pack() -> Pack:
    return load_pack(DATA)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped pack's YAML, for planting mistakes (like an author's own pack folder,
    it has no parsed-pack.json; tests/test_parsed_pack.py covers that file)."""
    target = tmp_path / "pack"
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("parsed-pack.json"))
    return target
