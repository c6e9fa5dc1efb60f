"""Pack folder -> validated, immutable models.

The four YAML files are parsed, or their data taken from the cache while it was parsed from the very
same bytes (pack_cache.py); either way the same checks below build the models.

Two kinds of trouble are told apart:
- structural errors (a missing file, bad YAML, a wrong type, a missing or unknown key) stop the
  load at once with a PackError naming the file, the YAML path and, for syntax errors, the line;
- problems (an unknown role, card, question or course referenced, a duplicate id, limits that
  cannot be met) are collected, so `roleadvisor check` can list them all; `load_pack` refuses a
  pack that has any.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any, NamedTuple

from roleadvisor import pack_cache
from roleadvisor.datafile import parse_data, read_bytes
from roleadvisor.errors import PackError
from roleadvisor.pack import (
    AdviceNotes,
    AdviceRule,
    AllOf,
    AnswerIn,
    AnyOf,
    Card,
    CareerGoal,
    Choice,
    Condition,
    ConfidenceLabel,
    Course,
    Factor,
    FaqEntry,
    Item,
    Not,
    Note,
    Pack,
    Question,
    QuickTake,
    Recommended,
    Role,
    Rule,
    Source,
    Target,
    Weight,
)
from roleadvisor.safe_text import CONTROL_CHARACTERS, printable

PACK_FILES = ("roles.yaml", "guide.yaml", "questions.yaml", "courses.yaml")
DATA_ENV = "ROLEADVISOR_DATA"
MAX_POINTS = 1000  # a weight beyond this is a typo, not a judgement
# Limits that keep every command's cost bounded for any pack (see "The content pack" in the README). Each is
# several times what a real pack needs; the scaling benchmark (benchmarks/run.py --only scaling) measures them.
MAX_ROLES = 50
MAX_QUESTIONS = 60
MAX_CHOICES = 40  # per question
MAX_ANSWERS = 100_000  # valid answers to one question (a multi-choice question's choices, min and max)
MAX_RULES = 100  # per rule list: the page's rules, next_course, roadmap
MAX_CONDITION_TESTS = 50  # answer tests in one `when`
MAX_CONDITION_DEPTH = 10  # levels of all / any / not in one `when`
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class Problem(NamedTuple):
    """A pack problem found after the files parsed: where it is and what is wrong."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path}: {self.message}"


class PackReading(NamedTuple):
    pack: Pack
    problems: tuple[Problem, ...]


def default_data_dir() -> Path:
    """ROLEADVISOR_DATA if set; else the pack inside the installed package, else the repo's data/."""
    override = os.environ.get(DATA_ENV)
    if override:
        return Path(override)
    here = Path(__file__).resolve().parent
    installed = here / "data"
    return installed if installed.is_dir() else here.parents[1] / "data"


def load_pack(directory: Path | str | None = None, *, use_parsed: bool = True) -> Pack:
    """Read and validate a pack; raise PackError for the first problem of any kind."""
    return pack_or_first_problem(read_pack(directory, use_parsed=use_parsed), directory)


def pack_or_first_problem(reading: PackReading, directory: Path | str | None) -> Pack:
    """The pack, or a PackError naming its first problem and how many more `roleadvisor check` would list."""
    if reading.problems:
        extra = len(reading.problems) - 1
        check = "roleadvisor check" if directory is None else f"roleadvisor check --data {printable(directory)}"
        more = f" (and {extra} more; run '{check}')" if extra else ""
        raise PackError(f"{reading.problems[0]}{more}")
    return reading.pack


def content_of(pack: Pack) -> tuple[object, ...]:
    """Everything a pack holds except the folder it was read from: equal for packs that say the same."""
    return tuple(getattr(pack, f.name) for f in fields(pack) if f.name != "source")


def read_pack(directory: Path | str | None = None, *, use_parsed: bool = True) -> PackReading:
    """Read a pack, raising PackError on structural errors and returning its problems.

    use_parsed=False parses the YAML even where the cache holds its data (and refreshes the cache).
    """
    folder = pack_folder(directory)
    return pack_from_documents(folder, read_documents(folder, use_parsed))


def pack_folder(directory: Path | str | None) -> Path:
    """The folder `directory` names (default: the shipped pack); PackError unless it is a folder."""
    folder = Path(directory) if directory is not None else default_data_dir()
    if not folder.is_dir():
        shown = printable(folder)
        raise PackError(f"{shown}: is not a pack folder" if folder.exists() else f"{shown}: pack folder not found")
    return folder


def read_documents(folder: Path, use_parsed: bool = True) -> dict[str, object]:
    """Each pack file's data: from the cache when it was parsed from these very bytes, else parsed (and cached)."""
    raw = read_pack_files(folder)
    cached = pack_cache.cached_documents(folder, raw) if use_parsed else None
    if cached is not None:
        return cached
    documents = parse_pack_files(folder, raw)
    pack_cache.store(folder, raw, documents)
    return documents


def read_pack_files(folder: Path) -> dict[str, bytes]:
    """The bytes of each pack file, by name."""
    return {name: read_pack_file(folder / name) for name in PACK_FILES}


def parse_pack_files(folder: Path, raw: Mapping[str, bytes]) -> dict[str, object]:
    """The data in each pack file's bytes (YAML), by name."""
    return {name: parse_data(content, folder / name, PackError) for name, content in raw.items()}


def read_pack_file(path: Path) -> bytes:
    """A pack file's bytes. Only plain files (or links to them): a pipe or a terminal would block the read."""
    if path.exists() and not path.is_file():
        raise PackError(f"{printable(path)}: not a plain file")
    return read_bytes(path, PackError)


def pack_from_documents(folder: Path, documents: Mapping[str, object]) -> PackReading:
    """Build and check a pack from each file's parsed data (as read_documents gives it)."""
    builder = _PackBuilder(folder)
    return PackReading(builder.build(documents), tuple(builder.problems))


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    return {dict: "a mapping", list: "a list", str: "text", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )


def _shown(value: object) -> str:
    """A value from a pack in a message: text quoted, anything else as Python writes it; escaped and shortened."""
    return printable(value, quote=True) if isinstance(value, str) else printable(repr(value))


class _File:
    """One pack file being read: raises PackError for structure, records problems for meaning."""

    def __init__(self, folder: Path, name: str, data: object, problems: list[Problem]) -> None:
        self.name = name
        self.problems = problems
        if not isinstance(data, dict):
            raise PackError(f"{printable(folder / name)}: expected a mapping at the top, got {_kind(data)}")
        self.data: dict[str, Any] = data

    def fail(self, path: str, message: str) -> PackError:
        return PackError(f"{self.name}: {path}: {message}")

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.name, path, message))

    def mapping(self, value: object, path: str, required: Iterable[str], optional: Iterable[str] = ()) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"expected a mapping, got {_kind(value)}")
        required = tuple(required)
        allowed = set(required) | set(optional)
        # Unknown keys first: a misspelt key explains the "missing" one it was meant to be.
        for key in value:
            if key not in allowed:
                raise self.fail(path, f"unknown key {printable(key, quote=True)} (expected: {', '.join(sorted(allowed))})")
        for key in required:
            if key not in value:
                raise self.fail(path, f"missing key '{key}'")
        return value

    def keyed(self, value: object, path: str) -> dict[str, Any]:
        """A mapping whose keys are ids chosen by the author (role ids, for example)."""
        if not isinstance(value, dict):
            raise self.fail(path, f"expected a mapping, got {_kind(value)}")
        return {str(key): item for key, item in value.items()}

    def sequence(self, value: object, path: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(path, f"expected a list, got {_kind(value)}")
        return value

    def text(self, value: object, path: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, f"expected text, got {_kind(value)}")
        text = " ".join(value.split())
        # An escape sequence in pack text would reach the terminal and could redraw or recolour it.
        control = CONTROL_CHARACTERS.search(text)
        if control:
            raise self.fail(path, f"control character U+{ord(control.group()):04X} in text")
        return text

    def identifier(self, value: object, path: str) -> str:
        if isinstance(value, bool):
            word = "yes" if value else "no"
            raise self.fail(path, f"expected an id, got {_kind(value)} (write it in quotes: \"{word}\")")
        if not isinstance(value, str) or not _ID.match(value):
            raise self.fail(path, f"expected an id of lower-case letters, digits, '-' or '_', got {_shown(value)}")
        return value

    def integer(self, value: object, path: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            got = repr(value) if isinstance(value, float) else _kind(value)
            raise self.fail(path, f"expected a whole number, got {got}")
        return value

    def number(self, value: object, path: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(path, f"expected a number, got {_kind(value)}")
        if isinstance(value, int) and abs(value) > 10**15:
            raise self.fail(path, "expected a number, got one too large to use")
        if isinstance(value, float) and not math.isfinite(value):
            raise self.fail(path, f"expected a finite number, got {value}")
        return float(value)

    def limited(self, value: object, path: str, what: str, limit: int) -> list[Any]:
        """A list of at most `limit` items; a longer one stops the load (its cost, not its meaning, is wrong)."""
        items = self.sequence(value, path)
        if len(items) > limit:
            raise self.fail(path, f"{len(items):,} {what}, over the limit of {limit:,}")
        return items

    def texts(self, value: object, path: str) -> tuple[str, ...]:
        return tuple(self.text(item, f"{path}[{i}]") for i, item in enumerate(self.sequence(value, path)))

    def unique(self, ids: Iterable[str], path: str, what: str) -> None:
        seen: set[str] = set()
        for i, item_id in enumerate(ids):
            if item_id in seen:
                self.problem(f"{path}[{i}].id", f"duplicate {what} id '{item_id}'")
            seen.add(item_id)

    def reference(self, value: str, known: Iterable[str], path: str, what: str) -> None:
        known = tuple(known)
        if value not in known:
            self.problem(path, f"unknown {what} {printable(value, quote=True)} (known: {', '.join(known) or 'none'})")


class _PackBuilder:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.problems: list[Problem] = []

    def build(self, documents: Mapping[str, object]) -> Pack:
        roles_file = _File(self.folder, "roles.yaml", documents["roles.yaml"], self.problems)
        roles, factors = self._roles(roles_file)
        role_ids = [role.id for role in roles]
        guide = _File(self.folder, "guide.yaml", documents["guide.yaml"], self.problems)
        quick_take, cards, confusion, goals, faq = self._guide(guide, role_ids)
        sources = self._sources(guide, cards)
        source_ids = [source.id for source in sources]
        notes = self._advice_notes(guide, source_ids)
        questions_file = _File(self.folder, "questions.yaml", documents["questions.yaml"], self.problems)
        tie_break, labels, questions = self._questions(questions_file, role_ids, source_ids)
        advice_rules = self._advice_rules(questions_file, role_ids, source_ids, questions)
        courses_file = _File(self.folder, "courses.yaml", documents["courses.yaml"], self.problems)
        courses, roadmaps, course_rules, roadmap_rules = self._courses(courses_file, role_ids, questions, source_ids)
        step_ids = [course.id for course in courses + roadmaps]
        for i, goal in enumerate(goals):
            guide.reference(goal.next_step, step_ids, f"career_goals[{i}].next_step", "course or roadmap")
        return Pack(
            source=str(self.folder),
            roles=roles,
            factors=factors,
            quick_take=quick_take,
            cards=cards,
            confusion=confusion,
            career_goals=goals,
            faq=faq,
            courses=courses,
            roadmaps=roadmaps,
            course_rules=course_rules,
            roadmap_rules=roadmap_rules,
            questions=questions,
            tie_break=tie_break,
            confidence_labels=labels,
            sources=sources,
            advice_rules=advice_rules,
            advice_notes=notes,
        )

    # roles.yaml
    def _roles(self, f: _File) -> tuple[tuple[Role, ...], tuple[Factor, ...]]:
        top = f.mapping(f.data, "(top)", ["roles", "factors"])
        roles = []
        for i, raw in enumerate(f.limited(top["roles"], "roles", "roles", MAX_ROLES)):
            path = f"roles[{i}]"
            m = f.mapping(raw, path, ["id", "title", "definition", "best_fit_when"], ["aliases", "skills", "tools", "projects"])
            aliases = tuple(f.text(a, f"{path}.aliases[{j}]").lower() for j, a in enumerate(f.sequence(m.get("aliases", []), f"{path}.aliases")))
            roles.append(
                Role(
                    id=f.identifier(m["id"], f"{path}.id"),
                    title=f.text(m["title"], f"{path}.title"),
                    aliases=aliases,
                    definition=f.text(m["definition"], f"{path}.definition"),
                    best_fit_when=f.text(m["best_fit_when"], f"{path}.best_fit_when"),
                    skills=self._items(f, m.get("skills", []), f"{path}.skills"),
                    tools=self._items(f, m.get("tools", []), f"{path}.tools"),
                    projects=self._items(f, m.get("projects", []), f"{path}.projects"),
                )
            )
        if not roles:
            f.problem("roles", "a pack needs at least one role")
        f.unique((role.id for role in roles), "roles", "role")
        self._check_aliases(f, roles)
        role_ids = [role.id for role in roles]
        factors = []
        for i, raw in enumerate(f.sequence(top["factors"], "factors")):
            path = f"factors[{i}]"
            m = f.mapping(raw, path, ["id", "name", "values"])
            values = {}
            for role_id, text in f.keyed(m["values"], f"{path}.values").items():
                f.reference(role_id, role_ids, f"{path}.values.{printable(role_id)}", "role")
                values[role_id] = f.text(text, f"{path}.values.{printable(role_id)}")
            for role_id in role_ids:
                if role_id not in values:
                    f.problem(f"{path}.values", f"no text for role '{role_id}'")
            factors.append(Factor(f.identifier(m["id"], f"{path}.id"), f.text(m["name"], f"{path}.name"), values))
        f.unique((factor.id for factor in factors), "factors", "factor")
        return tuple(roles), tuple(factors)

    def _items(self, f: _File, value: object, path: str) -> tuple[Item, ...]:
        items = []
        for i, raw in enumerate(f.sequence(value, path)):
            m = f.mapping(raw, f"{path}[{i}]", ["id", "text"])
            items.append(Item(f.identifier(m["id"], f"{path}[{i}].id"), f.text(m["text"], f"{path}[{i}].text")))
        f.unique((item.id for item in items), path, "item")
        return tuple(items)

    def _check_aliases(self, f: _File, roles: list[Role]) -> None:
        owner: dict[str, str] = {}
        for i, role in enumerate(roles):
            # Roles are found by id, alias or title in any case, so none of these may name two roles.
            for name in dict.fromkeys((role.id, role.title.lower(), *role.aliases)):
                if owner.setdefault(name, role.id) != role.id:
                    f.problem(f"roles[{i}]", f"'{name}' already names role '{owner[name]}' (ids, titles and aliases must differ)")

    # guide.yaml
    def _guide(self, f: _File, role_ids: list[str]) -> tuple[QuickTake, tuple[Card, ...], tuple[Note, ...], tuple[CareerGoal, ...], tuple[FaqEntry, ...]]:
        top = f.mapping(f.data, "(top)", ["quick_take", "cards"], ["confusion", "career_goals", "faq", "sources", "advice_notes"])
        qt = f.mapping(top["quick_take"], "quick_take", ["summary", "main_takeaway", "recommended_direction"])
        quick_take = QuickTake(
            f.text(qt["summary"], "quick_take.summary"),
            f.text(qt["main_takeaway"], "quick_take.main_takeaway"),
            f.text(qt["recommended_direction"], "quick_take.recommended_direction"),
        )
        cards = []
        for i, raw in enumerate(f.sequence(top["cards"], "cards")):
            path = f"cards[{i}]"
            m = f.mapping(raw, path, ["id", "title", "favours", "bullets"])
            favours = f.identifier(m["favours"], f"{path}.favours")
            f.reference(favours, role_ids, f"{path}.favours", "role")
            cards.append(Card(f.identifier(m["id"], f"{path}.id"), f.text(m["title"], f"{path}.title"), favours, f.texts(m["bullets"], f"{path}.bullets")))
        f.unique((card.id for card in cards), "cards", "card")
        confusion = []
        for i, raw in enumerate(f.sequence(top.get("confusion", []), "confusion")):
            m = f.mapping(raw, f"confusion[{i}]", ["id", "text"])
            confusion.append(Note(f.identifier(m["id"], f"confusion[{i}].id"), f.text(m["text"], f"confusion[{i}].text")))
        f.unique((note.id for note in confusion), "confusion", "confusion point")
        goals = []
        for i, raw in enumerate(f.sequence(top.get("career_goals", []), "career_goals")):
            path = f"career_goals[{i}]"
            m = f.mapping(raw, path, ["id", "goal", "advice", "role", "next_step"])
            role = f.identifier(m["role"], f"{path}.role")
            f.reference(role, role_ids, f"{path}.role", "role")
            goals.append(
                CareerGoal(
                    f.identifier(m["id"], f"{path}.id"),
                    f.text(m["goal"], f"{path}.goal"),
                    f.text(m["advice"], f"{path}.advice"),
                    role,
                    f.identifier(m["next_step"], f"{path}.next_step"),
                )
            )
        f.unique((goal.id for goal in goals), "career_goals", "career goal")
        faq = []
        for i, raw in enumerate(f.sequence(top.get("faq", []), "faq")):
            m = f.mapping(raw, f"faq[{i}]", ["id", "question", "answer"])
            faq.append(FaqEntry(f.identifier(m["id"], f"faq[{i}].id"), f.text(m["question"], f"faq[{i}].question"), f.text(m["answer"], f"faq[{i}].answer")))
        f.unique((entry.id for entry in faq), "faq", "FAQ")
        return quick_take, tuple(cards), tuple(confusion), tuple(goals), tuple(faq)

    def _sources(self, f: _File, cards: tuple[Card, ...]) -> tuple[Source, ...]:
        """The page's sentences advice may cite: each card's title (by the card's id), then `sources`."""
        sources = [Source(card.id, "How To Choose", card.title) for card in cards]
        for i, raw in enumerate(f.sequence(f.data.get("sources", []), "sources")):
            path = f"sources[{i}]"
            m = f.mapping(raw, path, ["id", "section", "text"])
            sources.append(Source(f.identifier(m["id"], f"{path}.id"), f.text(m["section"], f"{path}.section"), f.text(m["text"], f"{path}.text")))
        f.unique((source.id for source in sources[len(cards) :]), "sources", "source")
        for i, source in enumerate(sources[len(cards) :]):
            if any(card.id == source.id for card in cards):
                f.problem(f"sources[{i}].id", f"'{source.id}' is already a card id (a card's title is cited by its id)")
        return tuple(sources)

    def _advice_notes(self, f: _File, source_ids: list[str]) -> AdviceNotes:
        m = f.mapping(f.data.get("advice_notes", {}), "advice_notes", [], AdviceNotes._fields)
        for key, value in m.items():
            f.reference(f.identifier(value, f"advice_notes.{key}"), source_ids, f"advice_notes.{key}", "source")
        return AdviceNotes(**{key: str(value) for key, value in m.items()})

    def _advice_rules(self, f: _File, role_ids: list[str], source_ids: list[str], questions: tuple[Question, ...]) -> tuple[AdviceRule, ...]:
        rules = []
        for i, raw in enumerate(f.limited(f.data.get("rules", []), "rules", "rules", MAX_RULES)):
            path = f"rules[{i}]"
            m = f.mapping(raw, path, ["id", "when", "start", "source"], ["target", "aim_source"])
            start = f.identifier(m["start"], f"{path}.start")
            f.reference(start, role_ids, f"{path}.start", "role")
            target = f.identifier(m["target"], f"{path}.target") if "target" in m else None
            if target is not None:
                f.reference(target, role_ids, f"{path}.target", "role")
            source = f.identifier(m["source"], f"{path}.source")
            f.reference(source, source_ids, f"{path}.source", "source")
            aim_source = f.identifier(m["aim_source"], f"{path}.aim_source") if "aim_source" in m else None
            if aim_source is not None:
                f.reference(aim_source, source_ids, f"{path}.aim_source", "source")
            when = self._when(f, m["when"], f"{path}.when", list(questions), None, allow_recommended=False)
            rules.append(AdviceRule(f.identifier(m["id"], f"{path}.id"), when, start, target, source, aim_source))
        f.unique((rule.id for rule in rules), "rules", "rule")
        return tuple(rules)

    # questions.yaml
    def _questions(self, f: _File, role_ids: list[str], source_ids: list[str]) -> tuple[tuple[str, ...], tuple[ConfidenceLabel, ...], tuple[Question, ...]]:
        top = f.mapping(f.data, "(top)", ["questions"], ["tie_break", "confidence_labels", "rules"])
        tie_break = tuple(f.identifier(r, f"tie_break[{i}]") for i, r in enumerate(f.sequence(top.get("tie_break", list(role_ids)), "tie_break")))
        for i, role_id in enumerate(tie_break):
            f.reference(role_id, role_ids, f"tie_break[{i}]", "role")
        if sorted(tie_break) != sorted(role_ids):
            f.problem("tie_break", f"must list every role exactly once ({', '.join(role_ids)})")
        labels = []
        default_labels = [{"min": 0.0, "label": "close call"}]
        for i, raw in enumerate(f.sequence(top.get("confidence_labels", default_labels), "confidence_labels")):
            m = f.mapping(raw, f"confidence_labels[{i}]", ["min", "label"])
            labels.append(ConfidenceLabel(f.number(m["min"], f"confidence_labels[{i}].min"), f.text(m["label"], f"confidence_labels[{i}].label")))
        labels.sort(key=lambda label: -label.min_confidence)
        if not labels or labels[-1].min_confidence > 0:
            f.problem("confidence_labels", "needs a label with min 0 so every result gets one")
        questions: list[Question] = []
        for i, raw in enumerate(f.limited(top["questions"], "questions", "questions", MAX_QUESTIONS)):
            questions.append(self._question(f, raw, f"questions[{i}]", role_ids, source_ids, questions))
        f.unique((q.id for q in questions), "questions", "question")
        return tie_break, tuple(labels), tuple(questions)

    def _question(self, f: _File, raw: object, path: str, role_ids: list[str], source_ids: list[str], earlier: list[Question]) -> Question:
        m = f.mapping(raw, path, ["id", "prompt", "choices"], ["help", "kind", "min", "max", "when", "asks"])
        kind = m.get("kind", "one")
        if kind not in ("one", "many"):
            raise f.fail(f"{path}.kind", f"expected 'one' or 'many', got {_shown(kind)}")
        asks = m.get("asks", "wish")
        if asks not in ("fact", "wish"):
            raise f.fail(f"{path}.asks", f"expected 'fact' or 'wish', got {_shown(asks)}")
        choices = []
        for j, raw_choice in enumerate(f.limited(m["choices"], f"{path}.choices", "choices", MAX_CHOICES)):
            cpath = f"{path}.choices[{j}]"
            c = f.mapping(raw_choice, cpath, ["id", "label"], ["weights", "once"])
            weights = []
            for role_id, raw_weight in f.keyed(c.get("weights") or {}, f"{cpath}.weights").items():
                wpath = f"{cpath}.weights.{printable(role_id)}"
                # `card` is the older spelling: a card's id names its title as a source.
                older = isinstance(raw_weight, dict) and "card" in raw_weight and "source" not in raw_weight
                cites = "card" if older else "source"
                w = f.mapping(raw_weight, wpath, ["points", cites])
                source = f.identifier(w[cites], f"{wpath}.{cites}")
                f.reference(str(role_id), role_ids, wpath, "role")
                f.reference(source, source_ids, f"{wpath}.{cites}", "source")
                points = f.integer(w["points"], f"{wpath}.points")
                if abs(points) > MAX_POINTS:
                    f.problem(f"{wpath}.points", f"{points} is outside -{MAX_POINTS}..{MAX_POINTS}")
                weights.append(Weight(str(role_id), points, source))
            once = f.text(c["once"], f"{cpath}.once") if "once" in c else ""
            choices.append(Choice(f.identifier(c["id"], f"{cpath}.id"), f.text(c["label"], f"{cpath}.label"), tuple(weights), once))
        f.unique((c.id for c in choices), f"{path}.choices", "choice")
        if not choices:
            f.problem(f"{path}.choices", "a question needs at least one choice")
        multiple = kind == "many"
        low, high = self._choice_limits(f, m, path, multiple, len(choices))
        when = self._when(f, m["when"], f"{path}.when", earlier, None, allow_recommended=False) if "when" in m else None
        return Question(
            id=f.identifier(m["id"], f"{path}.id"),
            prompt=f.text(m["prompt"], f"{path}.prompt"),
            help=f.text(m["help"], f"{path}.help") if "help" in m else "",
            multiple=multiple,
            min_choices=low,
            max_choices=high,
            when=when,
            choices=tuple(choices),
            fact=asks == "fact",
        )

    def _choice_limits(self, f: _File, m: dict[str, Any], path: str, multiple: bool, count: int) -> tuple[int, int]:
        """A question's min and max choices: ones that can be met, and at most MAX_ANSWERS valid answers."""
        low = f.integer(m.get("min", 1), f"{path}.min")
        high = f.integer(m.get("max", count if multiple else 1), f"{path}.max")
        if not multiple and ("min" in m or "max" in m):
            f.problem(path, "min and max apply only to kind: many")
        if low < 1 or low > high or high > count:
            f.problem(path, f"choice limits cannot be met: min {low}, max {high}, {count} choices")
        elif multiple and (answers := answer_count(count, low, high)) > MAX_ANSWERS:
            raise f.fail(path, f"{answers:,} valid answers (min {low}, max {high} of {count} choices), over the limit of {MAX_ANSWERS:,}: lower max")
        return low, high

    def _when(self, f: _File, raw: object, path: str, questions: list[Question], role_ids: list[str] | None, allow_recommended: bool) -> Condition:
        """A whole `when`, within the limits on its size and nesting (every row and what-if evaluates it)."""
        condition = self._condition(f, raw, path, questions, role_ids, allow_recommended)
        depth, tests = condition_size(condition)
        if depth > MAX_CONDITION_DEPTH:
            raise f.fail(path, f"conditions nested {depth} deep, over the limit of {MAX_CONDITION_DEPTH}")
        if tests > MAX_CONDITION_TESTS:
            raise f.fail(path, f"{tests} answer tests in one condition, over the limit of {MAX_CONDITION_TESTS}")
        return condition

    def _condition(self, f: _File, raw: object, path: str, questions: list[Question], role_ids: list[str] | None, allow_recommended: bool) -> Condition:
        if not isinstance(raw, dict):
            raise f.fail(path, f"expected a condition mapping, got {_kind(raw)}")
        if "question" in raw:
            m = f.mapping(raw, path, ["question", "in"])
            question_id = f.identifier(m["question"], f"{path}.question")
            raw_in = m["in"] if isinstance(m["in"], list) else [m["in"]]
            choices = tuple(f.identifier(c, f"{path}.in[{i}]") for i, c in enumerate(raw_in))
            target = next((q for q in questions if q.id == question_id), None)
            if target is None:
                scope = "an earlier question" if not allow_recommended else "a question"
                known = ", ".join(q.id for q in questions) or "none"
                f.problem(f"{path}.question", f"unknown question '{question_id}' (a condition can name {scope}: {known})")
            else:
                for i, choice_id in enumerate(choices):
                    f.reference(choice_id, target.choice_ids, f"{path}.in[{i}]", f"choice for '{question_id}'")
            return AnswerIn(question_id, choices)
        for key, make_role in (("recommended", Recommended), ("target", Target)):
            if key in raw:
                m = f.mapping(raw, path, [key])
                role_id = f.identifier(m[key], f"{path}.{key}")
                if not allow_recommended:
                    f.problem(path, f"only course and roadmap rules can use `{key}` (it is known only after scoring)")
                elif role_ids is not None:
                    f.reference(role_id, role_ids, f"{path}.{key}", "role")
                return make_role(role_id)
        for key, make in (("all", AllOf), ("any", AnyOf)):
            if key in raw:
                m = f.mapping(raw, path, [key])
                items = f.sequence(m[key], f"{path}.{key}")
                if not items:
                    f.problem(f"{path}.{key}", "an empty list of conditions")
                return make(tuple(self._condition(f, item, f"{path}.{key}[{i}]", questions, role_ids, allow_recommended) for i, item in enumerate(items)))
        if "not" in raw:
            m = f.mapping(raw, path, ["not"])
            return Not(self._condition(f, m["not"], f"{path}.not", questions, role_ids, allow_recommended))
        raise f.fail(path, "expected a condition with one of: question/in, recommended, target, all, any, not")

    # courses.yaml
    def _courses(self, f: _File, role_ids: list[str], questions: tuple[Question, ...], source_ids: list[str]) -> tuple[tuple[Course, ...], tuple[Course, ...], tuple[Rule, ...], tuple[Rule, ...]]:
        top = f.mapping(f.data, "(top)", ["courses", "next_course"], ["roadmaps", "roadmap"])
        courses = self._course_list(f, top["courses"], "courses")
        roadmaps = self._course_list(f, top.get("roadmaps", []), "roadmaps")
        f.unique((c.id for c in courses + roadmaps), "courses", "course or roadmap")
        course_rules = self._rules(f, top["next_course"], "next_course", [c.id for c in courses], role_ids, questions, source_ids)
        roadmap_rules = self._rules(f, top.get("roadmap", []), "roadmap", [r.id for r in roadmaps], role_ids, questions, source_ids)
        return courses, roadmaps, course_rules, roadmap_rules

    def _course_list(self, f: _File, value: object, path: str) -> tuple[Course, ...]:
        result = []
        for i, raw in enumerate(f.sequence(value, path)):
            m = f.mapping(raw, f"{path}[{i}]", ["id", "title", "for"])
            result.append(Course(f.identifier(m["id"], f"{path}[{i}].id"), f.text(m["title"], f"{path}[{i}].title"), f.text(m["for"], f"{path}[{i}].for")))
        return tuple(result)

    def _rules(self, f: _File, value: object, path: str, targets: list[str], role_ids: list[str], questions: tuple[Question, ...], source_ids: list[str]) -> tuple[Rule, ...]:
        rules = []
        for i, raw in enumerate(f.limited(value, path, "rules", MAX_RULES)):
            m = f.mapping(raw, f"{path}[{i}]", ["course"], ["when", "source"])
            source = f.identifier(m["source"], f"{path}[{i}].source") if "source" in m else ""
            if source:
                f.reference(source, source_ids, f"{path}[{i}].source", "source")
            target = f.identifier(m["course"], f"{path}[{i}].course")
            f.reference(target, targets, f"{path}[{i}].course", "course" if path == "next_course" else "roadmap")
            when = self._when(f, m["when"], f"{path}[{i}].when", list(questions), role_ids, allow_recommended=True) if "when" in m else None
            rules.append(Rule(target, when, source))
        return tuple(rules)


def answer_count(choices: int, low: int, high: int) -> int:
    """How many valid answers a multi-choice question has: the sets of `low` to `high` of its choices."""
    return sum(math.comb(choices, size) for size in range(low, high + 1))


def condition_size(condition: Condition) -> tuple[int, int]:
    """How deep a condition nests (all / any / not levels, 1 for a single test) and how many tests it holds."""
    if isinstance(condition, (AllOf, AnyOf)):
        parts = [condition_size(part) for part in condition.conditions]
        return 1 + max((depth for depth, _ in parts), default=0), sum(tests for _, tests in parts)
    if isinstance(condition, Not):
        depth, tests = condition_size(condition.condition)
        return depth + 1, tests
    return 1, 1
