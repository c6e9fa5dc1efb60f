"""Hypothesis strategies: valid answer sets of a pack, hostile answers files and --answer flags, and generated packs."""

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

