"""Hypothesis strategies: valid answer sets of a pack, hostile answers files and --answer flags, and generated packs."""

from __future__ import annotations

import random
from collections.abc import Mapping
from pathlib import Path

import yaml
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


# Hostile answers: what a stranger's answers file or --answer flag may hold


# Characters a terminal or a parser may act on: C0 and C1 controls (NUL, ESC, BEL, CR, U+0085), DEL, bidirectional
# overrides, zero widths, line separators, a byte order mark, a lone surrogate (undecodable bytes, a cut emoji).
HOSTILE_CHARACTERS = [
    "\x00", "\x07", "\x08", "\t", "\n", "\r", "\x1b", "\x7f", "\x85", "\x9b", "\u200b", "\u200f", "\u2028",
    "\u202e", "\u2066", "\ufeff", "\udcff", "\ud83d",
]  # fmt: skip
ESCAPE_SEQUENCES = ["\x1b[2J", "\x1b]0;title\x07", "\x1b]8;;http://x\x1b\\", "\x9b31m", "\x1bP+q\x1b\\"]
PUNCTUATION = ["=", ",", ";", ":", "'", '"', "\\", "-", "{", "[", "#", "&", "*", "!", "%", " "]


def hostile_texts(words: list[str]) -> st.SearchStrategy[str]:
    """Text from `words` (ids a pack knows), hostile characters, escape sequences and punctuation; sometimes one
    piece repeated to 1,000 to 1,100,000 characters (a value echoed whole would bury the message; past 1 MiB a
    file is refused for its size)."""
    piece = st.one_of(
        st.sampled_from(words), st.sampled_from(HOSTILE_CHARACTERS), st.sampled_from(ESCAPE_SEQUENCES),
        st.sampled_from(PUNCTUATION), st.text(max_size=3),
    )  # fmt: skip
    short = st.lists(piece, max_size=6).map("".join)
    long = st.builds(lambda text, length: (text * length)[:length], piece.filter(bool), st.integers(1_000, 1_100_000))
    return st.one_of(short, short, short, long)


def hostile_values(words: list[str]) -> st.SearchStrategy[object]:
    """An answer's value: text, a number (some of many digits), a boolean, nothing, or lists and mappings of them."""
    scalars = st.one_of(
        hostile_texts(words), st.integers(), st.integers(10**300, 10**301), st.floats(), st.booleans(), st.none(),
    )  # fmt: skip
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(hostile_texts(words), inner, max_size=3), max_leaves=12)


def pack_words(pack: Pack) -> list[str]:
    return sorted({question.id for question in pack.questions} | {c for q in pack.questions for c in q.choice_ids})


@st.composite
def hostile_answers(draw: st.DrawFn, pack: Pack) -> dict[str, object]:
    """An answers file's mapping: question ids and hostile keys, to valid choices and hostile values."""
    words = pack_words(pack)
    keys = st.one_of(st.sampled_from([question.id for question in pack.questions]), hostile_texts(words))
    values = st.one_of(st.sampled_from(words), hostile_values(words))
    return draw(st.dictionaries(keys, values, max_size=10))


@st.composite
def hostile_answer_flags(draw: st.DrawFn, pack: Pack) -> list[str]:
    """--answer values: QUESTION=CHOICE with hostile parts, a question twice, no '=' at all."""
    words = pack_words(pack)
    part = st.one_of(st.sampled_from(words), hostile_texts(words))
    flag = st.one_of(st.builds(lambda question, choice: f"{question}={choice}", part, part), hostile_texts(words))
    return draw(st.lists(flag, max_size=4))


# Generated packs: within the loader's limits and beyond them


def pack_documents(
    roles: int = 2, questions: int = 4, choices: int = 5, multi: int = 0, chain: int = 0, weighted: int = 3, seed: int = 0
) -> dict[str, dict[str, object]]:
    """The four files of a valid pack: `questions` one-choice questions of `choices` choices, `multi` multi-choice
    questions of 20 choices (1 to 6 ticked), and a gate question whose `b` reveals `chain` questions of 10
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
    listed += [question(f"m{i}", 20, kind="many", min=1, max=6) for i in range(multi)]
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
