"""The compiled scorer's fast path: rows whose texts it has met are scored from remembered tables, and they get
exactly what the full check of every answer gives, for any pack."""

from __future__ import annotations

import itertools
import random
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from packs import pack_documents, random_answers, write_pack_documents
from roleadvisor.loader import load_pack
from roleadvisor.scoring import Scorer


def with_mixed_signs(documents: dict[str, dict[str, Any]], rng: random.Random) -> dict[str, dict[str, Any]]:
    """The pack with every choice's weights drawn anew, negative points among them."""
    role_ids = [role["id"] for role in documents["roles.yaml"]["roles"]]
    for question in documents["questions.yaml"]["questions"]:
        for choice in question["choices"]:
            choice["weights"] = {role: {"points": rng.randint(-20, 20), "source": "card"} for role in rng.sample(role_ids, rng.randint(0, len(role_ids)))}
    return documents


@settings(max_examples=40, deadline=None)
@given(
    roles=st.integers(1, 12),
    questions=st.integers(1, 5),
    multi=st.integers(0, 2),
    chain=st.integers(0, 3),
    seed=st.integers(0, 10_000),
)
def test_rows_met_again_score_as_the_full_check_scores_them(roles: int, questions: int, multi: int, chain: int, seed: int) -> None:
    rng = random.Random(seed)
    documents = with_mixed_signs(pack_documents(roles, questions, 4, multi, chain, seed=seed, ticked=3), rng)
    with tempfile.TemporaryDirectory() as folder:
        pack = load_pack(write_pack_documents(Path(folder), documents))
    answer_sets = [random_answers(documents, rng) for _ in range(60)]
    question_ids = [q.id for q in pack.questions]
    # As a CSV holds them: one text per question, a multi-choice's choices in any order.
    texts = [tuple(";".join(rng.sample(chosen[q], len(chosen[q]))) if q in chosen else None for q in question_ids) for chosen in answer_sets]
    scorer = Scorer(pack)
    first = [scorer.score_values(row, "row") for row in texts]
    again = [scorer.score_values(row, "row") for row in texts]  # every text, context and total met before
    # Lists are never looked up in the remembered tables: each is checked in full, by a scorer that remembers nothing.
    full = [Scorer(pack).score_row({q: list(c) for q, c in chosen.items()}, "row") for chosen in answer_sets]
    assert again == first == full
    assert all(scored.outcome is not None for scored in full)


def test_folded_points_name_their_totals() -> None:
    """Distinct totals fold to distinct numbers even with negative points and the largest totals answers reach."""
    with tempfile.TemporaryDirectory() as folder:
        documents = with_mixed_signs(pack_documents(roles=3, questions=2, choices=2), random.Random(1))
        pack = load_pack(write_pack_documents(Path(folder), documents))
    scorer = Scorer(pack)
    reach = sum(max(abs(p) for p in vector) for choices in scorer.vectors.values() for vector in choices.values())
    values = sorted({*range(-4, 5), -reach, 1 - reach, reach - 1, reach})
    totals = list(itertools.product(values, repeat=3))
    assert len({scorer.fold(each) for each in totals}) == len(totals)
