"""Test cases in a pack (cases.yaml): personas with the advice the page gives them, run by `roleadvisor check`.

Each case is a complete answer set and the advice expected for it (the role to start in and to aim for, the
course, whether the roadmap is offered), citing the page. Authors can change weights and rules and see at once
which personas they moved, as rule engines test their policies. Reading is the only I/O here.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from roleadvisor.conditions import questions_read
from roleadvisor.datafile import read_data_file
from roleadvisor.errors import AnswerError, PackError
from roleadvisor.pack import AdviceRule, Pack
from roleadvisor.safe_text import printable
from roleadvisor.scoring import scorer_for

CASES_FILE = "cases.yaml"
EXPECTATIONS = ("start", "target", "course", "roadmap")
MAX_CASES = 1_000


class Case(NamedTuple):
    id: str
    persona: str
    answers: Mapping[str, object]
    expect: Mapping[str, object]
    cites: tuple[str, ...]


class CaseResult(NamedTuple):
    """How a case fared: what it got, what differs from what it expects, and what decided it."""

    case: Case
    got: Mapping[str, object]
    failures: tuple[str, ...]  # "start: expected developer, got engineer"; or why its answers are not valid
    decided_by: str  # the rule and the answers it read, or the weights' totals

    @property
    def passed(self) -> bool:
        return not self.failures


def read_cases(folder: Path) -> tuple[Case, ...]:
    """The folder's cases, or none when it has no cases.yaml; PackError when the file cannot be used."""
    path = folder / CASES_FILE
    if not path.is_file():
        return ()
    data = read_data_file(path, PackError)
    where = printable(path)
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise PackError(f"{where}: expected a mapping with a list under 'cases'")
    if len(data["cases"]) > MAX_CASES:
        raise PackError(f"{where}: more than {MAX_CASES:,} cases")
    return tuple(_case(raw, f"{where}: cases[{i}]") for i, raw in enumerate(data["cases"]))


def _case(raw: object, where: str) -> Case:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not isinstance(raw.get("answers"), dict):
        raise PackError(f"{where}: expected a mapping with an id and answers")
    expect = raw.get("expect") or {}
    if not isinstance(expect, dict) or not set(expect) <= set(EXPECTATIONS):
        raise PackError(f"{where}.expect: expected a mapping of {', '.join(EXPECTATIONS)}")
    cites = raw.get("cites") or []
    return Case(raw["id"], str(raw.get("persona", "")), raw["answers"], expect, tuple(str(c) for c in cites))


def advice_for(pack: Pack, answers: Mapping[str, object], where: str) -> tuple[dict[str, object], str]:
    """The advice the scorer gives a complete answer set (as cases.yaml states it), and what decided it."""
    scorer = scorer_for(pack)
    chosen = pack.validated(answers, where)
    missing = scorer.missing(chosen)
    if missing:
        raise AnswerError(f"{where}: missing answers for: {', '.join(missing)}")
    shown = scorer.shown_answers(chosen)
    outcome = scorer.decide(shown)
    advice: dict[str, object] = {
        "start": pack.role_ids[outcome.start],
        "target": pack.role_ids[outcome.target],
        "course": outcome.course_id,
        "roadmap": outcome.roadmap is not None,
    }
    return advice, _decided_by(pack, shown, outcome.rule, outcome.totals)


def _decided_by(pack: Pack, shown: Mapping[str, tuple[str, ...]], rule: AdviceRule | None, totals: tuple[int, ...]) -> str:
    weights = ", ".join(f"{role} {total}" for role, total in zip(pack.role_ids, totals, strict=True))
    if rule is None:
        return f"the weights ({weights})"
    read = dict.fromkeys(questions_read(rule.when))
    answers = ", ".join(f"{q}={','.join(shown[q])}" for q in read if q in shown)
    return f"rule '{rule.id}' ({answers}); the weights: {weights}"


def run_cases(pack: Pack, cases: tuple[Case, ...]) -> tuple[CaseResult, ...]:
    return tuple(_run(pack, case) for case in cases)


def _run(pack: Pack, case: Case) -> CaseResult:
    try:
        got, decided_by = advice_for(pack, case.answers, f"case '{case.id}'")
    except AnswerError as error:
        return CaseResult(case, {}, (str(error),), "")
    failures = tuple(
        f"{key}: expected {_shown(expected)}, got {_shown(got[key])}" for key, expected in case.expect.items() if got[key] != expected
    )
    return CaseResult(case, got, failures, decided_by)


def _shown(value: object) -> str:
    return "yes" if value is True else "no" if value is False else printable(value)


class ChangedCase(NamedTuple):
    id: str
    before: Mapping[str, object]
    after: Mapping[str, object]


def changed_cases(before: Pack, after: Pack, cases: tuple[Case, ...]) -> tuple[ChangedCase, ...]:
    """The cases whose advice differs between two packs (cases whose answers either pack refuses are left out)."""
    changed = []
    for case in cases:
        try:
            old, _ = advice_for(before, case.answers, case.id)
            new, _ = advice_for(after, case.answers, case.id)
        except AnswerError:
            continue
        if old != new:
            changed.append(ChangedCase(case.id, old, new))
    return tuple(changed)
