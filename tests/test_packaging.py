"""The wheel carries the pack: a non-editable install run from another folder finds data/."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project built as a wheel and installed (without dependencies) into a private folder."""
    root = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(root / "dist"), str(REPO)], check=True)
    wheel = next((root / "dist").glob("roleadvisor-*.whl"))
    subprocess.run([*pip, "install", "--no-deps", "--target", str(root / "site"), str(wheel)], check=True)
    return root / "site"


def run_installed(site: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(site), "NO_COLOR": "1", "COLUMNS": "200", **env}
    environment.pop("ROLEADVISOR_DATA", None)
    environment.update(env)
    return subprocess.run(
        [sys.executable, *args], cwd=site.parent, env=environment, capture_output=True, text=True, timeout=60
    )


def test_installed_package_uses_the_pack_inside_it(installed: Path) -> None:
    result = run_installed(installed, "-c", "from roleadvisor.loader import default_data_dir; print(default_data_dir())")
    assert Path(result.stdout.strip()) == installed / "roleadvisor" / "data"
    assert sorted(p.name for p in (installed / "roleadvisor" / "data").iterdir()) == [
        "cases.yaml", "courses.yaml", "guide.yaml", "questions.yaml", "roles.yaml",
    ]


def test_installed_compare_reads_the_pack_without_pyyaml_once_cached(installed: Path, tmp_path: Path) -> None:
    script = """
import runpy, sys
sys.argv = ["roleadvisor", "compare"]
try:
    runpy.run_module("roleadvisor", run_name="__main__")
except SystemExit:
    pass
print("pyyaml loaded:", "yaml" in sys.modules, file=sys.stderr)
"""
    cache = str(tmp_path / "cache")
    first = run_installed(installed, "-c", script, ROLEADVISOR_CACHE_DIR=cache)
    assert first.stderr.strip() == "pyyaml loaded: True"
    result = run_installed(installed, "-c", script, ROLEADVISOR_CACHE_DIR=cache)
    assert "Main focus" in result.stdout
    assert result.stderr.strip() == "pyyaml loaded: False"


def test_installed_compare_prints_the_eight_factor_table(installed: Path) -> None:
    result = run_installed(installed, "-m", "roleadvisor", "compare", "developer", "engineer")
    assert result.returncode == 0, result.stderr
    for name in ("Main focus", "Typical output", "Best starting point", "Tool mindset", "Model depth",
                 "Deployment responsibility", "Project style", "Course fit"):
        assert name in result.stdout
    assert "\x1b[" not in result.stdout


def test_data_env_overrides_the_installed_pack(installed: Path, tmp_path: Path) -> None:
    result = run_installed(installed, "-m", "roleadvisor", "compare", ROLEADVISOR_DATA=str(tmp_path / "missing"))
    assert result.returncode == 2
    assert result.stderr.strip() == f"roleadvisor: {tmp_path / 'missing'}: pack folder not found"


def installed_metadata(site: Path) -> tuple[str, Path]:
    dist_info = next(site.glob("roleadvisor-*.dist-info"))
    return (dist_info / "METADATA").read_text(encoding="utf-8"), dist_info


def test_the_wheel_carries_the_mit_licence_text(installed: Path) -> None:
    metadata, dist_info = installed_metadata(installed)
    assert "License-Expression: MIT" in metadata
    licence = next(dist_info.rglob("LICENSE")).read_text(encoding="utf-8")
    assert licence.startswith("MIT License") and "roleadvisor contributors" in licence


def test_the_wheel_has_classifiers_keywords_urls_and_prompt_toolkit(installed: Path) -> None:
    metadata, _ = installed_metadata(installed)
    assert "Classifier: Environment :: Console" in metadata
    assert "career" in next(line for line in metadata.splitlines() if line.startswith("Keywords: "))
    assert "Project-URL: Source, " in metadata
    assert "Requires-Dist: prompt-toolkit>=" in metadata or "Requires-Dist: prompt_toolkit>=" in metadata


def test_readme_links_work_on_a_package_index_page() -> None:
    """A package index shows the README without the repository beside it: links must be absolute (or anchors)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)\s]+)", readme)
    assert [target for target in targets if not target.startswith(("http://", "https://", "#"))] == []
