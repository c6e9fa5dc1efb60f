"""Every sentence of the seed page's comparison content is reachable from some command."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roleadvisor.cli import app

SEED = (Path(__file__).parent / "seed" / "ai-developer-vs-ai-engineer.txt").read_text().splitlines()


def seed_between(start: str, end: str) -> list[str]:
    first = SEED.index(start)
    last = SEED.index(end, first)
    return [line.strip() for line in SEED[first + 1 : last] if line.strip()]


def seed_sentences() -> list[str]:
    """Table cells, bullets, definitions, cards, courses, career advice and FAQ answers."""
    sentences: list[str] = []
    for line in SEED:
        if line.startswith("| ") and "---" not in line and not line.startswith("| Factor"):
            sentences += [cell.strip() for cell in line.strip("|").split("|")]
        elif line.startswith("- "):
            sentences.append(line[2:])
    sentences += seed_between("Main takeaway", "Best fit when")
    sentences += seed_between("Recommended direction", "How To Choose")
    sentences += [s for s in seed_between("These cards focus on the real trade-offs: project style, learning depth, and where each path is most likely to take you next.", "Where the Confusion Comes From") if not s.startswith("- ")]
    sentences += seed_between("These are the most common reasons people mix these up when they first start comparing them.", "Definitions")
    sentences += [line for line in SEED if line.startswith(("An AI Developer builds applications", "An AI Engineer designs"))]
    sentences += [line for line in SEED if line.startswith(("You want a practical entry point", "You want to work closer to architecture"))]
    faq = seed_between("These answers are written to resolve common decision friction without turning the page into a full course replacement.", "Author and Review")
    sentences += faq  # questions and answers alternate
    goals = [line for line in SEED if line.startswith(("Start as an AI Developer", "Start with practical AI", "Use an AI engineering roadmap", "Build a few AI applications first"))]
    sentences += goals
    sentences += [line for line in SEED if line.startswith(("Students and career switchers who want", "Learners who want stronger depth"))]
    sentences += [line.split("Explore")[0] for line in SEED if line.startswith(("I am a student", "I am a software developer", "I want to own reliable", "I am confused between"))]
    return [s for s in dict.fromkeys(sentences) if s]


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().rstrip("?").lower()


@pytest.fixture(scope="module")
def everything_the_commands_print() -> str:
    runner = CliRunner()
    outputs = [
        runner.invoke(app, args).stdout
        for args in (
            ["compare", "--section", "all", "-f", "json"],
            ["roles", "-f", "json"],
            ["courses", "-f", "json"],
            ["guide", "-f", "json"],
            ["faq", "-f", "json"],
        )
    ]
    texts: list[str] = []

    def collect(value: object) -> None:
        if isinstance(value, str):
            texts.append(normalise(value))
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    for output in outputs:
        collect(json.loads(output))
    return "\n".join(texts)


def test_the_seed_yields_enough_sentences_to_check() -> None:
    assert len(seed_sentences()) > 90


@pytest.mark.parametrize("sentence", seed_sentences())
def test_seed_sentence_is_reachable(sentence: str, everything_the_commands_print: str) -> None:
    assert normalise(sentence) in everything_the_commands_print
