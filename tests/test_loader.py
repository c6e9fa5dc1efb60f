"""Loading the pack: the shipped content, and every kind of broken pack named precisely."""

from __future__ import annotations

from pathlib import Path

import pytest

from roleadvisor.errors import PackError
from roleadvisor.loader import default_data_dir, load_pack, read_pack
from roleadvisor.pack import Pack


def test_shipped_pack_has_two_roles_and_eight_factors(pack: Pack) -> None:
    assert pack.role_ids == ("developer", "engineer")
    assert [f.name for f in pack.factors] == [
        "Main focus", "Typical output", "Best starting point", "Tool mindset",
        "Model depth", "Deployment responsibility", "Project style", "Course fit",
    ]


def test_shipped_pack_has_no_problems() -> None:
    assert read_pack(Path(__file__).resolve().parents[1] / "data").problems == ()


def test_question_ids_are_the_contract(pack: Pack) -> None:
    assert [q.id for q in pack.questions] == [
        "background", "production_experience", "goal", "work_style",
        "interests", "deployment", "model_depth", "first_project",
    ]
    assert pack.question("production_experience").choice_ids == ("yes", "no")
    interests = pack.question("interests")
    assert (interests.multiple, interests.min_choices, interests.max_choices) == (True, 1, 3)


def test_every_weight_cites_a_source_of_the_pack(pack: Pack) -> None:
    weights = [w for q in pack.questions for c in q.choices for w in c.weights]
    assert weights and all(pack.source_named(w.source) is not None for w in weights)


def test_a_weight_cites_a_card_that_favours_its_role_when_it_cites_a_card(pack: Pack) -> None:
    favours = {card.id: card.favours for card in pack.cards}
    weights = [w for q in pack.questions for c in q.choices for w in c.weights if w.source in favours]
    assert weights and all(favours[w.source] == w.role for w in weights)


def test_every_source_is_a_sentence_of_the_page(pack: Pack) -> None:
    page = " ".join((Path(__file__).parent / "seed" / "ai-developer-vs-ai-engineer.txt").read_text().split())
    assert pack.sources and [s.id for s in pack.sources if s.text not in page] == []


def test_facts_carry_no_weights(pack: Pack) -> None:
    facts = [q for q in pack.questions if q.fact]
    assert [q.id for q in facts] == ["background", "production_experience"]
    assert all(not c.weights for q in facts for c in q.choices)


def test_project_choices_are_the_seeds_projects(pack: Pack) -> None:
    projects = [item.id for role in pack.roles for item in role.projects]
    assert list(pack.question("first_project").choice_ids) == projects


def test_interest_choices_are_the_seeds_skills(pack: Pack) -> None:
    skills = [item.id for role in pack.roles for item in role.skills]
    assert list(pack.question("interests").choice_ids) == skills


@pytest.mark.parametrize("name", ["DEV", "ai-developer", "Developer", " eng ", "AI-Engineer"])
def test_roles_are_found_by_alias_ignoring_case(pack: Pack, name: str) -> None:
    assert pack.role_named(name) is not None


def test_data_env_points_at_another_pack(monkeypatch: pytest.MonkeyPatch, pack_copy: Path) -> None:
    monkeypatch.setenv("ROLEADVISOR_DATA", str(pack_copy))
    assert default_data_dir() == pack_copy


def edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text()
    assert old in text, f"fixture text not found: {old!r}"
    path.write_text(text.replace(old, new, 1))


def error_for(folder: Path) -> str:
    with pytest.raises(PackError) as caught:
        load_pack(folder)
    return str(caught.value)


def test_missing_file_is_named(pack_copy: Path) -> None:
    (pack_copy / "guide.yaml").unlink()
    assert error_for(pack_copy) == f"{pack_copy / 'guide.yaml'}: file not found"


def test_missing_folder_is_named(tmp_path: Path) -> None:
    assert "pack folder not found" in error_for(tmp_path / "nowhere")


def test_empty_file_is_named(pack_copy: Path) -> None:
    (pack_copy / "courses.yaml").write_text("\n# nothing\n")
    assert error_for(pack_copy) == f"{pack_copy / 'courses.yaml'}: file is empty"


def test_syntax_error_gives_line_and_column(pack_copy: Path) -> None:
    (pack_copy / "questions.yaml").write_text("questions:\n  - id: a\n    prompt: [unclosed\n")
    message = error_for(pack_copy)
    assert message.startswith(f"{pack_copy / 'questions.yaml'}:4:")


def test_wrong_type_names_the_yaml_path(pack_copy: Path) -> None:
    edit(pack_copy, "questions.yaml", "weights: {engineer: {points: 3, source: own_production_systems}}",
         "weights: {engineer: {points: four, source: own_production_systems}}")
    assert error_for(pack_copy) == "questions.yaml: questions[2].choices[2].weights.engineer.points: expected a whole number, got text"


def test_unknown_role_in_a_weight_names_known_roles(pack_copy: Path) -> None:
    edit(pack_copy, "questions.yaml", "weights: {engineer: {points: 3, source: own", "weights: {enginer: {points: 3, source: own")
    assert error_for(pack_copy) == (
        "questions.yaml: questions[2].choices[2].weights.enginer: unknown role 'enginer' (known: developer, engineer)"
    )


def test_unknown_source_is_named(pack_copy: Path) -> None:
    edit(pack_copy, "questions.yaml", "source: card_portfolio}}", "source: card_portfolo}}")
    message = error_for(pack_copy)
    assert message.startswith("questions.yaml: questions[2].choices[0].weights.developer.source: unknown source 'card_portfolo' (known: ")
    assert "card_portfolio" in message


def test_a_rules_unknown_aim_source_is_named(pack_copy: Path) -> None:
    edit(pack_copy, "questions.yaml", "    aim_source: map_undecided\n", "    aim_source: map_undecidd\n")
    assert error_for(pack_copy).startswith("questions.yaml: rules[0].aim_source: unknown source 'map_undecidd' (known: ")


def test_a_weight_may_still_cite_a_card_by_its_older_key(pack_copy: Path) -> None:
    edit(pack_copy, "questions.yaml", "{points: 3, source: build_products}", "{points: 3, card: build_products}")
    assert load_pack(pack_copy).question("goal").choice("build_products").weights[0].source == "build_products"


def test_duplicate_id_is_named(pack_copy: Path) -> None:
    edit(pack_copy, "guide.yaml", "- id: students\n", "- id: easier_start\n")
    assert error_for(pack_copy) == "guide.yaml: faq[2].id: duplicate FAQ id 'easier_start'"


def test_unknown_key_is_named_with_the_expected_ones(pack_copy: Path) -> None:
    edit(pack_copy, "courses.yaml", "    title: AI Developers Course\n", "    titel: AI Developers Course\n")
    assert error_for(pack_copy) == "courses.yaml: courses[0]: unknown key 'titel' (expected: for, id, title)"


def test_missing_key_is_named(pack_copy: Path) -> None:
    edit(pack_copy, "courses.yaml", "    title: AI Developers Course\n", "")
    assert error_for(pack_copy) == "courses.yaml: courses[0]: missing key 'title'"


def test_unquoted_yes_as_an_id_says_to_quote_it(pack_copy: Path) -> None:
    edit(pack_copy, "questions.yaml", '- id: "yes"', "- id: yes")
    assert 'write it in quotes: "yes"' in error_for(pack_copy)


def test_condition_on_a_later_question_is_refused(pack_copy: Path) -> None:
    edit(pack_copy, "questions.yaml", "when: {question: background, in: [software_developer, experienced_engineer]}", "when: {question: goal, in: [software_developer, experienced_engineer]}")
    assert "questions[1].when.question: unknown question 'goal'" in error_for(pack_copy)


def test_course_rule_naming_an_unknown_course_is_named(pack_copy: Path) -> None:
    edit(pack_copy, "courses.yaml", "  - course: ai-developers-course\n", "  - course: ai-devs-course\n")
    assert error_for(pack_copy).startswith("courses.yaml: next_course[1].course: unknown course 'ai-devs-course'")


def plant_two_problems(folder: Path) -> None:
    edit(folder, "questions.yaml", "tie_break: [developer, engineer]", "tie_break: [developer]")
    edit(folder, "guide.yaml", "favours: engineer", "favours: nobody")


def test_load_reports_how_many_more_problems_there_are(pack_copy: Path) -> None:
    plant_two_problems(pack_copy)
    assert "(and 1 more; run 'roleadvisor check --data" in error_for(pack_copy)


def test_absurd_weight_points_are_a_problem(pack_copy: Path) -> None:
    edit(pack_copy, "questions.yaml", "weights: {engineer: {points: 3, source: own", "weights: {engineer: {points: 40000, source: own")
    assert error_for(pack_copy) == "questions.yaml: questions[2].choices[2].weights.engineer.points: 40000 is outside -1000..1000"


def test_a_file_given_as_the_pack_folder_is_named_as_such(pack_copy: Path) -> None:
    assert error_for(pack_copy / "roles.yaml") == f"{pack_copy / 'roles.yaml'}: is not a pack folder"


def test_a_fractional_weight_shows_its_value(pack_copy: Path) -> None:
    edit(pack_copy, "questions.yaml", "weights: {engineer: {points: 3, source: own", "weights: {engineer: {points: 4.5, source: own")
    assert error_for(pack_copy).endswith("weights.engineer.points: expected a whole number, got 4.5")


def test_the_check_hint_names_the_pack_folder(pack_copy: Path) -> None:
    plant_two_problems(pack_copy)
    assert f"run 'roleadvisor check --data {pack_copy}'" in error_for(pack_copy)


def test_question_texts_fit_an_80_column_terminal(pack: Pack) -> None:
    for question in pack.questions:
        assert len(f"[8/8] {question.prompt}") <= 78, question.id
        assert len(f"  {question.help}") <= 78, question.id
        assert all(len(f" » ○ {choice.label}") <= 78 for choice in question.choices), question.id


def test_a_control_character_in_pack_text_is_refused(pack_copy: Path) -> None:
    """An escape sequence in a title would reach the terminal as it is."""
    edit(pack_copy, "roles.yaml", "title: AI Engineer\n", 'title: "AI \\e[31mEngineer"\n')
    assert error_for(pack_copy) == "roles.yaml: roles[1].title: control character U+001B in text"


def test_a_title_that_names_another_role_is_a_problem(pack_copy: Path) -> None:
    """Roles are found by id, alias or title: one name must not reach two roles."""
    edit(pack_copy, "roles.yaml", "title: AI Engineer\n", "title: AI Developer\n")
    problems = [str(p) for p in read_pack(pack_copy).problems]
    assert problems == ["roles.yaml: roles[1]: 'ai developer' already names role 'developer' (ids, titles and aliases must differ)"]
