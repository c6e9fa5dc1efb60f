"""Hypothesis strategies: valid answer sets of a pack, hostile answers files and --answer flags, and generated packs."""

from __future__ import annotations

from hypothesis import strategies as st

from packs import pack_documents
from roleadvisor import loader
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



# Hostile packs: generated YAML within the loader's limits and past them


@st.composite
def hostile_packs(draw: st.DrawFn) -> tuple[dict[str, dict[str, object]], int, bool]:
    """A pack's documents, the size to pad its files to (aliases may expand to as many items as a file has
    characters), and whether it goes past one of the loader's limits: many roles, questions and choices,
    multi-choice questions of 20 choices with up to 8 ticked, a revealed chain, deep and wide conditions, long
    rule lists."""
    roles = draw(st.integers(1, loader.MAX_ROLES + 2))
    multi, ticked = draw(st.integers(0, 3)), draw(st.integers(1, 8))
    chain = draw(st.integers(0, 12))
    questions = draw(st.integers(0 if multi or chain else 1, loader.MAX_QUESTIONS + 2 - multi - (chain + 1 if chain else 0)))
    choices = draw(st.integers(1, loader.MAX_CHOICES + 2))
    weighted = draw(st.integers(0, roles))
    documents = pack_documents(roles, questions, choices, multi, chain, weighted, draw(st.integers(0, 3)), ticked)
    depth, tests, rules = draw(st.integers(1, loader.MAX_CONDITION_DEPTH + 2)), draw(st.integers(1, loader.MAX_CONDITION_TESTS + 2)), draw(st.integers(1, loader.MAX_RULES + 2))
    if chain:
        _nest_the_gate(documents, depth, tests)
    documents["courses.yaml"]["next_course"] = [{"course": "course", "when": {"recommended": f"r{i % roles}"}} for i in range(rules - 1)] + [{"course": "course"}]
    total = questions + multi + (chain + 1 if chain else 0)
    past = (
        roles > loader.MAX_ROLES
        or total > loader.MAX_QUESTIONS
        or (questions > 0 and choices > loader.MAX_CHOICES)
        or (multi > 0 and ticked > 6)  # 20 choices, 7 ticked: 137,979 answers
        or (chain > 0 and (depth > loader.MAX_CONDITION_DEPTH or tests > loader.MAX_CONDITION_TESTS))
        or rules > loader.MAX_RULES
    )
    return documents, draw(st.sampled_from([0, 300_000, 1_000_000])), past


def _nest_the_gate(documents: dict[str, dict[str, object]], depth: int, tests: int) -> None:
    """The chain's `when`, as `tests` copies of the gate's test in an `any`, nested in `all` to `depth` levels."""
    condition: dict[str, object] = {"question": "gate", "in": ["b"]}
    if tests > 1:
        condition = {"any": [condition] * tests}
    for _ in range(depth - (2 if tests > 1 else 1)):
        condition = {"all": [condition]}
    for question in documents["questions.yaml"]["questions"]:  # type: ignore[attr-defined]
        if "when" in question:
            question["when"] = condition
