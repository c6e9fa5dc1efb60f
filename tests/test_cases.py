"""The pack's test cases (cases.yaml): personas with the advice the page gives them, run by `check`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from roleadvisor.cases import read_cases, run_cases
from roleadvisor.check import check_pack
from roleadvisor.check_views import render_check
from roleadvisor.cli import app
from roleadvisor.loader import load_pack

DATA = Path(__file__).resolve().parents[1] / "data"
PAGE = " ".join((Path(__file__).parent / "seed" / "ai-developer-vs-ai-engineer.txt").read_text().split())
CAREER_MAPPING_CASES = {"student_first_portfolio", "software_developer_moving_into_ai", "engineer_own_reliable_systems", "confused_app_vs_platform"}


@pytest.fixture
def pack_with_cases(tmp_path: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(DATA, target)
    return target


def edit_cases(folder: Path, change) -> None:
    data = yaml.safe_load((folder / "cases.yaml").read_text())
    change(data["cases"])
    (folder / "cases.yaml").write_text(yaml.safe_dump(data, sort_keys=False))


def test_every_shipped_case_gets_the_advice_it_expects() -> None:
    results = run_cases(load_pack(DATA), read_cases(DATA))
    assert len(results) >= 16 + 4
    assert [(r.case.id, r.failures) for r in results if not r.passed] == []


def test_the_cases_start_with_the_pages_four_career_mapping_goals() -> None:
    assert {case.id for case in read_cases(DATA)[:4]} == CAREER_MAPPING_CASES


def test_every_case_cites_sentences_of_the_page() -> None:
    for case in read_cases(DATA):
        assert case.cites and all(" ".join(cite.split()) in PAGE for cite in case.cites), case.id


def test_a_failing_case_is_an_error_naming_what_decided_it(pack_with_cases: Path) -> None:
    def expect_engineer(cases: list) -> None:
        cases[0]["expect"]["start"] = "engineer"

    edit_cases(pack_with_cases, expect_engineer)
    report = check_pack(pack_with_cases)
    assert report.exit_code == 1
    message = str(report.pack.errors[0])
    assert message.startswith("cases.yaml: cases[0]: case 'student_first_portfolio': start: expected engineer, got developer")
    assert "decided by rule 'student_first_portfolio' (background=student, goal=first_portfolio)" in message


def test_a_case_with_an_unknown_choice_says_so(pack_with_cases: Path) -> None:
    def bad_answer(cases: list) -> None:
        cases[1]["answers"]["goal"] = "fame"

    edit_cases(pack_with_cases, bad_answer)
    assert any("unknown choice 'fame' for 'goal'" in str(error) for error in check_pack(pack_with_cases).pack.errors)


def test_check_against_lists_the_cases_whose_advice_changed(pack_with_cases: Path) -> None:
    questions = pack_with_cases / "questions.yaml"
    # Without the rule for students and career switchers, the weights decide where they start.
    rule = "  - id: students_and_career_switchers\n    when: {question: background, in: [student, career_switcher]}\n    start: developer\n    source: quick_take_direction\n"
    questions.write_text(questions.read_text().replace(rule, ""))
    report = check_pack(pack_with_cases, against=DATA)
    changed = {case.id: case for case in report.changed_cases}
    assert changed and all(case.before["start"] == "developer" and case.after["start"] == "engineer" for case in changed.values())
    text_view = render_check(report, "text", False)
    assert "Cases whose advice changed" in text_view
    assert json.loads(render_check(report, "json", False))["changed_cases"][0]["id"] in changed


def test_a_broken_cases_file_is_one_line_and_exit_2(pack_with_cases: Path) -> None:
    (pack_with_cases / "cases.yaml").write_text("cases: {not: [a list\n")
    result = CliRunner().invoke(app, ["check", "--data", str(pack_with_cases)])
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and "cases.yaml" in result.stderr
