"""`roleadvisor check`: planted errors found, unreachable roles and courses named, and an outcome map
that agrees with trying every answer set."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from typer.testing import CliRunner

import roleadvisor.check as check
from roleadvisor.check import CheckReport, OutcomeMap, check_pack
from roleadvisor.check_views import bar, render_check
from roleadvisor.cli import app
from roleadvisor.conditions import holds
from roleadvisor.engine import recommended_role
from roleadvisor.loader import load_pack
from roleadvisor.pack import Pack
from roleadvisor.scoring import answer_options, scorer_for

DATA = Path(__file__).resolve().parents[1] / "data"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


def messages(report: CheckReport) -> list[str]:
    return [str(problem) for problem in report.pack.errors]


# The shipped pack


@pytest.fixture(scope="module")
def shipped() -> CheckReport:
    return check_pack(DATA)


def test_shipped_pack_is_clean(shipped: CheckReport) -> None:
    assert shipped.exit_code == 0
    assert shipped.pack.errors == ()


def test_shipped_pack_reaches_every_question_role_course_and_roadmap(shipped: CheckReport) -> None:
    assert {(r.kind, r.id) for r in shipped.pack.reach if not r.reachable} == set()
    assert Counter(r.kind for r in shipped.pack.reach) == {"question": 8, "role": 2, "course": 2, "roadmap": 1}


def test_shipped_pack_is_counted_exactly_over_every_answer_set(shipped: CheckReport) -> None:
    outcomes = shipped.pack.outcomes
    assert outcomes is not None and outcomes.method == "exact"
    # background (students and switchers skip production_experience) x goal x work_style x
    # interests (1 to 3 of 12) x deployment x model_depth x first_project
    assert outcomes.answer_sets == (2 + 2 * 2) * 4 * 3 * (12 + 66 + 220) * 3 * 2 * 10 == 1_287_360
    assert outcomes.counted == outcomes.answer_sets


def test_shipped_pack_shares_add_up(shipped: CheckReport) -> None:
    outcomes = shipped.pack.outcomes
    assert outcomes is not None
    for part in (outcomes.roles, outcomes.courses, outcomes.roadmaps, outcomes.confidence):
        assert sum(share.count for share in part) == outcomes.counted
    assert 0 < outcomes.ties <= outcomes.close_calls < outcomes.counted


def test_the_roadmap_goes_to_some_answer_sets_and_the_rest_are_counted_as_none(shipped: CheckReport) -> None:
    outcomes = shipped.pack.outcomes
    assert outcomes is not None
    assert [s.id for s in outcomes.roadmaps] == ["ai-engineer-roadmap", ""]
    assert all(s.count > 0 for s in outcomes.roadmaps)


def test_the_outcome_map_counts_which_rule_decided_the_start(shipped: CheckReport) -> None:
    outcomes = shipped.pack.outcomes
    assert outcomes is not None
    counts = {share.id: share.count for share in outcomes.rules}
    assert set(counts) == {"undecided", "owns_reliable_systems", "software_developer_moving_into_ai", "student_first_portfolio", "students_and_career_switchers", "product_goal", ""}
    assert sum(counts.values()) == outcomes.counted and all(counts.values())


def test_analysis_does_not_import_rich() -> None:
    code = "import sys; from roleadvisor.check import check_pack; from roleadvisor.check_views import render_check; render_check(check_pack(None), 'text', True); print('rich' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# Exact counts agree with trying every answer set


SMALL_QUESTIONS = """\
tie_break: [developer, engineer]
confidence_labels:
  - {min: 0.5, label: clear}
  - {min: 0.0, label: close call}
questions:
  - id: background
    prompt: Where are you starting from?
    choices:
      - {id: student, label: Student, weights: {developer: {points: 2, card: faster_feedback}}}
      - {id: engineer_bg, label: Engineer, weights: {engineer: {points: 2, card: own_production_systems}}}
      - {id: switcher, label: Switcher, weights: {developer: {points: 1, card: faster_feedback}}}
  - id: depth
    prompt: How deep?
    when: {question: background, in: [engineer_bg]}
    choices:
      - {id: deep, label: Deep, weights: {engineer: {points: 2, card: own_production_systems}}}
      - {id: shallow, label: Shallow, weights: {developer: {points: 1, card: build_products}}}
  - id: production
    prompt: Production experience?
    when: {question: background, in: [engineer_bg, switcher]}
    choices:
      - {id: "yes", label: "Yes", weights: {engineer: {points: 1, card: own_production_systems}}}
      - {id: "no", label: "No"}
  - id: study
    prompt: Study plans?
    when: {question: background, in: [student]}
    choices:
      - {id: apps, label: Apps, weights: {developer: {points: 1, card: build_products}}}
      - {id: systems, label: Systems, weights: {engineer: {points: 3, card: own_production_systems}}}
  - id: goal
    prompt: Goal?
    choices:
      - {id: apps, label: Apps, weights: {developer: {points: 2, card: build_products}}}
      - {id: systems, label: Systems, weights: {engineer: {points: 3, card: own_production_systems}}}
      - {id: torn, label: Torn}
  - id: interests
    prompt: Interests?
    kind: many
    min: 1
    max: 2
    choices:
      - {id: a, label: A, weights: {developer: {points: 1, card: build_products}}}
      - {id: b, label: B, weights: {developer: {points: 1, card: build_products}}}
      - {id: c, label: C, weights: {engineer: {points: 1, card: own_production_systems}}}
      - {id: d, label: D, weights: {engineer: {points: 2, card: own_production_systems}}}
"""

SMALL_COURSES_RULES = """\
next_course:
  - course: generative-ai-course
    when:
      all:
        - recommended: engineer
        - {question: production, in: ["yes"]}
  - course: generative-ai-course
    when:
      all:
        - {question: interests, in: [c, d]}
        - not: {question: goal, in: [apps]}
  - course: ai-developers-course
roadmap:
  - course: ai-engineer-roadmap
"""


def small_pack(folder: Path, three_roles: bool = False) -> Path:
    """A pack whose every answer set can be tried: gates that show free questions, rules on answers."""
    questions = SMALL_QUESTIONS
    if three_roles:
        add_researcher(folder)
        questions = questions.replace("tie_break: [developer, engineer]", "tie_break: [engineer, researcher, developer]")
        questions = questions.replace("- {id: torn, label: Torn}", "- {id: torn, label: Torn, weights: {researcher: {points: 3, card: faster_feedback}}}")
        questions = questions.replace(
            "{id: b, label: B, weights: {developer: {points: 1, card: build_products}}}",
            "{id: b, label: B, weights: {researcher: {points: 1, card: faster_feedback}, developer: {points: 1, card: build_products}}}",
        )
    (folder / "questions.yaml").write_text(questions)
    courses = (folder / "courses.yaml").read_text()
    (folder / "courses.yaml").write_text(courses[: courses.index("# Rules are tried")] + SMALL_COURSES_RULES)
    return folder


def add_researcher(folder: Path) -> None:
    edit(
        folder / "roles.yaml",
        "factors:",
        "  - {id: researcher, title: AI Researcher, definition: A role for tests., best_fit_when: You are a test.}\n\nfactors:",
    )
    roles = (folder / "roles.yaml").read_text()
    (folder / "roles.yaml").write_text(roles.replace("      engineer: ", "      researcher: Test text.\n      engineer: "))


def completions(pack: Pack, given: Mapping[str, tuple[str, ...]]) -> Iterator[dict[str, tuple[str, ...]]]:
    """Every complete answer set that keeps the given answers to the questions it shows."""

    def extend(position: int, answers: dict[str, tuple[str, ...]]) -> Iterator[dict[str, tuple[str, ...]]]:
        if position == len(pack.questions):
            yield dict(answers)
            return
        question = pack.questions[position]
        if question.when is not None and not holds(question.when, answers):
            yield from extend(position + 1, answers)
            return
        for option in [given[question.id]] if question.id in given else list(answer_options(question)):
            answers[question.id] = option
            yield from extend(position + 1, answers)
            del answers[question.id]

    yield from extend(0, {})


def moved_by(pack: Pack, answers: dict[str, tuple[str, ...]], question_id: str, role: str) -> bool:
    question = pack.question(question_id)
    assert question is not None
    for option in answer_options(question):
        if option != answers[question_id]:
            if any(recommended_role(pack, other) != role for other in completions(pack, {**answers, question_id: option})):
                return True
    return False


def tried_one_by_one(pack: Pack) -> dict[str, Counter[str | None]]:
    """The outcome map's counts, by scoring every answer set and trying every single change."""
    counts: dict[str, Counter[str | None]] = {part: Counter() for part in ("roles", "courses", "roadmaps", "confidence", "moves", "ties")}
    for answers in completions(pack, {}):
        outcome = scorer_for(pack).decide(answers)
        totals = outcome.totals
        role = pack.role_ids[outcome.start]
        counts["roles"][role] += 1
        counts["courses"][outcome.course_id] += 1
        counts["roadmaps"][outcome.roadmap_id] += 1
        counts["confidence"][outcome.label] += 1
        counts["ties"]["ties"] += sorted(totals)[-1] == sorted(totals)[-2]
        for question_id in answers:
            counts["moves"][question_id] += moved_by(pack, answers, question_id, role)
    return counts


def counted(outcomes: OutcomeMap) -> dict[str, Counter[str | None]]:
    def part(shares: tuple[check.Share, ...]) -> Counter[str | None]:
        return Counter({share.id or None: share.count for share in shares if share.count})

    return {
        "roles": part(outcomes.roles),
        "courses": part(outcomes.courses),
        "roadmaps": part(outcomes.roadmaps),
        "confidence": part(outcomes.confidence),
        "moves": part(outcomes.moves),
        "ties": Counter({"ties": outcomes.ties}),
    }


@pytest.mark.parametrize("three_roles", [False, True], ids=["two roles", "three roles"])
def test_exact_outcome_map_matches_trying_every_answer_set(pack_copy: Path, three_roles: bool) -> None:
    folder = small_pack(pack_copy, three_roles)
    report = check_pack(folder)
    assert report.exit_code == 0, messages(report)
    assert report.pack.outcomes is not None and report.pack.outcomes.method == "exact"
    assert counted(report.pack.outcomes) == tried_one_by_one(load_pack(folder))


def test_answer_sets_count_each_complete_answer_set_once(pack_copy: Path) -> None:
    folder = small_pack(pack_copy)
    outcomes = check_pack(folder).pack.outcomes
    assert outcomes is not None
    assert outcomes.answer_sets == sum(1 for _ in completions(load_pack(folder), {}))


# Sampling, when the exact count would be too large


def pretend_too_large(space: object) -> None:
    raise check._TooLarge


@pytest.fixture
def no_exact_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(check, "_count_exactly", pretend_too_large)


def test_a_large_space_is_sampled_and_says_so(no_exact_count: None) -> None:
    report = check_pack(DATA, sample_size=5000, seed=7)
    outcomes = report.pack.outcomes
    assert outcomes is not None
    assert (outcomes.method, outcomes.counted, outcomes.answer_sets, outcomes.seed) == ("sample", 5000, 1_287_360, 7)
    assert "a uniform sample of 5,000 of the 1,287,360 answer sets (seed 7)" in render_check(report, "text", False)


def test_the_same_seed_gives_the_same_sample(no_exact_count: None) -> None:
    assert check_pack(DATA, sample_size=2000, seed=3).pack.outcomes == check_pack(DATA, sample_size=2000, seed=3).pack.outcomes
    assert check_pack(DATA, sample_size=2000, seed=3).pack.outcomes != check_pack(DATA, sample_size=2000, seed=4).pack.outcomes


def test_a_sample_estimates_the_exact_shares(shipped: CheckReport, monkeypatch: pytest.MonkeyPatch) -> None:
    exact = shipped.pack.outcomes
    monkeypatch.setattr(check, "_count_exactly", pretend_too_large)
    sampled = check_pack(DATA, sample_size=10_000, seed=1).pack.outcomes
    assert exact is not None and sampled is not None
    for part in ("roles", "courses", "confidence", "moves"):
        for a, b in zip(getattr(exact, part), getattr(sampled, part), strict=True):
            assert abs(exact.share(a.count) - sampled.share(b.count)) < 0.02, (part, a.id)


def test_a_sample_estimates_the_exact_shares_of_a_gated_three_role_pack(pack_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = small_pack(pack_copy, three_roles=True)
    exact = check_pack(folder).pack.outcomes
    monkeypatch.setattr(check, "_count_exactly", pretend_too_large)
    sampled = check_pack(folder, sample_size=10_000, seed=2).pack.outcomes
    assert exact is not None and sampled is not None
    for part in ("roles", "courses", "confidence", "moves"):
        for a, b in zip(getattr(exact, part), getattr(sampled, part), strict=True):
            assert abs(exact.share(a.count) - sampled.share(b.count)) < 0.02, (part, a.id)


def test_rules_on_many_answer_questions_are_still_counted_exactly(pack_copy: Path) -> None:
    # 298 answers to interests times 10 to first_project; the rule only asks whether each holds one choice.
    edit(
        pack_copy / "courses.yaml",
        "roadmap:\n",
        "roadmap:\n  - course: ai-engineer-roadmap\n    when: {all: [{question: interests, in: [evaluation]}, {question: first_project, in: [eval_dashboard]}]}\n",
    )
    outcomes = check_pack(pack_copy).pack.outcomes
    assert outcomes is not None and outcomes.method == "exact"


def test_a_sampled_two_role_pack_still_proves_reachability(no_exact_count: None, pack_copy: Path) -> None:
    zero_engineer_points(pack_copy)
    report = check_pack(pack_copy, sample_size=500)
    assert any("role 'engineer' can never be recommended" in m for m in messages(report))


# Planted errors

MODEL_DEPTH_CHOICES = """\
    choices:
      - id: application_level
        label: Enough to build good applications on top of them
        weights: {developer: {points: 2, source: factor_model_depth_developer}}
      - id: serving_and_evaluation
        label: Serving, evaluation and behaviour under load
        weights: {engineer: {points: 2, source: factor_model_depth_engineer}}
"""

PLANTED = [
    pytest.param(
        "questions.yaml", "weights: {engineer: {points: 3, source: own_production_systems}}", "weights: {enginer: {points: 3, source: own_production_systems}}",
        "questions.yaml: questions[2].choices[2].weights.enginer: unknown role 'enginer'", id="unknown role in a weight",
    ),
    pytest.param(
        "questions.yaml", "weights: {engineer: {points: 3, source: own_production_systems}}", "weights: {engineer: {points: 3, source: own_systems}}",
        "questions.yaml: questions[2].choices[2].weights.engineer.source: unknown source 'own_systems'", id="unknown source",
    ),
    pytest.param(
        "questions.yaml", "when: {question: background, in: [software_developer, experienced_engineer]}", "when: {question: backgrund, in: [software_developer]}",
        "questions.yaml: questions[1].when.question: unknown question 'backgrund'", id="when on an unknown question",
    ),
    pytest.param(
        "questions.yaml", "when: {question: background, in: [software_developer, experienced_engineer]}", "when: {question: background, in: [software_dev]}",
        "questions.yaml: questions[1].when.in[0]: unknown choice for 'background' 'software_dev'", id="when on an unknown choice",
    ),
    pytest.param(
        "courses.yaml", "  - course: ai-developers-course", "  - course: ai-developer-course",
        "courses.yaml: next_course[1].course: unknown course 'ai-developer-course'", id="course rule naming an unknown course",
    ),
    pytest.param(
        "questions.yaml", MODEL_DEPTH_CHOICES, "    choices: []\n",
        "questions.yaml: questions[6].choices: a question needs at least one choice", id="question with no choices",
    ),
    pytest.param(
        "questions.yaml", "    min: 1\n    max: 3", "    min: 4\n    max: 3",
        "questions.yaml: questions[4]: choice limits cannot be met: min 4, max 3, 12 choices", id="multi-select limits that cannot be met",
    ),
    pytest.param(
        "questions.yaml", "when: {question: background, in: [software_developer, experienced_engineer]}", "when: {recommended: engineer}",
        "questions.yaml: questions[1].when: only course and roadmap rules can use `recommended`", id="recommended in a question's when",
    ),
    pytest.param(
        "questions.yaml", "\n  - id: deployment\n", "\n  - id: goal\n",
        "questions.yaml: questions[5].id: duplicate question id 'goal'", id="duplicate id",
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "expected"), PLANTED)
def test_check_finds_each_planted_error(pack_copy: Path, file: str, old: str, new: str, expected: str) -> None:
    edit(pack_copy / file, old, new)
    report = check_pack(pack_copy)
    assert report.exit_code == 1
    assert any(m.startswith(expected) for m in messages(report)), messages(report)


def test_errors_are_printed_one_per_line_as_file_path_message(pack_copy: Path) -> None:
    edit(pack_copy / "questions.yaml", "source: card_learn_by_shipping}}\n      - id: balanced", "source: own_systems}}\n      - id: balanced")
    edit(pack_copy / "questions.yaml", "\n  - id: deployment\n", "\n  - id: goal\n")
    text = render_check(check_pack(pack_copy), "text", False)
    assert "2 errors:" in text
    assert "  questions.yaml: questions[3].choices[0].weights.developer.source: unknown source 'own_systems'" in text
    assert "  questions.yaml: questions[5].id: duplicate question id 'goal'" in text


def test_a_pack_with_errors_skips_the_outcome_map_and_says_why(pack_copy: Path) -> None:
    edit(pack_copy / "questions.yaml", "\n  - id: deployment\n", "\n  - id: goal\n")
    report = check_pack(pack_copy)
    assert report.pack.outcomes is None
    assert "fix the errors first" in render_check(report, "text", False)


# Unreachable questions, roles, courses and roadmaps


def set_engineer_points(folder: Path, points: int) -> None:
    text = (folder / "questions.yaml").read_text()
    (folder / "questions.yaml").write_text(re.sub(r"\{engineer: \{points: \d+,", f"{{engineer: {{points: {points},", text))


def without_page_rules(folder: Path) -> None:
    """Leave the weights alone to decide the start (the page's rule for engineers would otherwise decide it)."""
    text = (folder / "questions.yaml").read_text()
    (folder / "questions.yaml").write_text(re.sub(r"\nrules:\n.*?\nquestions:", "\nquestions:", text, flags=re.S))


def zero_engineer_points(folder: Path) -> None:
    set_engineer_points(folder, 0)
    without_page_rules(folder)


def test_a_role_that_can_never_win_is_reported(pack_copy: Path) -> None:
    zero_engineer_points(pack_copy)
    report = check_pack(pack_copy)
    assert report.exit_code == 1
    assert "roles.yaml: roles[1]: role 'engineer' can never be recommended: no choice gives it any points; at best it ties, and ties go to developer (tie_break)" in messages(report)


def test_a_role_that_always_trails_is_reported_with_by_how_much(pack_copy: Path) -> None:
    set_engineer_points(pack_copy, -1)
    without_page_rules(pack_copy)
    # Engineer's best case costs it a point on interests, model_depth and first_project (goal, work_style and
    # deployment each have a choice with no points).
    assert "roles.yaml: roles[1]: role 'engineer' can never be recommended: no choice gives it any points; even its best answers leave it 3 points behind another role" in messages(check_pack(pack_copy))


def test_a_role_that_at_best_ties_is_reported_with_the_tie_break(pack_copy: Path) -> None:
    # Every point for engineer now comes with as many for developer, who wins ties.
    without_page_rules(pack_copy)
    text = (pack_copy / "questions.yaml").read_text()
    text = re.sub(r"\{engineer: \{points: (\d+), source: (\w+)\}\}", r"{engineer: {points: \1, source: \2}, developer: {points: \1, source: \2}}", text)
    (pack_copy / "questions.yaml").write_text(text)
    report = check_pack(pack_copy)
    assert any(m.endswith("can never be recommended: at best it ties, and ties go to developer (tie_break)") for m in messages(report)), messages(report)


def test_a_question_that_is_never_shown_is_reported(pack_copy: Path) -> None:
    edit(
        pack_copy / "questions.yaml",
        "when: {question: background, in: [software_developer, experienced_engineer]}",
        "when: {all: [{question: background, in: [student]}, {question: background, in: [career_switcher]}]}",
    )
    report = check_pack(pack_copy)
    assert "questions.yaml: questions[1].when: question 'production_experience' is never shown: its condition never holds: all of (background in [student]; background in [career_switcher])" in messages(report)


def test_a_rule_list_with_a_gap_is_reported_with_an_example(pack_copy: Path) -> None:
    edit(pack_copy / "courses.yaml", "  - course: ai-developers-course\n    source: course_fit\n", "")
    report = check_pack(pack_copy)
    gap = [m for m in messages(report) if m.startswith("courses.yaml: next_course: no rule holds")]
    assert gap == ["courses.yaml: next_course: no rule holds for some answer sets (858,240 of 1,287,360 answer sets), e.g. background=student, goal=first_portfolio, recommended developer; end the list with a rule without `when`"]


def test_a_course_no_rule_names_is_reported(pack_copy: Path) -> None:
    edit(pack_copy / "courses.yaml", "  - course: generative-ai-course\n    when:", "  - course: ai-developers-course\n    when:")
    assert "courses.yaml: courses[1]: course 'generative-ai-course' is never chosen: no rule in next_course names it" in messages(check_pack(pack_copy))


def test_a_course_behind_a_rule_that_always_holds_is_reported(pack_copy: Path) -> None:
    edit(pack_copy / "courses.yaml", "next_course:\n", "next_course:\n  - course: ai-developers-course\n")
    assert "courses.yaml: courses[1]: course 'generative-ai-course' is never chosen: next_course[1] holds only where an earlier rule already holds" in messages(check_pack(pack_copy))


def test_a_course_whose_rule_never_holds_is_reported(pack_copy: Path) -> None:
    edit(pack_copy / "courses.yaml", "    when: {question: background, in: [experienced_engineer]}", "    when: {all: [{recommended: engineer}, {question: background, in: [student]}]}")
    assert any("course 'generative-ai-course' is never chosen: next_course[0] never holds: all of (recommended engineer; background in [student])" in m for m in messages(check_pack(pack_copy)))


def test_a_roadmap_without_a_rule_is_unreachable(pack_copy: Path) -> None:
    text = (pack_copy / "courses.yaml").read_text()
    (pack_copy / "courses.yaml").write_text(text[: text.index("\nroadmap:\n")] + "\nroadmap: []\n")
    report = check_pack(pack_copy)
    assert "courses.yaml: roadmaps[0]: roadmap 'ai-engineer-roadmap' is never chosen: no rule in roadmap names it" in messages(report)


def test_a_confidence_label_never_given_is_noted(pack_copy: Path) -> None:
    edit(pack_copy / "questions.yaml", "  - {min: 0.5, label: clear}", "  - {min: 1.5, label: certain}\n  - {min: 0.5, label: clear}")
    report = check_pack(pack_copy)
    assert report.exit_code == 0
    assert "Confidence label 'certain' is never given." in report.pack.notes


def test_a_question_that_never_matters_is_noted(pack_copy: Path) -> None:
    for weights in ("{developer: {points: 2, source: card_learn_by_shipping}}\n      - id: balanced", "{engineer: {points: 2, source: card_architecture_testing}}\n\n  - id: interests"):
        edit(pack_copy / "questions.yaml", weights, weights.replace(weights.split("\n")[0], "{}"))
    report = check_pack(pack_copy)
    assert report.pack.notes == ("Changing only one answer never changes the recommendation for: work_style.",)


def test_a_role_that_can_never_win_is_not_buried_in_notes(pack_copy: Path) -> None:
    zero_engineer_points(pack_copy)
    assert check_pack(pack_copy).pack.notes == ()


def test_the_shipped_pack_has_nothing_to_note(shipped: CheckReport) -> None:
    assert shipped.pack.notes == ()


def test_unreachable_items_are_marked_in_json(pack_copy: Path) -> None:
    zero_engineer_points(pack_copy)
    data = json.loads(render_check(check_pack(pack_copy), "json", False))
    unreachable = [(r["kind"], r["id"]) for r in data["reachability"] if not r["reachable"]]
    assert unreachable == [("role", "engineer")]
    assert data["exit_code"] == 1


# Views


def test_text_view_has_a_bar_per_role(shipped: CheckReport) -> None:
    outcomes = shipped.pack.outcomes
    assert outcomes is not None
    text = render_check(shipped, "text", False)
    for share in outcomes.roles:
        assert f"{share.title}  {bar(outcomes.share(share.count))} {outcomes.share(share.count):6.1%}" in text.replace("AI Engineer   ", "AI Engineer  ")
    assert "Most decisive question: " in text


def test_text_view_is_plain_without_colour_and_styled_with_it(shipped: CheckReport) -> None:
    assert "\x1b[" not in render_check(shipped, "text", False)
    assert "\x1b[" in render_check(shipped, "text", True)


def test_json_view_is_the_numbers_of_the_report(shipped: CheckReport) -> None:
    outcomes = shipped.pack.outcomes
    assert outcomes is not None
    data = json.loads(render_check(shipped, "json", True))
    assert data["outcomes"]["answer_sets"] == outcomes.answer_sets
    assert [(r["id"], r["count"]) for r in data["outcomes"]["roles"]] == [(s.id, s.count) for s in outcomes.roles]
    assert data["outcomes"]["ties"]["count"] == outcomes.ties
    assert data["outcomes"]["most_decisive"] == outcomes.most_decisive.id if outcomes.most_decisive else None


@pytest.mark.parametrize(("fraction", "drawn"), [(0.0, ""), (1.0, "█" * 10), (0.5, "█" * 5), (0.0125, "▏")])
def test_bars_are_drawn_to_an_eighth_of_a_character(fraction: float, drawn: str) -> None:
    assert bar(fraction, width=10) == drawn.ljust(10)


# Comparing two packs


@pytest.fixture
def engineer_heavier(pack_copy: Path) -> Path:
    edit(pack_copy / "questions.yaml", "weights: {engineer: {points: 3, source: own_production_systems}}", "weights: {engineer: {points: 8, source: own_production_systems}}")
    return pack_copy


def test_against_compares_the_outcome_maps(engineer_heavier: Path) -> None:
    report = check_pack(engineer_heavier, against=DATA)
    assert report.against is not None and report.against.outcomes is not None and report.pack.outcomes is not None
    before, after = report.against.outcomes, report.pack.outcomes
    assert after.roles[1].count > before.roles[1].count
    changes = {c.id: c for c in check.share_changes(before, after, "roles")}
    assert changes["engineer"].change == pytest.approx(after.share(after.roles[1].count) - before.share(before.roles[1].count))
    assert changes["engineer"].change == pytest.approx(-changes["developer"].change)


def test_against_text_shows_before_after_and_the_change(engineer_heavier: Path) -> None:
    report = check_pack(engineer_heavier, against=DATA)
    assert report.against is not None and report.against.outcomes is not None and report.pack.outcomes is not None
    engineer = {c.id: c for c in check.share_changes(report.against.outcomes, report.pack.outcomes, "roles")}["engineer"]
    text = render_check(report, "text", False)
    assert f"Compared with {DATA} (before) -> this pack (after)" in text
    assert f"AI Engineer   {engineer.before:6.1%} -> {engineer.after:6.1%}  {engineer.change * 100:+.1f} pts" in text


def test_against_json_gives_before_after_and_change(engineer_heavier: Path) -> None:
    data = json.loads(render_check(check_pack(engineer_heavier, against=DATA), "json", False))
    engineer = next(row for row in data["diff"]["roles"] if row["id"] == "engineer")
    assert engineer["change"] > 0
    assert engineer["change"] == pytest.approx(engineer["after"] - engineer["before"], abs=1e-5)
    assert data["against"]["pack"] == str(DATA)


def test_against_a_pack_with_errors_says_there_is_no_comparison(pack_copy: Path) -> None:
    edit(pack_copy / "questions.yaml", "\n  - id: deployment\n", "\n  - id: goal\n")
    report = check_pack(DATA, against=pack_copy)
    assert report.exit_code == 0
    assert f"No comparison: {pack_copy} has 1 error(s)." in render_check(report, "text", False)
    assert json.loads(render_check(report, "json", False))["diff"] is None


def test_against_the_same_pack_changes_nothing(shipped: CheckReport) -> None:
    report = check_pack(DATA, against=DATA)
    assert all(c.change == 0 for c in check.share_changes(report.pack.outcomes, report.against.outcomes, "roles"))  # type: ignore[arg-type, union-attr]
    assert "no change" in render_check(report, "text", False)


# The command


def test_check_command_exits_0_and_prints_the_outcome_map(runner: CliRunner) -> None:
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.stderr
    assert "No errors." in result.stdout
    assert "Outcome map: all 1,287,360 answer sets, counted exactly" in result.stdout


def test_check_command_exits_1_and_names_a_role_that_can_never_win(runner: CliRunner, pack_copy: Path) -> None:
    zero_engineer_points(pack_copy)
    result = runner.invoke(app, ["check", "--data", str(pack_copy)])
    assert result.exit_code == 1
    assert "  roles.yaml: roles[1]: role 'engineer' can never be recommended: " in result.stdout


def test_check_command_json_is_clean_json_with_the_same_exit_code(runner: CliRunner, pack_copy: Path) -> None:
    edit(pack_copy / "questions.yaml", "\n  - id: deployment\n", "\n  - id: goal\n")
    result = runner.invoke(app, ["check", "--data", str(pack_copy), "--format", "json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["errors"][0] == {"file": "questions.yaml", "path": "questions[5].id", "message": "duplicate question id 'goal'"}


def test_check_command_against_another_pack(runner: CliRunner, engineer_heavier: Path) -> None:
    result = runner.invoke(app, ["check", "--data", str(engineer_heavier), "--against", str(DATA), "--format", "json"])
    assert result.exit_code == 0
    engineer = next(row for row in json.loads(result.stdout)["diff"]["roles"] if row["id"] == "engineer")
    assert engineer["after"] > engineer["before"]


def test_check_runs_as_a_program() -> None:
    result = subprocess.run([sys.executable, "-m", "roleadvisor", "check", "--format", "json"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["outcomes"]["method"] == "exact"
