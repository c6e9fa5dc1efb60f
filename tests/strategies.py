"""Hypothesis strategies for valid answer sets of a pack."""

from __future__ import annotations

from hypothesis import strategies as st

from roleadvisor.conditions import holds
from roleadvisor.pack import Pack
from roleadvisor.scoring import answer_options


@st.composite
def answer_sets(draw: st.DrawFn, pack: Pack) -> dict[str, tuple[str, ...]]:
    """A complete valid answer set: every shown question answered, hidden ones left out."""
    answers: dict[str, tuple[str, ...]] = {}
    for question in pack.questions:
        if question.when is None or holds(question.when, answers):
            answers[question.id] = draw(st.sampled_from(list(answer_options(question))))
    return answers
