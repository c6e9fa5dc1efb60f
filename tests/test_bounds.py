"""Bounds that hold for any pack: the loader refuses packs past its documented limits in one line, and every
pack it accepts is scored and checked within limits of their own, which the results name when they cut short."""

from __future__ import annotations

import copy
import functools
import json
import random
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import roleadvisor.check as check
from packs import pack_documents, random_answers, write_pack_documents
from roleadvisor import loader
from roleadvisor.check import check_pack
from roleadvisor.check_views import render_check
from roleadvisor.cli import app
from roleadvisor.engine import alternative_answers, missing_questions, score_answers
from roleadvisor.errors import PackError
from roleadvisor.loader import load_pack
from roleadvisor.pack import Pack
from strategies import answer_sets, hostile_packs

Documents = dict[str, dict[str, Any]]


@functools.lru_cache(maxsize=32)
def generated_pack(**shape: int) -> Pack:
    with tempfile.TemporaryDirectory() as folder:
        return load_pack(write_pack_documents(Path(folder), pack_documents(**shape)))


def questions_of(documents: Documents) -> list[dict[str, Any]]:
    return documents["questions.yaml"]["questions"]  # type: ignore[no-any-return]


def many_roles(documents: Documents, count: int) -> None:
    roles = documents["roles.yaml"]["roles"]
    roles += [{"id": f"extra{i}", "title": f"Extra {i}", "definition": "d", "best_fit_when": "b"} for i in range(count - len(roles))]


def many_questions(documents: Documents, count: int) -> None:
    questions = questions_of(documents)
    questions += [{**copy.deepcopy(questions[0]), "id": f"extra{i}"} for i in range(count - len(questions))]


def many_choices(documents: Documents, count: int) -> None:
    questions_of(documents)[0]["choices"] = [{"id": f"c{j}", "label": f"Choice {j}"} for j in range(count)]


def many_answers(documents: Documents, ticked: int) -> None:
    choices = [{"id": f"c{j}", "label": f"Choice {j}"} for j in range(20)]
    questions_of(documents).append({"id": "wide", "prompt": "Which?", "kind": "many", "min": 1, "max": ticked, "choices": choices})


def nested_condition(depth: int) -> dict[str, Any]:
    condition: dict[str, Any] = {"question": "q0", "in": ["c0"]}
    for level in range(depth - 1):
        condition = {"not": condition} if level % 2 else {"all": [condition]}
    return condition


def deep_condition(documents: Documents, depth: int) -> None:
    questions_of(documents)[1]["when"] = nested_condition(depth)


def wide_condition(documents: Documents, tests: int) -> None:
    questions_of(documents)[1]["when"] = {"any": [{"question": "q0", "in": ["c0"]}] * tests}


def many_rules(documents: Documents, count: int) -> None:
    documents["courses.yaml"]["next_course"] = [{"course": "course", "when": {"recommended": "r0"}}] * (count - 1) + [{"course": "course"}]


def many_page_rules(documents: Documents, count: int) -> None:
    rule = {"id": "x", "when": {"question": "q0", "in": ["c0"]}, "start": "r0", "source": "card"}
    documents["questions.yaml"]["rules"] = [{**rule, "id": f"rule{i}"} for i in range(count)]


# (a change to a valid pack, the largest size the loader accepts, what the refusal says)
LIMITS: list[tuple[Callable[[Documents, int], None], int, str]] = [
    (many_roles, loader.MAX_ROLES, "roles.yaml: roles: 51 roles, over the limit of 50"),
    (many_questions, loader.MAX_QUESTIONS, "questions.yaml: questions: 61 questions, over the limit of 60"),
    (many_choices, loader.MAX_CHOICES, "questions.yaml: questions[0].choices: 41 choices, over the limit of 40"),
    (many_answers, 6, "questions.yaml: questions[4]: 137,979 valid answers (min 1, max 7 of 20 choices), over the limit of 100,000: lower max"),
    (deep_condition, loader.MAX_CONDITION_DEPTH, "questions.yaml: questions[1].when: conditions nested 11 deep, over the limit of 10"),
    (wide_condition, loader.MAX_CONDITION_TESTS, "questions.yaml: questions[1].when: 51 answer tests in one condition, over the limit of 50"),
    (many_rules, loader.MAX_RULES, "courses.yaml: next_course: 101 rules, over the limit of 100"),
    (many_page_rules, loader.MAX_RULES, "questions.yaml: rules: 101 rules, over the limit of 100"),
]
LIMIT_IDS = [change.__name__ for change, _, _ in LIMITS]


@pytest.mark.parametrize(("change", "largest", "refusal"), LIMITS, ids=LIMIT_IDS)
def test_a_pack_at_each_limit_loads(tmp_path: Path, change: Callable[[Documents, int], None], largest: int, refusal: str) -> None:
    documents = pack_documents(roles=2, questions=4)
    change(documents, largest)
    assert load_pack(write_pack_documents(tmp_path, documents)).questions


@pytest.mark.parametrize(("change", "largest", "refusal"), LIMITS, ids=LIMIT_IDS)
def test_a_pack_past_each_limit_is_refused_naming_the_limit(tmp_path: Path, change: Callable[[Documents, int], None], largest: int, refusal: str) -> None:
    documents = pack_documents(roles=2, questions=4)
    change(documents, largest + 1)
    with pytest.raises(PackError) as refused:
        load_pack(write_pack_documents(tmp_path, documents))
    assert str(refused.value) == refusal


# check: work limits of its own, said when they cut something short


DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def small_work(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Shrink some of check's work limits (the rest stay as shipped)."""

    def shrink(**parts: int) -> None:
        limits = dict(check.MAX_WORK)
        limits.update({part.replace("_", " "): steps for part, steps in parts.items()})
        monkeypatch.setattr(check, "MAX_WORK", limits)

    return shrink


def test_the_shipped_pack_is_checked_without_reaching_a_work_limit() -> None:
    outcomes = check_pack(DATA).pack.outcomes
    assert outcomes is not None and (outcomes.method, outcomes.cut_short) == ("exact", ())


def test_past_the_exact_count_limit_check_samples_and_says_so(small_work: Callable[..., None]) -> None:
    small_work(exact_count=1_000)
    outcomes = check_pack(DATA, sample_size=500).pack.outcomes
    assert outcomes is not None and (outcomes.method, outcomes.counted) == ("sample", 500)


def test_a_sample_cut_short_by_the_work_limit_says_how_far_it_got(small_work: Callable[..., None]) -> None:
    small_work(exact_count=1_000, sample=20_000)
    report = check_pack(DATA, sample_size=5_000)
    outcomes = report.pack.outcomes
    assert outcomes is not None and 0 < outcomes.counted < 5_000
    cut = f"the sample stopped at {outcomes.counted:,} of the 5,000 answer sets asked for"
    assert cut in outcomes.cut_short
    assert f"Note: Work limit: {cut}." in render_check(report, "text", False)
    assert cut in json.loads(render_check(report, "json", False))["outcomes"]["cut_short"]


def test_moves_cut_short_are_scaled_to_the_whole_sample(small_work: Callable[..., None]) -> None:
    small_work(exact_count=1_000, moves=200_000)
    outcomes = check_pack(DATA, sample_size=5_000, seed=1).pack.outcomes
    assert outcomes is not None and outcomes.counted == 5_000
    assert any(note.startswith("which answers one change moves was measured on the first") for note in outcomes.cut_short)
    full = check_pack(DATA).pack.outcomes
    assert full is not None
    for estimated, exact in zip(outcomes.moves, full.moves, strict=True):
        assert abs(outcomes.share(estimated.count) - full.share(exact.count)) < 0.1, estimated.id


def test_reachability_cut_short_calls_nothing_unreachable(tmp_path: Path, small_work: Callable[..., None]) -> None:
    # Six roles, so that the weights' bounds are needed; with no work for them, no role or course is ruled out.
    folder = write_pack_documents(tmp_path, pack_documents(roles=6, questions=6, weighted=6))
    small_work(exact_count=0, reachability=0)
    report = check_pack(folder, sample_size=300)
    assert report.pack.errors == ()
    assert any("roles the sample did not meet are not ruled out" in note for note in report.pack.notes)


def test_a_comparison_gives_each_pack_half_the_work(small_work: Callable[..., None]) -> None:
    small_work(exact_count=1_000, sample=40_000)
    alone = check_pack(DATA, sample_size=5_000).pack.outcomes
    compared = check_pack(DATA, against=DATA, sample_size=5_000).pack.outcomes
    assert alone is not None and compared is not None
    assert 0 < compared.counted < alone.counted


def test_a_memo_stops_taking_entries_at_its_size() -> None:
    memo: check._Memo[int, int] = check._Memo(cells=100, per_entry=10)
    for key in range(50):
        memo.keep(key, key)
    assert list(memo) == list(range(10))


@pytest.mark.parametrize(
    "shape",
    [
        {"roles": 40, "questions": 8},
        {"roles": 2, "questions": 4, "multi": 3},
        {"roles": 3, "questions": 4, "chain": 8},
        {"roles": 50, "questions": 12, "choices": 40, "weighted": 50},
    ],
    ids=["40 roles", "three 20-choice multi-choice questions", "a revealed chain of 8", "50 roles weighting every choice"],
)
def test_a_large_pack_is_checked_within_the_work_limits(tmp_path: Path, shape: dict[str, int]) -> None:
    checked = check_pack(write_pack_documents(tmp_path, pack_documents(**shape), pad_to=300_000)).pack
    assert checked.outcomes is not None
    assert checked.outcomes.counted > 0
    # A work limit may cut a part short; it never makes a role, course or roadmap unreachable on its own.
    assert all(reach.reachable or reach.kind == "role" for reach in checked.reach)


# What-ifs: scored from the totals they shift, and bounded where they reveal questions


def gated_pack(tmp_path: Path) -> Path:
    """Two roles; a gate whose `b` reveals eight questions of 10 choices that give no points, then a question
    whose other answer flips the advice."""
    documents = pack_documents(roles=2, questions=0, chain=8, weighted=0)
    questions = questions_of(documents)
    questions.append(
        {
            "id": "last",
            "prompt": "Which?",
            "choices": [
                {"id": "x", "label": "X", "weights": {"r0": {"points": 2, "source": "card"}}},
                {"id": "y", "label": "Y", "weights": {"r1": {"points": 2, "source": "card"}}},
            ],
        }
    )
    return write_pack_documents(tmp_path, documents)


def test_a_revealed_chain_past_the_limits_leaves_the_search_incomplete_but_not_empty(tmp_path: Path) -> None:
    pack = load_pack(gated_pack(tmp_path))
    result = score_answers(pack, {"gate": ("b",), **{f"v{i}": ("c0",) for i in range(8)}, "last": ("x",)})
    assert [(w.question, w.after) for w in result.what_if] == [("last", ("y",))]
    assert result.what_if_complete is True
    hidden = score_answers(pack, {"gate": ("a",), "last": ("x",)})
    # Revealing eight questions of 10 choices is 10^8 combinations, none of which changes the advice.
    assert [(w.question, w.after) for w in hidden.what_if] == [("last", ("y",))]
    assert hidden.what_if_complete is False


@settings(max_examples=60, deadline=timedelta(seconds=5), suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), shape=st.sampled_from([{"roles": 4, "questions": 3, "chain": 2}, {"roles": 3, "questions": 2, "multi": 1}, {"roles": 6, "questions": 4}]))
def test_each_plain_what_if_is_found_exactly_when_the_change_changes_the_advice(data: st.DataObject, shape: dict[str, int]) -> None:
    pack = generated_pack(**shape, seed=data.draw(st.integers(0, 5)))
    chosen = data.draw(answer_sets(pack))
    result = score_answers(pack, chosen)
    found = {(w.question, w.after) for w in result.what_if}
    before = (result.recommendation.role, result.recommendation.target)
    for question in pack.questions:
        if question.id not in result.answers:
            continue
        for _, alternative in alternative_answers(question, result.answers[question.id]):
            changed = {**result.answers, question.id: alternative}
            if missing_questions(pack, changed):
                continue  # a change that reveals questions: its answers are assumed, within limits
            after = score_answers(pack, changed, with_what_if=False).recommendation
            assert ((question.id, alternative) in found) == ((after.role, after.target) != before)


# Hostile packs: within the limits, loaded, scored and checked in bounded time; past them, refused in one line


@settings(max_examples=15, deadline=timedelta(seconds=40), suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(hostile=hostile_packs(), seed=st.integers(0, 9))
def test_a_hostile_pack_is_scored_and_checked_or_refused_in_one_line(hostile: tuple[dict[str, dict[str, object]], int, bool], seed: int) -> None:
    documents, pad_to, past_a_limit = hostile
    with tempfile.TemporaryDirectory() as folder:
        write_pack_documents(Path(folder), documents, pad_to)
        try:
            pack = load_pack(folder)
        except PackError as error:
            refused = CliRunner().invoke(app, ["check", "--data", folder])
            assert (refused.exit_code, refused.stderr.strip()) == (2, f"roleadvisor: {error}")
            # Past a limit, the limit is named (unless the file's size refuses it first, before any limit is read);
            # within them, only a file's size can refuse a pack this generator makes.
            size_refused = "too large" in str(error) or "too many items" in str(error)
            assert ("over the limit of" in str(error) or size_refused) if past_a_limit else size_refused
            event("refused")
            return
        assert not past_a_limit
        event("loaded")
        result = score_answers(pack, random_answers(documents, random.Random(seed)))
        assert result.recommendation.role in pack.role_ids
        checked = check_pack(Path(folder), sample_size=2_000).pack
        assert checked.outcomes is not None and checked.outcomes.counted > 0
