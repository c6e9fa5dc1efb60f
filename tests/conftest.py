"""Shared fixtures: the shipped pack, a CLI runner, and a pinned terminal (80 columns, no colour)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roleadvisor.loader import load_pack
from roleadvisor.pack import Pack
from roleadvisor.pack_cache import CACHE_ENV

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"


_real_cache_setting: str | None = None


def pytest_configure(config: pytest.Config) -> None:
    """Point the parsed-pack cache at a private folder before anything loads a pack (test modules do, when
    collected), so no test and no process a test starts reads or writes the real user cache."""
    global _real_cache_setting
    _real_cache_setting = os.environ.get(CACHE_ENV)
    os.environ[CACHE_ENV] = tempfile.mkdtemp(prefix="roleadvisor-test-cache-")


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(os.environ[CACHE_ENV], ignore_errors=True)
    if _real_cache_setting is None:
        os.environ.pop(CACHE_ENV, None)
    else:
        os.environ[CACHE_ENV] = _real_cache_setting


@pytest.fixture(autouse=True)
def plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stable output: 80 columns, no colour, the shipped pack unless a test says otherwise."""
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("ROLEADVISOR_DATA", raising=False)


@pytest.fixture
def shared_cache() -> Path:
    """The private cache folder the whole session uses (see pytest_configure)."""
    return Path(os.environ[CACHE_ENV])


@pytest.fixture(scope="session")
def pack() -> Pack:
    return load_pack(DATA)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped pack's YAML, for planting mistakes; without its cases.yaml, which planted
    changes would fail (tests/test_cases.py runs the cases)."""
    target = tmp_path / "pack"
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("cases.yaml"))
    return target
