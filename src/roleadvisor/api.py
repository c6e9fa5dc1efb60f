"""The Python API: the same pack, scorer and results the CLI uses, for notebooks, pandas and Spark jobs.

    import roleadvisor
    pack = roleadvisor.load_pack()
    result = roleadvisor.score(pack, pack.answers({"background": "student", ...}))
    result.recommendation.role, result.recommendation.target, result.next_course.title

`score_rows` takes mappings (no CSV or JSON inside), so a pandas `apply` or a Spark partition can call it on rows
as they come; each row is scored or its problems named, never raised.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import NamedTuple

from roleadvisor.check import CheckReport
from roleadvisor.engine import Result, score_answers
from roleadvisor.pack import Answers, Pack
from roleadvisor.scoring import scorer_for


def load_pack(folder: str | Path | None = None) -> Pack:
    """The content pack in `folder` (default: the shipped pack). PackError names the file, path and problem."""
    from roleadvisor.loader import load_pack as load

    return load(folder)


def score(pack: Pack, answers: Answers | Mapping[str, object]) -> Result:
    """The quiz's result for a complete answer set: where to start and aim, why, what-ifs, courses.

    `answers` is a pack.answers(...) result, or a plain mapping that is validated the same way (AnswerError).
    """
    chosen = answers if isinstance(answers, Answers) else pack.answers(answers)
    return score_answers(pack, chosen)


class RowResult(NamedTuple):
    """One row scored (`problems` empty), or why it could not be (every result field None)."""

    row: int  # its position in the rows given, from 0
    role: str | None  # the role to start in
    target: str | None  # the role to aim for
    confidence: float | None
    label: str | None
    next_course: str | None
    roadmap: str | None
    scores: Mapping[str, int] | None
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def score_rows(pack: Pack, rows: Iterable[Mapping[str, object]]) -> Iterator[RowResult]:
    """Score each mapping of question id -> answer (a choice id, choice ids separated by ';', a list of them, or
    None / NaN / '' for unanswered), lazily and in order. A row may be anything with a `get` method (a dict, a
    pandas Series). Answers to questions a row's other answers do not ask are ignored, as in the quiz; keys that
    are not question ids are ignored too. Each problem starts with the row's position, as in "row 3: ..."."""
    if isinstance(rows, (Mapping, str)):
        raise TypeError("score_rows takes an iterable of rows (a list of dicts, df.to_dict('records')), not one row")
    scorer = scorer_for(pack)
    for index, raw in enumerate(rows):
        where = f"row {index}"
        if not callable(getattr(raw, "get", None)):
            problem = f"{where}: expected a mapping of question id -> answer, got {type(raw).__name__}"
            yield RowResult(index, None, None, None, None, None, None, None, (problem,))
            continue
        scored = scorer.score_row(raw, where)
        outcome = scored.outcome
        if outcome is None:
            missing = (f"{where}: missing answers for: {', '.join(scored.missing)}",) if scored.missing else ()
            yield RowResult(index, None, None, None, None, None, None, None, (*scored.problems, *missing))
            continue
        role_ids = scorer.role_ids
        totals = dict(zip(role_ids, outcome.totals, strict=True))
        yield RowResult(
            index, role_ids[outcome.start], role_ids[outcome.target], outcome.confidence, outcome.label,
            outcome.course_id, outcome.roadmap_id, totals, (),
        )  # fmt: skip


def check_pack(folder: str | Path | None = None, against: str | Path | None = None) -> CheckReport:
    """What `roleadvisor check` reports: errors, reachability, the outcome map and the pack's cases."""
    from roleadvisor.check import check_pack as check

    return check(Path(folder) if folder is not None else None, Path(against) if against is not None else None)
