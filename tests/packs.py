"""Generated packs of any size, for tests and the scaling benchmark (benchmarks/run.py imports this file too, so
it needs nothing beyond roleadvisor's own dependencies)."""

from __future__ import annotations

import random
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml


def pack_documents(
    roles: int = 2,
    questions: int = 4,
    choices: int = 5,
    multi: int = 0,
    chain: int = 0,
    weighted: int = 3,
    seed: int = 0,
    ticked: int = 6,
) -> dict[str, dict[str, object]]:
    """The four files of a pack: `questions` one-choice questions of `choices` choices, `multi` multi-choice
    questions of 20 choices (1 to `ticked` ticked), and a gate question whose `b` reveals `chain` questions of 10
    choices. Each choice gives 1 to 5 points to `weighted` roles (one of 16 weightings drawn at random)."""
    rng = random.Random(seed)
    role_ids = [f"r{i}" for i in range(roles)]

    def question(question_id: str, count: int, **extra: object) -> dict[str, object]:
        listed = [{"id": f"c{j}", "label": f"Choice {j}", "weights": weights()} for j in range(count)]
        return {"id": question_id, "prompt": f"Question {question_id}?", "choices": listed, **extra}

    def weighting() -> dict[str, object]:
        return {role: {"points": rng.randint(1, 5), "source": "card"} for role in rng.sample(role_ids, min(weighted, roles))}

    # A few weightings shared by every choice: YAML writes them once (an anchor) and refers to them (aliases), so
    # a pack where every choice weights 50 roles still fits the loader's 1 MiB per file.
    pool = [weighting() for _ in range(16)]

    def weights() -> dict[str, object]:
        return rng.choice(pool)

    listed = [question(f"q{i}", choices) for i in range(questions)]
    listed += [question(f"m{i}", 20, kind="many", min=1, max=ticked) for i in range(multi)]
    if chain:
        listed.append({"id": "gate", "prompt": "Gate?", "choices": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}]})
        listed += [question(f"v{i}", 10, when={"question": "gate", "in": ["b"]}) for i in range(chain)]
    return {
        "roles.yaml": {"roles": [{"id": r, "title": f"Role {r}", "definition": "d", "best_fit_when": "b"} for r in role_ids], "factors": []},
        "guide.yaml": {
            "quick_take": {"summary": "s", "main_takeaway": "m", "recommended_direction": "r"},
            "cards": [{"id": "card", "title": "Card", "favours": role_ids[0], "bullets": ["x"]}],
        },
        "questions.yaml": {"questions": listed},
        "courses.yaml": {"courses": [{"id": "course", "title": "Course", "for": "everyone"}], "next_course": [{"course": "course"}]},
    }


def write_pack_documents(folder: Path, documents: Mapping[str, object], pad_to: int = 0) -> Path:
    """The documents as YAML files in `folder`; each padded with a comment to `pad_to` bytes, since a file may
    hold no more items (aliases expanded) than it has characters."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in documents.items():
        text = yaml.safe_dump(data, sort_keys=False, default_flow_style=None)
        padding = pad_to - len(text) - 3
        (folder / name).write_text(text + (f"#{'x' * padding}\n" if padding > 0 else ""), encoding="utf-8")
    return folder


def random_answers(documents: Mapping[str, Any], rng: random.Random) -> dict[str, list[str]]:
    """A complete valid answer set for a pack made by pack_documents: the gate's `b` answers the revealed chain."""
    answers: dict[str, list[str]] = {}
    for question in documents["questions.yaml"]["questions"]:
        if "when" in question and answers.get("gate") != ["b"]:  # however it is written, the chain's `when` is gate=b
            continue
        ids = [choice["id"] for choice in question["choices"]]
        count = rng.randint(question["min"], question["max"]) if question.get("kind") == "many" else 1
        answers[question["id"]] = rng.sample(ids, count)
    return answers
