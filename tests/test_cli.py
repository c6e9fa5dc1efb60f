"""The command surface through typer's CliRunner: compare, roles, courses, guide, faq and scripted quiz."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roleadvisor import __version__
from roleadvisor.cli import app

FULL = [
    "--answer", "background=experienced_engineer", "--answer", "production_experience=yes",
    "--answer", "goal=own_systems", "--answer", "work_style=design_first",
    "--answer", "interests=evaluation,monitoring", "--answer", "deployment=full_ownership",
    "--answer", "model_depth=serving_and_evaluation", "--answer", "first_project=production_rag",
]
QUIZ_JSON = ["quiz", "--no-input", *FULL, "--format", "json"]


def run(runner: CliRunner, *args: str):
    return runner.invoke(app, list(args))


def test_version(runner: CliRunner) -> None:
    result = run(runner, "--version")
    assert result.stdout == f"roleadvisor {__version__}\n"


def test_compare_prints_all_eight_factors_in_plain_text(runner: CliRunner) -> None:
    result = run(runner, "compare", "developer", "engineer")
    assert result.exit_code == 0
    for name in ("Main focus", "Typical output", "Tool mindset", "Model depth", "Project style", "Course fit"):
        assert name in result.stdout
    assert "\x1b[" not in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_compare_json_shape_and_argument_order(runner: CliRunner) -> None:
    result = run(runner, "compare", "eng", "dev", "--format", "json")
    data = json.loads(result.stdout)
    assert [r["id"] for r in data["roles"]] == ["engineer", "developer"]
    assert len(data["factors"]) == 8
    first = data["factors"][0]
    assert (first["id"], first["name"]) == ("main_focus", "Main focus")
    assert list(first["values"]) == ["engineer", "developer"]
    assert first["values"]["engineer"].startswith("Design and run reliable AI systems")


def test_compare_text_columns_follow_argument_order(runner: CliRunner) -> None:
    header = next(line for line in run(runner, "compare", "AI-Engineer", "ai-developer").stdout.splitlines() if line.strip().startswith("Factor "))
    assert header.index("AI Engineer") < header.index("AI Developer")


def test_compare_defaults_to_developer_then_engineer(runner: CliRunner) -> None:
    data = json.loads(run(runner, "compare", "-f", "json").stdout)
    assert [r["id"] for r in data["roles"]] == ["developer", "engineer"]


def test_compare_markdown_is_a_pipe_table(runner: CliRunner) -> None:
    out = run(runner, "compare", "--format", "markdown").stdout
    assert "| Factor | AI Developer | AI Engineer |" in out
    assert "| Course fit | Best fit for a guided AI Developer path with practical builds." in out


@pytest.mark.parametrize("section", ["skills", "tools", "projects"])
def test_compare_section_lists_each_roles_items(runner: CliRunner, section: str) -> None:
    data = json.loads(run(runner, "compare", "--section", section, "-f", "json").stdout)
    assert set(data) == {"roles", section}
    assert len(data[section]["developer"]) >= 5 and len(data[section]["engineer"]) >= 5


def test_compare_section_all_has_every_section(runner: CliRunner) -> None:
    data = json.loads(run(runner, "compare", "--section", "all", "-f", "json").stdout)
    assert set(data) == {"roles", "factors", "skills", "tools", "projects"}


def test_unknown_role_exits_2_naming_roles_and_aliases(runner: CliRunner) -> None:
    result = run(runner, "compare", "developer", "scientist")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "unknown role 'scientist'" in result.stderr
    assert "engineer (eng, ai-engineer" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("names", [["developer", "developer"], ["dev", "AI Developer"]])
def test_a_role_given_twice_is_refused(runner: CliRunner, names: list[str]) -> None:
    result = run(runner, "compare", *names)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"roleadvisor: {names[1]!r} names role 'developer' again: give each role once\n"


def test_faq_without_a_match_still_gives_json_to_a_script(runner: CliRunner) -> None:
    result = run(runner, "faq", "zzzz", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {"faq": []}
    assert result.stderr == "No FAQ entry contains all of: zzzz\n"


def test_roles_shows_definitions_and_best_fit(runner: CliRunner) -> None:
    data = json.loads(run(runner, "roles", "-f", "json").stdout)
    assert data["roles"][1]["definition"].startswith("An AI Engineer designs, integrates, evaluates")
    assert "dev" in data["roles"][0]["aliases"]


def test_courses_lists_courses_and_the_roadmap(runner: CliRunner) -> None:
    out = run(runner, "courses").stdout
    assert "AI Developers Course" in out and "Generative AI Course" in out and "AI Engineer Roadmap" in out


def test_faq_filters_by_words(runner: CliRunner) -> None:
    data = json.loads(run(runner, "faq", "students", "-f", "json").stdout)
    assert [e["id"] for e in data["faq"]] == ["students"]


def test_faq_without_a_match_exits_1_like_grep(runner: CliRunner) -> None:
    result = run(runner, "faq", "kubernetes")
    assert result.exit_code == 1 and result.stderr == "No FAQ entry contains all of: kubernetes\n"
    assert result.stdout == ""


def test_faq_takes_several_words_unquoted(runner: CliRunner) -> None:
    data = json.loads(run(runner, "faq", "course", "roadmap", "-f", "json").stdout)
    assert [e["id"] for e in data["faq"]] == ["course_or_roadmap", "replaces_course"]


def test_compare_accepts_a_roles_title(runner: CliRunner) -> None:
    data = json.loads(run(runner, "compare", "AI Engineer", "ai developer", "-f", "json").stdout)
    assert [r["id"] for r in data["roles"]] == ["engineer", "developer"]


def test_guide_shows_cards_with_the_role_they_favour(runner: CliRunner) -> None:
    out = run(runner, "guide").stdout
    assert "If you are undecided, start where feedback comes faster (favours AI Developer)" in out


# Scripted quiz


def test_quiz_json_has_the_contract_keys(runner: CliRunner) -> None:
    result = run(runner, *QUIZ_JSON)
    data = json.loads(result.stdout)
    assert list(data) == [
        "recommendation", "scores", "strength_scale", "reasons", "what_if", "what_if_complete", "next_course", "roadmap",
        "aim_note", "close_call_note", "notes", "projects", "answers",
    ]
    assert (data["recommendation"]["role"], data["recommendation"]["target"]) == ("engineer", "engineer")
    assert set(data["recommendation"]) == {"role", "title", "target", "target_title", "pull", "confidence", "label", "rule", "because"}
    assert set(data["reasons"][0]) == {"question", "choice", "role", "points", "source", "cites"}
    assert data["next_course"]["id"] == "generative-ai-course"
    assert data["roadmap"]["id"] == "ai-engineer-roadmap"
    assert data["answers"]["interests"] == ["evaluation", "monitoring"]
    assert data["answers"]["goal"] == "own_systems"


def test_quiz_json_is_byte_identical_for_the_same_answers(runner: CliRunner) -> None:
    assert run(runner, *QUIZ_JSON).stdout == run(runner, *QUIZ_JSON).stdout


def test_saved_answers_replay_to_the_identical_result(runner: CliRunner, tmp_path: Path) -> None:
    saved = tmp_path / "answers.yaml"
    first = run(runner, *QUIZ_JSON, "--save-answers", str(saved))
    replay = run(runner, "quiz", "--no-input", "--answers-file", str(saved), "--format", "json")
    assert replay.exit_code == 0
    assert replay.stdout == first.stdout


def test_flags_override_the_answers_file(runner: CliRunner, tmp_path: Path) -> None:
    saved = tmp_path / "answers.json"
    run(runner, *QUIZ_JSON, "--save-answers", str(saved))
    result = run(runner, "quiz", "--no-input", "--answers-file", str(saved), "-a", "goal=first_portfolio", "-f", "json")
    assert json.loads(result.stdout)["answers"]["goal"] == "first_portfolio"


def test_unquoted_yes_in_a_yaml_answers_file_means_yes(runner: CliRunner, tmp_path: Path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text(
        "background: software_developer\nproduction_experience: yes\ngoal: own_systems\nwork_style: balanced\n"
        "interests: [evaluation]\ndeployment: shared\nmodel_depth: application_level\nfirst_project: document_qa\n"
    )
    result = run(runner, "quiz", "--no-input", "--answers-file", str(answers), "-f", "json")
    assert json.loads(result.stdout)["answers"]["production_experience"] == "yes"


def test_output_file_gets_the_report_and_stdout_stays_empty(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    result = run(runner, "quiz", "--no-input", *FULL, "--format", "markdown", "--output", str(target))
    assert result.stdout == ""
    assert target.read_text().startswith("# Start as: AI Engineer")
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-a", "goal=world_domination"], "unknown choice 'world_domination' for 'goal' (choices: first_portfolio, build_products, own_systems, undecided)"),
        (["-a", "favourite_colour=blue"], "unknown question 'favourite_colour' (questions: background, production_experience"),
        (["-a", "goal=own_systems,undecided"], "'goal' takes exactly one choice"),
        (["-a", "interests=evaluation,monitoring,orchestration,rag_apps"], "'interests' takes 1 to 3 choices, got 4"),
        (["-a", "goal"], "expected QUESTION=CHOICE"),
    ],
)
def test_bad_answers_exit_2_with_a_clear_message(runner: CliRunner, args: list[str], message: str) -> None:
    result = run(runner, "quiz", "--no-input", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_missing_answers_name_the_questions_and_the_flag(runner: CliRunner) -> None:
    result = run(runner, "quiz", "--no-input", "-a", "background=student", "-a", "goal=undecided")
    assert result.exit_code == 2
    assert "missing answers for: work_style, interests, deployment, model_depth, first_project" in result.stderr
    assert "--answer" in result.stderr


def test_answers_file_that_is_not_a_mapping_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "answers.yaml"
    bad.write_text("- student\n- own_systems\n")
    result = run(runner, "quiz", "--no-input", "--answers-file", str(bad))
    assert result.exit_code == 2 and str(bad) in result.stderr


def test_text_report_has_recommendation_table_and_next_course(runner: CliRunner) -> None:
    out = run(runner, "quiz", "--no-input", *FULL).stdout
    assert "Start as: AI Engineer" in out
    assert "AI Engineer (recommended)" in out
    assert "Next course: Generative AI Course" in out
    assert "Then: AI Engineer Roadmap" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_explain_adds_every_contribution(runner: CliRunner) -> None:
    plain = run(runner, "quiz", "--no-input", *FULL).stdout
    explained = run(runner, "quiz", "--no-input", *FULL, "--explain").stdout
    assert "Every contribution" in explained and "Every contribution" not in plain
    data = json.loads(run(runner, *QUIZ_JSON, "--explain").stdout)
    assert sum(c["points"] for c in data["contributions"] if c["role"] == "engineer") == data["scores"]["engineer"]


def test_broken_pack_is_one_line_and_exit_2(runner: CliRunner, pack_copy: Path) -> None:
    (pack_copy / "roles.yaml").write_text("roles: [\n")
    result = run(runner, "compare", "--data", str(pack_copy))
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "roles.yaml:" in result.stderr


# Failures that are not the user's


def test_internal_error_is_one_line_naming_the_trace_file(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> str:
        raise RuntimeError("renderer fell over")

    monkeypatch.setattr("roleadvisor.render.render_roles", broken)
    result = run(runner, "roles")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "internal error: RuntimeError('renderer fell over')" in lines[0]
    trace_file = Path(lines[0].split("full trace in ")[1].split(";")[0])
    assert "Traceback" in trace_file.read_text()
    trace_file.unlink()


def test_debug_shows_the_internal_error(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> str:
        raise RuntimeError("renderer fell over")

    monkeypatch.setattr("roleadvisor.render.render_roles", broken)
    result = run(runner, "--debug", "roles")
    assert isinstance(result.exception, RuntimeError)


def test_ctrl_c_outside_the_quiz_exits_130_quietly(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr("roleadvisor.render.render_compare", interrupted)
    result = run(runner, "compare")
    assert result.exit_code == 130
    assert result.stderr == "Cancelled.\n"


@pytest.mark.parametrize(
    ("interrupted_import", "message"),
    [
        pytest.param("typer", "Cancelled.\n", id="before the app runs"),
        pytest.param("pydantic", "", id="while typer parses (typer exits 130 itself, silently)"),
    ],
)
def test_ctrl_c_while_start_up_imports_run_exits_130_quietly(interrupted_import: str, message: str) -> None:
    """An interrupt that lands while typer, or (once typer parses) pydantic, is still being imported."""
    import subprocess
    import sys

    code = f"""
import sys

class Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == {interrupted_import!r}:
            raise KeyboardInterrupt

sys.meta_path.insert(0, Interrupt())
sys.argv = ["roleadvisor", "compare"]
from roleadvisor.__main__ import main
main()
"""
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert (completed.returncode, completed.stderr, completed.stdout) == (130, message, "")


def test_a_reader_that_stops_early_gets_a_quiet_exit(tmp_path: Path) -> None:
    """`roleadvisor batch big.csv | head -1`: no traceback, no 'Exception ignored' noise."""
    import subprocess
    import sys

    rows = tmp_path / "big.csv"
    row = "student,undecided,balanced,rag_apps,shared,application_level,document_qa\n"
    rows.write_text("background,goal,work_style,interests,deployment,model_depth,first_project\n" + row * 50_000)
    child = subprocess.Popen(
        [sys.executable, "-m", "roleadvisor", "batch", str(rows)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
    )
    assert child.stdout is not None and child.stderr is not None
    assert child.stdout.readline().startswith(b"role,target,confidence")
    child.stdout.close()
    errors = child.stderr.read().decode()
    assert child.wait(timeout=60) == 0
    assert "Traceback" not in errors and "Exception" not in errors


def test_output_into_a_missing_folder_fails_before_any_output(runner: CliRunner, tmp_path: Path) -> None:
    result = run(runner, *QUIZ_JSON, "--save-answers", str(tmp_path / "missing" / "a.yaml"))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"no folder {tmp_path / 'missing'}" in result.stderr


@pytest.mark.parametrize("option", ["--save-answers", "--output"])
def test_output_that_is_a_folder_fails_before_any_output(runner: CliRunner, tmp_path: Path, option: str) -> None:
    result = run(runner, *QUIZ_JSON, option, str(tmp_path))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"roleadvisor: {tmp_path}: cannot write (it is a folder)\n"


def test_saving_answers_to_stdout_is_refused_before_any_output(runner: CliRunner) -> None:
    result = run(runner, *QUIZ_JSON, "--save-answers", "-")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "roleadvisor: --save-answers -: give a file name (stdout carries the report)\n"


def test_output_and_saved_answers_cannot_share_a_file(runner: CliRunner, tmp_path: Path) -> None:
    same = tmp_path / "same.out"
    result = run(runner, *QUIZ_JSON, "--output", str(same), "--save-answers", str(same))
    assert result.exit_code == 2
    assert "--output and --save-answers name the same file" in result.stderr
    assert not same.exists()


def test_an_answer_to_a_question_not_asked_is_ignored_with_a_note(runner: CliRunner) -> None:
    student = [a.replace("background=experienced_engineer", "background=student") for a in QUIZ_JSON]
    result = run(runner, *student)
    assert "production_experience" not in json.loads(result.stdout)["answers"]
    assert "note: 'production_experience' is not asked for these answers, so its answer was ignored" in result.stderr


TIED = [
    "quiz", "--no-input", "-a", "background=experienced_engineer", "-a", "production_experience=no", "-a", "goal=own_systems",
    "-a", "work_style=ship_fast", "-a", "interests=rag_apps,web_ai_features,evaluation", "-a", "deployment=shared",
    "-a", "model_depth=application_level", "-a", "first_project=production_rag",
]


def test_report_says_how_many_what_ifs_it_left_out(runner: CliRunner) -> None:
    total = len(json.loads(run(runner, *TIED, "-f", "json").stdout)["what_if"])
    assert f"... and {total - 3} more (--explain lists them all)" in run(runner, *TIED).stdout


def test_explain_lists_every_what_if(runner: CliRunner) -> None:
    out = run(runner, *TIED, "--explain", "-f", "markdown").stdout
    total = len(json.loads(run(runner, *TIED, "-f", "json").stdout)["what_if"])
    what_ifs = out.split("## What would change it")[1].split("##")[0]
    assert what_ifs.count("\n- ") == total and "more (--explain" not in out


def test_a_tie_is_explained_in_the_report(runner: CliRunner) -> None:
    assert "Pull: AI Developer, close call" in run(runner, *TIED).stdout
    assert "(6 to 6: a tie, and ties lean to AI Developer)" in " ".join(run(runner, *TIED).stdout.split())


@pytest.mark.parametrize("text", ["Build [/] AI apps", "Build AI apps [optional: agents] and tools", "[bold]not bold[/bold]"])
def test_pack_text_with_brackets_prints_as_written(runner: CliRunner, pack_copy: Path, text: str) -> None:
    roles = pack_copy / "roles.yaml"
    roles.write_text(roles.read_text().replace(
        "developer: App-first, workflow-first, and portfolio-friendly.", f'developer: "{text}"'
    ))
    wide = {"COLUMNS": "300"}  # no wrapping, so the text stays on one line
    out = runner.invoke(app, ["compare", "--data", str(pack_copy)], env=wide).stdout
    assert text in out
    report = runner.invoke(app, ["quiz", "--no-input", *FULL, "--data", str(pack_copy)], env=wide)
    assert report.exit_code == 0 and text in report.stdout


def test_answers_file_dash_reads_stdin_and_output_dash_is_stdout(runner: CliRunner, tmp_path: Path) -> None:
    saved = tmp_path / "answers.yaml"
    expected = run(runner, *QUIZ_JSON, "--save-answers", str(saved)).stdout
    result = runner.invoke(app, ["quiz", "--answers-file", "-", "-f", "json", "-o", "-"], input=saved.read_text())
    assert result.exit_code == 0, result.stderr
    assert result.stdout == expected
    assert not (Path.cwd() / "-").exists()


def test_output_cannot_overwrite_the_answers_file(runner: CliRunner, tmp_path: Path) -> None:
    saved = tmp_path / "answers.yaml"
    run(runner, *QUIZ_JSON, "--save-answers", str(saved))
    before = saved.read_text()
    result = run(runner, "quiz", "--no-input", "--answers-file", str(saved), "-o", str(saved))
    assert result.exit_code == 2 and "--output would overwrite the answers file" in result.stderr
    assert saved.read_text() == before


def test_saved_answers_may_update_the_answers_file_in_place(runner: CliRunner, tmp_path: Path) -> None:
    saved = tmp_path / "answers.yaml"
    run(runner, *QUIZ_JSON, "--save-answers", str(saved))
    result = run(runner, "quiz", "--no-input", "--answers-file", str(saved), "-a", "goal=undecided",
                 "--save-answers", str(saved), "-f", "json")
    assert result.exit_code == 0
    assert "goal: undecided" in saved.read_text()


def test_questions_lists_the_contract_ids_and_when_each_is_asked(runner: CliRunner) -> None:
    data = json.loads(run(runner, "questions", "-f", "json").stdout)["questions"]
    assert [q["id"] for q in data][:2] == ["background", "production_experience"]
    assert data[1]["asked_when"] == "background in [software_developer, experienced_engineer]"
    assert [c["id"] for c in data[1]["choices"]] == ["yes", "no"]
    assert "experienced_engineer  Experienced engineer" in run(runner, "questions").stdout


def test_semicolons_in_an_answer_flag_get_a_hint(runner: CliRunner) -> None:
    result = run(runner, "quiz", "--no-input", "-a", "interests=rag_apps;evaluation")
    assert result.exit_code == 2 and "separate choices with ',' here" in result.stderr


@pytest.mark.parametrize(("columns", "width"), [("0", 80), ("-5", 80), ("abc", 80), ("100000", 1000), ("120", 120)])
def test_a_width_of_zero_or_less_counts_as_unknown_and_huge_widths_are_capped(
    monkeypatch: pytest.MonkeyPatch, columns: str, width: int
) -> None:
    """Some pseudo-terminals report 0 columns; a table drawn 0 wide would print nothing at all."""
    from roleadvisor.render import terminal_width

    monkeypatch.setenv("COLUMNS", columns)
    monkeypatch.setattr("os.get_terminal_size", lambda fd: os.terminal_size((0, 0)))
    assert terminal_width() == width


def test_compare_at_zero_columns_still_prints_the_table(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "0")
    assert "Main focus" in run(runner, "compare").stdout


class _Terminal:
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("no_color", "expected"), [(None, True), ("", True), ("1", False), ("0", False)])
def test_colour_only_on_a_terminal_without_a_non_empty_no_color(
    monkeypatch: pytest.MonkeyPatch, no_color: str | None, expected: bool
) -> None:
    """no-color.org: NO_COLOR set to any non-empty value turns colour off; empty means unset."""
    from roleadvisor.render import use_color

    monkeypatch.setenv("TERM", "xterm")  # CI may run with TERM=dumb or none
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    if no_color is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", no_color)
    assert use_color(_Terminal()) is expected
    assert use_color(io.StringIO()) is False


# Nothing lost quietly (issue 14)


def test_a_question_answered_twice_by_flags_is_refused_naming_both_answers(runner: CliRunner) -> None:
    result = run(runner, "quiz", "--no-input", *FULL, "-a", "background=student", "-a", "background=career_switcher")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "roleadvisor: --answer: 'background' is answered twice ('background=experienced_engineer' and "
        "'background=student'); give each question once\n"
    )


def test_a_flag_still_overrides_the_answers_file(runner: CliRunner, tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text("goal: undecided\n")
    result = run(runner, "quiz", "--no-input", "--answers-file", str(answers), *FULL, "-f", "json")
    assert json.loads(result.stdout)["answers"]["goal"] == "own_systems"


needs_dev_full = pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")


@needs_dev_full
@pytest.mark.parametrize(
    ("report", "saved"),
    [("report.txt", "/dev/full"), ("/dev/full", "answers.yaml"), ("report.txt", "answers.yaml/dev/full")],
    ids=["answers to a full device", "report to a full device", "answers into a missing folder"],
)
def test_when_one_output_cannot_be_written_none_is(runner: CliRunner, tmp_path: Path, report: str, saved: str) -> None:
    """All or nothing: a script that sees exit 2 can conclude that no output was produced."""
    paths = [path if path.startswith("/dev/") else str(tmp_path / path) for path in (report, saved)]
    result = run(runner, "quiz", "--no-input", *FULL, "--output", paths[0], "--save-answers", paths[1])
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and "cannot write" in result.stderr
    assert list(tmp_path.iterdir()) == []


@needs_dev_full
def test_a_report_to_stdout_is_not_printed_when_the_answers_cannot_be_saved(runner: CliRunner) -> None:
    result = run(runner, *QUIZ_JSON, "--save-answers", "/dev/full")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "roleadvisor: /dev/full: cannot write (No space left on device)\n"


@pytest.mark.parametrize("columns", ["1", "5", "19"])
@pytest.mark.parametrize("command", [["compare"], ["roles"], ["guide"], ["quiz", "--no-input", *FULL]], ids=lambda c: c[0])
def test_text_output_narrower_than_20_columns_says_it_needs_more(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, command: list[str], columns: str
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    result = run(runner, *command)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"roleadvisor: text output needs at least 20 columns, and the terminal has {columns} "
        "(widen it or set COLUMNS, or use --format markdown or json)\n"
    )


@pytest.mark.parametrize(("columns", "fmt", "expected"), [("20", "text", "Factors"), ("1", "json", "Main focus"), ("1", "markdown", "Main focus")])
def test_20_columns_or_another_format_still_prints(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, columns: str, fmt: str, expected: str
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    result = run(runner, "compare", "--format", fmt)
    assert result.exit_code == 0 and expected in result.stdout


# Conventions: -h, one voice for usage errors

COMMANDS = ["quiz", "compare", "roles", "courses", "guide", "questions", "faq", "check", "batch"]


@pytest.mark.parametrize("command", [[], *([c] for c in COMMANDS)], ids=["app", *COMMANDS])
def test_dash_h_shows_the_same_help_as_dash_dash_help(runner: CliRunner, command: list[str]) -> None:
    short, long = run(runner, *command, "-h"), run(runner, *command, "--help")
    assert (short.exit_code, long.exit_code) == (0, 0)
    assert short.stdout == long.stdout and "Usage:" in short.stdout


def test_help_offers_shell_completion(runner: CliRunner) -> None:
    out = run(runner, "--help").stdout
    assert "--install-completion" in out and "--show-completion" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compare", "--format", "xml"], "unknown value 'xml' for --format (choose from: text, json, markdown)"),
        (["compare", "--section", "tool"], "unknown value 'tool' for --section (choose from: factors, skills, tools, projects, all)"),
        (["roles", "-f", "md"], "unknown value 'md' for --format (choose from: text, json, markdown)"),
        (["check", "--format", "markdown"], "unknown value 'markdown' for --format (choose from: text, json)"),
        (["batch", "in.csv", "--format", "xlsx"], "unknown value 'xlsx' for --format (choose from: csv, jsonl)"),
        (["check", "--sample", "0"], "--sample takes a whole number of at least 1, not '0'"),
        (["check", "--sample", "many"], "--sample takes a whole number of at least 1, not 'many'"),
        (["check", "--seed", "1.5"], "--seed takes a whole number, not '1.5'"),
    ],
)
def test_a_bad_option_value_is_one_roleadvisor_line_naming_the_valid_values(runner: CliRunner, args: list[str], message: str) -> None:
    result = run(runner, *args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"roleadvisor: {message}\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compare", "--colour"], "no such option: --colour; see 'roleadvisor compare -h'"),
        (["batch"], "missing argument 'INPUT'; see 'roleadvisor batch -h'"),
        (["quiz", "--no-input", "-a"], "option '-a' requires an argument"),
        (["bogus"], "no such command 'bogus' (commands: quiz, compare, roles, courses, guide, questions, faq, check, batch); see 'roleadvisor -h'"),
        (["compre"], "no such command 'compre' (did you mean 'compare', 'courses'?); see 'roleadvisor -h'"),
        (["\x1b[2J"], "no such command '\\x1b[2J' (commands: quiz, compare, roles, courses, guide, questions, faq, check, batch); see 'roleadvisor -h'"),
    ],
    ids=["unknown-option", "missing-argument", "missing-value", "unknown-command", "misspelt-command", "escape-sequence"],
)
def test_a_parse_error_is_one_roleadvisor_line_saying_where_help_is(runner: CliRunner, args: list[str], message: str) -> None:
    result = run(runner, *args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"roleadvisor: {message}\n")


def test_the_program_alone_shows_its_help_and_exits_2(runner: CliRunner) -> None:
    result = run(runner)
    assert result.exit_code == 2 and result.stderr.startswith("Usage: roleadvisor [OPTIONS] COMMAND") and "Commands:" in result.stderr


@pytest.mark.parametrize("args", [["compare", "developer", "engineer"], ["guide"], ["roles"]], ids=["compare", "guide", "roles"])
def test_text_output_to_a_file_has_no_trailing_spaces(runner: CliRunner, args: list[str]) -> None:
    result = run(runner, *args)
    assert result.exit_code == 0 and len(result.stdout.splitlines()) > 5
    assert [line for line in result.stdout.splitlines() if line != line.rstrip()] == []
