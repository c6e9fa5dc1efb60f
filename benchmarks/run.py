"""roleadvisor's performance budget, each figure a ratio A/B measured in the same run.

    python benchmarks/run.py            # a minute or so
    python benchmarks/run.py --quick    # fewer rounds, smaller memory runs
    python benchmarks/run.py --why      # also: what start-up imports beyond the floor, what the GC switch saves
    python benchmarks/run.py --against 099336e   # also: `compare` start-up against another revision of the code

Figures (whole processes, wall clock; A and B interleaved round by round, medians):
- start-up: `roleadvisor compare developer engineer` and a scripted `roleadvisor quiz --no-input ... --format json`
  against the framework floor (a no-op typer command with two string options); goal <= 1.3x. And `compare`
  against `cookiecutter --version`; goal < 1x.
- interactive: launch to the first quiz prompt drawn in a pseudo-terminal, against copier's launch to the first
  prompt of a one-question template; goal < 1x. And the plain quiz's first prompt (`quiz --plain`, no prompt
  library) against cookiecutter's first prompt of a one-variable template; goal <= 1x.
- batch: `roleadvisor batch` on 100,000 CSV rows drawn uniformly from all valid answer sets (each multi-choice cell
  in a random order, 1% of rows invalid), against a bare `csv` read + write of the same file; goal <= 2.5x.
- memory: peak RSS of `roleadvisor batch` on 4x the rows against 1x; goal <= 1.25x (constant memory).
- scaling (`--only scaling`): generated packs of 2 to 50 roles, 8 to 60 questions, 1 to 8 multi-choice questions
  of 20 choices (1 to 6 ticked), and a gate revealing a chain of 2 to 10 questions of 10 choices: time and peak
  memory of `quiz --no-input`, `batch` on 1,000 rows and `check`, with the growth exponent between sizes (of the
  command's own time, measured again in a process that has started, since start-up dwarfs it); goals: quiz and
  batch at most linear in roles and questions (exponent <= 1.2, for noise), `check` never above 10 s or 500 MB.
  Not run unless asked for (a few minutes).
- pack cache: `compare` on a first run (an empty cache folder each time, so the YAML is parsed and the entry
  written) against later runs (the entry read); for information. With --against REV, also `compare` from this
  tree against the same command from REV's src/ and data/ (git archive), both run as `python -c ...main()`.

Every run gets a cache folder of the benchmark's own (ROLEADVISOR_CACHE_DIR), never the user's; the warm-up run of
each command fills it.

cookiecutter and copier are peers, not dependencies: `pip install cookiecutter copier` to measure against them.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

FLOOR_SCRIPT = '''\
import typer

app = typer.Typer(add_completion=False)


@app.command()
def noop(first: str = typer.Option("a", help="A string option."), second: str = typer.Option("b", help="Another.")) -> None:
    """Do nothing: the cost of starting typer and running one command."""


app()
'''

BARE_CSV_SCRIPT = '''\
import csv
import sys

with open(sys.argv[1], newline="", encoding="utf-8") as source, open(sys.argv[2], "w", newline="", encoding="utf-8") as target:
    writer = csv.writer(target)
    for row in csv.reader(source):
        writer.writerow(row)
'''

COOKIECUTTER_TEMPLATE = {
    "cookiecutter.json": '{"project_name": "example"}\n',
    "{{cookiecutter.project_name}}/README.md": "# {{ cookiecutter.project_name }}\n",
}

COPIER_TEMPLATE = {
    "copier.yml": "project_name:\n  type: str\n  help: What is your project called?\n",
    "README.md.jinja": "# {{ project_name }}\n",
}

SCRIPTED_QUIZ = [
    "quiz", "--no-input", "--format", "json",
    "--answer", "background=software_developer",
    "--answer", "production_experience=yes",
    "--answer", "goal=own_systems",
    "--answer", "work_style=balanced",
    "--answer", "interests=evaluation,monitoring",
    "--answer", "deployment=full_ownership",
    "--answer", "model_depth=serving_and_evaluation",
    "--answer", "first_project=production_rag",
]  # fmt: skip

# The console script's entry point with and without its garbage-collector switch, for --why.
AS_SHIPPED = "from roleadvisor.__main__ import main; main()"
COLLECTOR_LEFT_ON = "import gc; gc.disable = lambda: None; from roleadvisor.__main__ import main; main()"

PTY_ENV = {"PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm-256color", "NO_COLOR": "1"}

# Installed users run from cached bytecode; with PYTHONDONTWRITEBYTECODE set, every recently edited module would
# be compiled from source on every run. The warm-up run of each command writes the cache.
CHILD_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
CACHE_ENV = "ROLEADVISOR_CACHE_DIR"
# --cpu-time: a process's CPU seconds rather than wall-clock ones, steadier when other work shares the cores.
CPU_TIME = False


@dataclass(frozen=True)
class Settings:
    startup_rounds: int
    prompt_rounds: int
    batch_rounds: int
    batch_rows: int
    memory_rows: tuple[int, int]


FULL = Settings(startup_rounds=15, prompt_rounds=7, batch_rounds=5, batch_rows=100_000, memory_rows=(100_000, 400_000))
# The batch goal is stated for 100,000 rows (start-up would dominate fewer), so --quick keeps that count.
QUICK = Settings(startup_rounds=7, prompt_rounds=3, batch_rounds=3, batch_rows=100_000, memory_rows=(50_000, 200_000))


# Running things


def console_script(name: str) -> str | None:
    """A console script installed beside this interpreter (same environment), else one on PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


def roleadvisor(*args: str) -> list[str]:
    script = console_script("roleadvisor")
    return [script, *args] if script else [sys.executable, "-m", "roleadvisor", *args]


@dataclass(frozen=True)
class Run:
    seconds: float  # wall clock, or CPU time (user + system) with --cpu-time
    peak_rss_kib: int
    exit_code: int
    stderr: str


def run_once(argv: list[str], allowed: tuple[int, ...] = (0,), env: dict[str, str] | None = None) -> Run:
    """One run, output discarded: wall-clock seconds and peak RSS (wait4). An exit code not allowed stops the benchmark."""
    started = time.perf_counter()
    environment = {**CHILD_ENV, **(env or {})}
    process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=environment)
    assert process.stderr is not None
    errors = process.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    process.stderr.close()
    if process.returncode not in allowed:
        raise SystemExit(f"benchmark: {' '.join(argv)} exited {process.returncode}:\n{errors}")
    if CPU_TIME:
        seconds = usage.ru_utime + usage.ru_stime
    return Run(seconds, usage.ru_maxrss, process.returncode, errors)


def interleaved(commands: dict[str, Callable[[], float]], rounds: int) -> dict[str, float]:
    """Median seconds per command; one warm-up each, then rounds alternating the order (A B, B A, ...)."""
    names = list(commands)
    for name in names:
        commands[name]()
    times: dict[str, list[float]] = {name: [] for name in names}
    for round_number in range(rounds):
        for name in names if round_number % 2 == 0 else reversed(names):
            times[name].append(commands[name]())
    return {name: statistics.median(values) for name, values in times.items()}


def wall(argv: list[str], allowed: tuple[int, ...] = (0,), env: dict[str, str] | None = None) -> Callable[[], float]:
    return lambda: run_once(argv, allowed, env).seconds



# Reporting


@dataclass
class Figure:
    section: str
    what: str
    a: float
    b: float
    goal: float | None  # None: for information
    unit: str = "s"
    strict: bool = False  # the goal is "< goal" rather than "<= goal"

    @property
    def ratio(self) -> float:
        return self.a / self.b

    @property
    def met(self) -> bool:
        if self.goal is None:
            return True
        return self.ratio < self.goal if self.strict else self.ratio <= self.goal

    def line(self) -> str:
        if self.unit == "s":
            values = f"{self.a:.3f} s / {self.b:.3f} s"
        elif self.unit == "k":  # a growth exponent
            values = f"k = {self.a:.2f} / {self.b:.2f}"
        else:
            values = f"{self.a / 1024:.1f} MiB / {self.b / 1024:.1f} MiB"
        if self.goal is None:
            return f"  {self.what:<58} {self.ratio:5.2f}x  ({values}; for information)"
        goal = f"{'<' if self.strict else '<='} {self.goal:g}x"
        return f"  {self.what:<58} {self.ratio:5.2f}x  ({values}; goal {goal}: {'ok' if self.met else 'OVER BUDGET'})"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}"


# The figures


def startup(settings: Settings, workdir: Path) -> list[Figure]:
    floor = workdir / "floor.py"
    floor.write_text(FLOOR_SCRIPT)
    commands = {
        "floor": wall([sys.executable, str(floor), "--first", "x", "--second", "y"]),
        "compare": wall(roleadvisor("compare", "developer", "engineer")),
        "quiz": wall(roleadvisor(*SCRIPTED_QUIZ)),
    }
    cookiecutter = console_script("cookiecutter")
    if cookiecutter:
        commands["cookiecutter"] = wall([cookiecutter, "--version"])
    medians = interleaved(commands, settings.startup_rounds)
    figures = [
        Figure("start-up", "compare developer engineer / typer floor", medians["compare"], medians["floor"], 1.3),
        Figure("start-up", "quiz --no-input ... --format json / typer floor", medians["quiz"], medians["floor"], 1.3),
    ]
    if cookiecutter:
        what = "compare developer engineer / cookiecutter --version"
        figures.append(Figure("start-up", what, medians["compare"], medians["cookiecutter"], 1.0, strict=True))
    else:
        print("  skipped: compare / cookiecutter --version (cookiecutter is not installed: pip install cookiecutter copier)")
    return figures


def first_prompt_seconds(argv: list[str], text: str, cwd: Path) -> float:
    """Seconds from launch until `text` (part of the first prompt) has been drawn in a pseudo-terminal."""
    import pexpect

    started = time.perf_counter()
    env = {**CHILD_ENV, **PTY_ENV}
    child = pexpect.spawn(argv[0], argv[1:], cwd=str(cwd), env=env, encoding="utf-8", timeout=30, dimensions=(40, 120))
    try:
        child.expect_exact(text)
        return time.perf_counter() - started
    finally:
        child.terminate(force=True)


def interactive(settings: Settings, workdir: Path) -> list[Figure]:
    try:
        import pexpect  # noqa: F401
    except ImportError:
        print("  skipped: first prompt (pexpect is not installed: pip install pexpect)")
        return []
    return first_prompt_against_copier(settings, workdir) + plain_first_prompt_against_cookiecutter(settings, workdir)


def write_template(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


def first_prompt_against_copier(settings: Settings, workdir: Path) -> list[Figure]:
    copier = console_script("copier")
    if copier is None:
        print("  skipped: first prompt / copier (copier is not installed: pip install cookiecutter copier)")
        return []
    template = write_template(workdir / "template", COPIER_TEMPLATE)
    destinations = (workdir / f"copier-out-{i}" for i in range(1_000_000))
    commands = {
        "quiz": lambda: first_prompt_seconds(roleadvisor("quiz"), "Student or fresher", workdir),
        "copier": lambda: first_prompt_seconds([copier, "copy", str(template), str(next(destinations))], "project called", workdir),
    }
    medians = interleaved(commands, settings.prompt_rounds)
    what = "quiz to its first prompt / copier to its first prompt"
    return [Figure("interactive", what, medians["quiz"], medians["copier"], 1.0, strict=True)]


def plain_first_prompt_against_cookiecutter(settings: Settings, workdir: Path) -> list[Figure]:
    cookiecutter = console_script("cookiecutter")
    if cookiecutter is None:
        print("  skipped: plain first prompt / cookiecutter (cookiecutter is not installed: pip install cookiecutter copier)")
        return []
    template = write_template(workdir / "cookiecutter-template", COOKIECUTTER_TEMPLATE)
    cookiecutter_run = [cookiecutter, str(template), "--output-dir", str(workdir / "cookiecutter-out")]
    commands = {
        "plain": lambda: first_prompt_seconds(roleadvisor("quiz", "--plain"), "Answer (1-4", workdir),
        "cookiecutter": lambda: first_prompt_seconds(cookiecutter_run, "project_name", workdir),
    }
    medians = interleaved(commands, settings.prompt_rounds)
    what = "quiz --plain to its first prompt / cookiecutter to its first"
    return [Figure("interactive", what, medians["plain"], medians["cookiecutter"], 1.0)]


def answer_rows(count: int, seed: int) -> Iterator[list[str]]:
    """CSV rows (id, name, one cell per question) drawn uniformly from all valid complete answer sets, as real
    exports hold them: each multi-choice cell lists its choices in a random order, and 1% of rows are invalid
    (an unknown choice, or a shown question left blank).

    Fixing the gate questions' answers fixes which questions are shown; each such assignment is drawn in
    proportion to how many answer sets it allows, then each shown free question uniformly.
    """
    from roleadvisor.conditions import holds
    from roleadvisor.loader import load_pack
    from roleadvisor.scoring import answer_options, gate_assignments, gate_question_ids, scorer_for

    pack = load_pack(None)
    gates = set(gate_question_ids(pack))
    plans = []
    for assigned in gate_assignments(scorer_for(pack)):
        free = [
            (q.id, list(answer_options(q)))
            for q in pack.questions
            if q.id not in gates and (q.when is None or holds(q.when, assigned))
        ]
        plans.append((assigned, free, math.prod(len(options) for _, options in free)))
    weights = [size for _, _, size in plans]
    rng = random.Random(seed)
    question_ids = [q.id for q in pack.questions]
    yield ["id", "name", *question_ids]
    for number in range(1, count + 1):
        assigned, free, _ = rng.choices(plans, weights)[0]
        answers = {**assigned, **{qid: rng.sample(option, len(option)) for qid, option in ((q, rng.choice(o)) for q, o in free)}}
        cells = [";".join(answers.get(qid, ())) for qid in question_ids]
        if rng.random() < INVALID_SHARE:
            broken = rng.randrange(len(cells))
            cells[broken] = "no_such_choice" if rng.random() < 0.5 else ""
        yield [str(number), f"Learner {number}", *cells]


INVALID_SHARE = 0.01


def write_answer_rows(path: Path, count: int, seed: int = 6) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(answer_rows(count, seed))
    return path


def batch(settings: Settings, workdir: Path) -> list[Figure]:
    rows = write_answer_rows(workdir / "rows.csv", settings.batch_rows)
    bare = workdir / "bare.py"
    bare.write_text(BARE_CSV_SCRIPT)
    commands = {
        "batch": wall(roleadvisor("batch", str(rows), "--output", str(workdir / "scored.csv")), allowed=(0, 1)),  # 1: the invalid rows
        "bare": wall([sys.executable, str(bare), str(rows), str(workdir / "copied.csv")]),
    }
    medians = interleaved(commands, settings.batch_rounds)
    what = f"batch on {settings.batch_rows:,} CSV rows / bare csv read + write"
    return [Figure("batch", what, medians["batch"], medians["bare"], 2.5)]


def memory(settings: Settings, workdir: Path) -> list[Figure]:
    small, large = settings.memory_rows
    peaks = {}
    for count in (small, large):
        rows = write_answer_rows(workdir / f"rows-{count}.csv", count)
        scoring = roleadvisor("batch", str(rows), "--output", str(workdir / f"scored-{count}.csv"))
        peaks[count] = run_once(scoring, allowed=(0, 1)).peak_rss_kib
        rows.unlink()
    what = f"peak RSS of batch on {large:,} rows / on {small:,} rows"
    return [Figure("memory", what, peaks[large], peaks[small], 1.25, unit="KiB")]


SOURCE_RUN = "import sys; sys.path.insert(0, sys.argv.pop(1)); from roleadvisor.__main__ import main; main()"


def run_from_source(src: Path, *args: str) -> list[str]:
    """roleadvisor from a source tree's src/ folder (which finds its pack in ../data), as the console script runs it."""
    return [sys.executable, "-c", SOURCE_RUN, str(src), *args]


def export_tree(revision: str, target: Path) -> Path:
    """src/ and data/ of a revision of this repository, as `git archive` gives them; the tree's root."""
    repo = Path(__file__).resolve().parents[1]
    target.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(repo), "archive", revision, "src", "data"], capture_output=True, check=False)
    if archive.returncode != 0:
        raise SystemExit(f"benchmark: cannot export {revision}: {archive.stderr.decode(errors='replace').strip()}")
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target


def pack_cache(settings: Settings, workdir: Path, against: str | None) -> list[Figure]:
    """`compare` on a first run (empty cache) against later runs; with `against`, against that revision's `compare`."""
    args = ["compare", "developer", "engineer"]
    here = export_tree("HEAD", workdir / "tree-here") if against else None
    src = here / "src" if here else Path(__file__).resolve().parents[1] / "src"
    empty_folders = (str(workdir / "cold-caches" / str(i)) for i in range(1_000_000))
    commands = {
        "cold": lambda: run_once(run_from_source(src, *args), env={CACHE_ENV: next(empty_folders)}).seconds,
        "warm": wall(run_from_source(src, *args)),
    }
    if against:
        there = export_tree(against, workdir / "tree-there")
        commands["there"] = wall(run_from_source(there / "src", *args))
    medians = interleaved(commands, settings.startup_rounds)
    figures = [Figure("pack cache", "compare, first run (empty cache) / later runs", medians["cold"], medians["warm"], None)]
    if against:
        what = f"compare, cache warm / {against}'s compare"
        figures.append(Figure("pack cache", what, medians["warm"], medians["there"], None))
    return figures


# Why start-up costs what it costs


def import_self_times(argv: list[str], runs: int = 5) -> dict[str, float]:
    """Milliseconds each module's own import takes (-X importtime self time), medians over a few runs."""
    samples: dict[str, list[int]] = {}
    for _ in range(runs):
        completed = subprocess.run(
            [sys.executable, "-X", "importtime", *argv], capture_output=True, text=True, check=False, env=CHILD_ENV
        )
        for line in completed.stderr.splitlines():
            parts = line.removeprefix("import time:").split("|")
            if len(parts) == 3 and parts[0].strip().isdigit():
                samples.setdefault(parts[2].strip(), []).append(int(parts[0]))
    return {module: statistics.median(values) / 1000 for module, values in samples.items()}


def import_costs(workdir: Path, args: list[str], top: int = 10) -> str:
    """What a command imports beyond the typer floor, by top-level package, and roleadvisor's modules one by one."""
    (workdir / "floor.py").write_text(FLOOR_SCRIPT)
    floor = import_self_times([str(workdir / "floor.py"), "--first", "x", "--second", "y"])
    script = console_script("roleadvisor")
    command = import_self_times([*([script] if script else ["-m", "roleadvisor"]), *args])
    extra = {module: ms for module, ms in command.items() if module not in floor}
    by_package: dict[str, float] = {}
    for module, ms in extra.items():
        package = module.partition(".")[0]
        by_package[package] = by_package.get(package, 0.0) + ms
    ranked = sorted(by_package.items(), key=lambda item: -item[1])[:top]
    own = sorted(((m, ms) for m, ms in extra.items() if m.startswith("roleadvisor")), key=lambda item: -item[1])
    return "\n".join(
        [
            f"  `roleadvisor {' '.join(args)}` imports {sum(extra.values()):.1f} ms beyond the floor's "
            f"{sum(floor.values()):.1f} ms (-X importtime self times, slower than plain imports), by package:",
            *(f"    {name:<28} {ms:6.1f} ms" for name, ms in ranked),
            "  of which roleadvisor's own modules:",
            *(f"    {name:<28} {ms:6.1f} ms" for name, ms in own),
        ]
    )


def collector_effect(settings: Settings) -> str:
    """What the entry point's garbage-collector switch saves `compare`: A/B against the collector left on."""
    args = ["compare", "developer", "engineer"]
    commands = {
        "shipped": wall([sys.executable, "-c", AS_SHIPPED, *args]),
        "collector on": wall([sys.executable, "-c", COLLECTOR_LEFT_ON, *args]),
    }
    medians = interleaved(commands, settings.startup_rounds)
    ratio = medians["shipped"] / medians["collector on"]
    return (
        f"  compare with the collector off during start-up / left on: {ratio:.2f}x "
        f"({medians['shipped']:.3f} s / {medians['collector on']:.3f} s)"
    )


# Scaling: generated packs, from the tests' generator (tests/packs.py needs only roleadvisor's dependencies)


@dataclass(frozen=True)
class Series:
    name: str
    grows: str  # the pack_documents argument that grows
    sizes: tuple[int, ...]
    shape: dict[str, int]  # the other arguments
    linear_goal: bool  # quiz and batch: at most linear in this size


SCALING = (
    Series("roles (60 questions of 10 choices, each choice weighting every role)", "roles", (2, 5, 10, 20, 50), {"questions": 60, "choices": 10}, True),
    Series("questions (50 roles, 10 choices, each choice weighting every role)", "questions", (8, 16, 24, 40, 60), {"roles": 50, "choices": 10}, True),
    Series("multi-choice questions of 20 choices, 1 to 6 ticked (2 roles, 4 questions)", "multi", (1, 2, 4, 8), {"roles": 2, "questions": 4}, False),
    Series("a gate revealing a chain of questions of 10 choices (2 roles, 8 questions)", "chain", (2, 5, 10), {"roles": 2, "questions": 8}, False),
)
CHECK_SECONDS, CHECK_MIB = 10.0, 500.0
LINEAR_EXPONENT = 1.2  # at most linear, with room for the noise of whole-process timings


def generated_pack(folder: Path, series: Series, size: int) -> tuple[Path, Path, Path]:
    """A pack of this size, a complete answers file (the gate answered `a`, so what-ifs reveal the chain) and
    1,000 CSV rows of random valid answers."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from packs import pack_documents, random_answers, write_pack_documents

    shape = {**series.shape, series.grows: size}
    dense = series.grows in ("roles", "questions")
    if dense:
        shape["weighted"] = shape["roles"]
    documents = pack_documents(**shape)
    # Every pack of a dense series is padded to the same size (room for its weightings' aliases), so that reading
    # the files costs the same at every size.
    pack = write_pack_documents(folder, documents, pad_to=1_000_000 if dense else 0)
    rng = random.Random(size)
    answers = random_answers(documents, rng)
    if "gate" in answers:
        answers = {question: chosen for question, chosen in answers.items() if not question.startswith("v")} | {"gate": ["a"]}
    answers_file = folder / "answers.json"
    answers_file.write_text(json.dumps(answers))
    question_ids = [question["id"] for question in documents["questions.yaml"]["questions"]]
    rows = folder / "rows.csv"
    with rows.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", *question_ids])
        for number in range(1_000):
            row = random_answers(documents, rng)
            writer.writerow([number, *(";".join(row.get(q, [])) for q in question_ids)])
    return pack, answers_file, rows


@dataclass(frozen=True)
class Measured:
    seconds: float  # the whole process
    peak_mib: float
    work: float = 0.0  # seconds of the command itself, run again in a process that has started (see IN_PROCESS)


def measure(argv: list[str], rounds: int, allowed: tuple[int, ...] = (0,)) -> Measured:
    runs = [run_once(argv, allowed) for _ in range(rounds)]
    return Measured(statistics.median(run.seconds for run in runs), max(run.peak_rss_kib for run in runs) / 1024)


# The command's own time, without start-up: run once to import everything and fill the pack cache, then timed
# (median of `repeat`). Each run loads the pack afresh, as a new process would; only imports are saved.
IN_PROCESS = """\
import contextlib, io, statistics, sys, time
from roleadvisor.cli import app

repeat, args = int(sys.argv[1]), sys.argv[2:]


def once():
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            app(args, standalone_mode=False)
        except SystemExit:
            pass


once()
times = []
for _ in range(repeat):
    started = time.perf_counter()
    once()
    times.append(time.perf_counter() - started)
print(statistics.median(times))
"""


def command_seconds(args: list[str], repeat: int) -> float:
    completed = subprocess.run([sys.executable, "-c", IN_PROCESS, str(repeat), *args], capture_output=True, text=True, env=CHILD_ENV, check=True)
    return float(completed.stdout.strip().splitlines()[-1])


def growth(before: tuple[int, float], after: tuple[int, float]) -> float:
    """The exponent k in time ~ size^k between two sizes."""
    (size_a, seconds_a), (size_b, seconds_b) = before, after
    return math.log(seconds_b / seconds_a) / math.log(size_b / size_a)


def scaling(settings: Settings, workdir: Path) -> list[Figure]:
    rounds = 1 if settings is QUICK else 3
    print("  s: the whole process (median); ms: the command itself, after start-up (median of in-process runs);")
    print("  k: the growth exponent of ms from the size before (time ~ size^k)")
    figures: list[Figure] = []
    for series in SCALING:
        print(f"  {series.name}:")
        print(f"    {series.grows:>9}  {'quiz s':>7} {'ms':>6} {'MiB':>4} {'k':>5}  {'batch s':>7} {'ms':>6} {'MiB':>4} {'k':>5}  {'check s':>7} {'MiB':>5}  check method")
        previous: dict[str, tuple[int, float]] = {}
        first: dict[str, tuple[int, float]] = {}
        for size in series.sizes:
            folder = workdir / "scaling" / f"{series.grows}-{size}"
            pack, answers_file, rows = generated_pack(folder, series, size)
            data = ["--data", str(pack)]
            commands = {
                "quiz": ["quiz", "--no-input", *data, "--answers-file", str(answers_file), "--format", "json"],
                "batch": ["batch", *data, str(rows), "--output", str(folder / "scored.csv")],
            }
            runs = {name: measure(roleadvisor(*args), rounds) for name, args in commands.items()}
            runs = {name: replace(run, work=command_seconds(commands[name], 3 * rounds)) for name, run in runs.items()}
            runs["check"] = measure(roleadvisor("check", *data, "--format", "json"), 1, allowed=(0, 1))
            exponents = {name: growth(previous[name], (size, runs[name].work)) if name in previous else None for name in commands}
            method = check_method(pack)
            cells = [f"{runs[n].seconds:7.3f} {runs[n].work * 1000:6.1f} {runs[n].peak_mib:4.0f} {_exponent(exponents[n])}" for n in commands]
            print(f"    {size:>9}  {'  '.join(cells)}  {runs['check'].seconds:7.3f} {runs['check'].peak_mib:5.0f}  {method}", flush=True)
            previous = {name: (size, runs[name].work) for name in commands}
            first = first or previous
            figures += _check_figures(series, size, runs)
        if series.linear_goal:
            figures += [_growth_figure(series, name, first[name], previous[name]) for name in ("quiz", "batch")]
    return figures


def check_method(pack: Path) -> str:
    """How `check` counted the pack, and what its work limits cut short (run again for its JSON)."""
    completed = subprocess.run(roleadvisor("check", "--data", str(pack), "--format", "json"), capture_output=True, text=True, env=CHILD_ENV, check=False)
    outcomes = json.loads(completed.stdout).get("outcomes") or {}
    method = f"{outcomes.get('method', 'none')} {outcomes.get('counted', 0):,}"
    return method + (f"; cut: {len(outcomes['cut_short'])} part(s)" if outcomes.get("cut_short") else "")


def _exponent(value: float | None) -> str:
    return f"{value:5.2f}" if value is not None else "    -"


def _check_figures(series: Series, size: int, runs: dict[str, Measured]) -> list[Figure]:
    """check's goals as figures: its seconds against 10 s and its peak memory against 500 MiB."""
    where = f"{series.grows}={size}"
    return [
        Figure("scaling", f"check, {where}: seconds / {CHECK_SECONDS:g} s", runs["check"].seconds, CHECK_SECONDS, 1.0),
        Figure("scaling", f"check, {where}: peak MiB / {CHECK_MIB:g} MiB", runs["check"].peak_mib * 1024, CHECK_MIB * 1024, 1.0, unit="KiB"),
    ]


def _growth_figure(series: Series, name: str, smallest: tuple[int, float], largest: tuple[int, float]) -> Figure:
    """The growth exponent from the smallest size to the largest (steadier than between neighbours), against 1.2."""
    exponent = max(growth(smallest, largest), 0.0)
    what = f"{name}, growth exponent, {series.grows} {smallest[0]} -> {largest[0]} / {LINEAR_EXPONENT}"
    return Figure("scaling", what, exponent, LINEAR_EXPONENT, 1.0, unit="k")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Fewer rounds and smaller memory runs.")
    parser.add_argument("--why", action="store_true", help="Also show what start-up imports beyond the floor and what the garbage-collector switch saves.")
    parser.add_argument("--against", metavar="REV", help="Also time `compare` from this commit's tree (HEAD) against REV's (a git revision).")
    parser.add_argument("--cpu-time", action="store_true", help="Time whole processes by CPU time (user + system), not wall clock: steadier on a busy machine (the first-prompt figure stays wall clock).")
    parser.add_argument("--only", choices=["startup", "interactive", "batch", "memory", "pack_cache", "scaling"], action="append", help="Run only these sections (repeatable; scaling runs only when named).")
    options = parser.parse_args(argv)
    settings = QUICK if options.quick else FULL
    global CPU_TIME
    CPU_TIME = options.cpu_time
    print(f"$ {' '.join(['python', *sys.argv])}")
    print(f"machine: {machine()}")
    clock = "CPU time" if CPU_TIME else "wall clock"
    print(f"each figure: A / B, medians of interleaved whole-process runs ({clock})\n")
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="roleadvisor-bench-") as folder:
        workdir = Path(folder)
        CHILD_ENV[CACHE_ENV] = str(workdir / "cache")
        sections: dict[str, Callable[[Settings, Path], list[Figure]]] = {
            "startup": startup,
            "interactive": interactive,
            "batch": batch,
            "memory": memory,
            "pack_cache": lambda settings, workdir: pack_cache(settings, workdir, options.against),
            "scaling": scaling,
        }
        for name in options.only or [name for name in sections if name != "scaling"]:  # scaling only when named
            section = sections[name]
            print(f"{name}:")
            found = section(settings, workdir)
            for figure in found:
                print(figure.line(), flush=True)
            figures += found
        if options.why or any(not f.met for f in figures if f.section == "start-up"):
            print()
            print(import_costs(workdir, ["compare", "developer", "engineer"]))
            print(collector_effect(settings))
    goals = [f for f in figures if f.goal is not None]
    missed = [f for f in goals if not f.met]
    summary = f"\n{len(goals) - len(missed)} of {len(goals)} goals met" if goals else "\nno goals in these sections"
    print(summary + (f"; over budget: {', '.join(f.what for f in missed)}" if missed else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
