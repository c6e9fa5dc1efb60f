"""Text, markdown and JSON views of pack content and results (the only module that imports rich).

The render_* functions return the finished text, and cli.py decides where it goes; batch_progress
draws batch's progress bar on stderr itself. rich is imported inside the text functions so JSON and
markdown runs never pay for it.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from roleadvisor import markdown
from roleadvisor.engine import Citation, Contribution, Result, WhatIf
from roleadvisor.errors import OutputError
from roleadvisor.formats import Format
from roleadvisor.pack import Course, Pack
from roleadvisor.views import (
    compare_data,
    courses_data,
    faq_matches,
    guide_data,
    questions_data,
    result_data,
    roles_data,
    takes,
)

if TYPE_CHECKING:
    from rich.console import RenderableType

def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def use_color(stream: Any) -> bool:
    """Whether text for `stream` gets colour, as rich detects it: a terminal or FORCE_COLOR, not TERM=dumb, and
    NO_COLOR unset or empty (no-color.org)."""
    from rich.console import Console

    # NO_COLOR by no-color.org's rule, an empty value counting as unset (rich 13.8, our floor, counts any value).
    console = Console(file=stream, no_color=bool(os.environ.get("NO_COLOR")))
    return console.is_terminal and console.color_system is not None and not console.no_color


MAX_WIDTH = 1000  # tables stretch to the width: a mistaken COLUMNS=100000 would print megabytes of padding
MIN_WIDTH = 20  # narrower, tables and boxes have no room for their words (as prompts.NARROWEST_WRAP)


def terminal_width(default: int = 80) -> int:
    """COLUMNS, else stdout's terminal width, else `default`; a width of 0 or less (some pseudo-terminals
    report 0 columns) counts as unknown."""
    width = 0
    try:
        width = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    if width <= 0:
        try:
            width = os.get_terminal_size(1).columns
        except OSError:
            pass
    return min(width, MAX_WIDTH) if width > 0 else default


def require_width(width: int | None = None) -> None:
    """OutputError when text output has fewer than MIN_WIDTH columns (the quiz asks before its first question)."""
    width = width or terminal_width()
    if width < MIN_WIDTH:
        raise OutputError(
            f"text output needs at least {MIN_WIDTH} columns, and the terminal has {width} "
            "(widen it or set COLUMNS, or use --format markdown or json)"
        )


def draw(renderables: Iterable[RenderableType], color: bool, width: int | None = None) -> str:
    """Render rich objects to a string, with ANSI styles only when `color` is set (else without trailing spaces);
    OutputError below MIN_WIDTH."""
    from rich.console import Console

    width = width or terminal_width()
    require_width(width)
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=color,
        no_color=not color,
        color_system="auto" if color else None,
        highlight=False,
        emoji=False,
        soft_wrap=False,
    )
    for renderable in renderables:
        console.print(renderable)
    if color:
        return buffer.getvalue()
    # rich pads each line to the width; in a file or a pipe that is only trailing spaces.
    return "\n".join(line.rstrip() for line in buffer.getvalue().split("\n"))


_md = markdown.text  # pack text, escaped so that markdown shows it as written


def _md_line(line: str) -> str:
    """A line of the text view as markdown: its own "- " bullet kept, the rest escaped."""
    return "- " + _md(line[2:]) if line.startswith("- ") else _md(line)


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    return markdown.table([markdown.cell(h) for h in header], [[markdown.cell(cell) for cell in row] for row in rows])


# compare


def _compare_rows(data: dict[str, Any], section: str) -> tuple[list[str], list[list[str]]]:
    roles = data["roles"]
    titles = [role["title"] for role in roles]
    if section == "factors":
        return ["Factor", *titles], [[f["name"], *(f["values"][r["id"]] for r in roles)] for f in data["factors"]]
    lists = [data[section][r["id"]] for r in roles]
    depth = max((len(items) for items in lists), default=0)
    rows = [[item[i]["text"] if i < len(item) else "" for item in lists] for i in range(depth)]
    return titles, rows


def render_compare(pack: Pack, role_ids: list[str], sections: tuple[str, ...], fmt: Format, color: bool, highlight: str | None = None) -> str:
    data = compare_data(pack, role_ids, sections)
    if fmt == Format.json:
        return to_json(data)
    if fmt == Format.markdown:
        parts = []
        for section in sections:
            header, rows = _compare_rows(data, section)
            parts.append(f"## {section.capitalize()}\n\n" + _md_table(header, rows))
        return "\n".join(parts)
    return draw(compare_tables(data, sections, highlight), color)


def compare_tables(data: dict[str, Any], sections: tuple[str, ...], highlight: str | None = None) -> list[RenderableType]:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    tables: list[RenderableType] = []
    for section in sections:
        header, rows = _compare_rows(data, section)
        table = Table(title=section.capitalize(), box=box.SIMPLE_HEAD, show_lines=section == "factors", expand=True)
        offset = len(header) - len(data["roles"])
        for i, name in enumerate(header):
            role = data["roles"][i - offset]["id"] if i >= offset else None
            picked = role is not None and role == highlight
            # overflow="fold": a narrow terminal breaks long words rather than cutting them off with "…".
            # Pack text goes in as Text, never as markup: "[optional]" must print as written.
            table.add_column(
                Text(f"{name} (recommended)" if picked else name),
                style="bold green" if picked else None,
                ratio=1 if i < offset else 2,
                overflow="fold",
            )
        for row in rows:
            table.add_row(*(Text(cell) for cell in row))
        tables.append(table)
    return tables


# roles, courses, guide, faq


def render_roles(pack: Pack, fmt: Format, color: bool) -> str:
    data = roles_data(pack)
    if fmt == Format.json:
        return to_json(data)
    if fmt == Format.markdown:
        return "\n".join(
            f"## {_md(r['title'])} (`{r['id']}`)\n\nAliases: {_md(', '.join(r['aliases']) or 'none')}\n\n{_md(r['definition'])}\n\n"
            f"**Best fit when:** {_md(r['best_fit_when'])}\n"
            for r in data["roles"]
        )
    from rich.text import Text

    blocks: list[RenderableType] = []
    for r in data["roles"]:
        blocks.append(Text.assemble((r["title"], "bold"), f"  id: {r['id']}  aliases: {', '.join(r['aliases'])}"))
        blocks.append(Text(f"  {r['definition']}"))
        blocks.append(Text.assemble(("  Best fit when: ", "bold"), r["best_fit_when"], "\n"))
    return draw(blocks, color)


def _course_block(course: Course) -> RenderableType:
    """Who a course is for, indented so that wrapped lines stay under the first."""
    from rich.padding import Padding
    from rich.text import Text

    return Padding(Text(course.audience), (0, 0, 0, 2))


def render_courses(pack: Pack, fmt: Format, color: bool) -> str:
    if fmt == Format.json:
        return to_json(courses_data(pack))
    if fmt == Format.markdown:
        lines = ["## Courses\n"] + [f"- **{_md(c.title)}** (`{c.id}`): {_md(c.audience)}" for c in pack.courses]
        lines += ["\n## Roadmaps\n"] + [f"- **{_md(r.title)}** (`{r.id}`): {_md(r.audience)}" for r in pack.roadmaps]
        return "\n".join(lines) + "\n"
    from rich.text import Text

    blocks: list[RenderableType] = []
    for heading, items in (("Courses", pack.courses), ("Roadmaps", pack.roadmaps)):
        blocks.append(Text(heading, style="bold underline"))
        for course in items:
            blocks += [Text.assemble((course.title, "bold"), f" ({course.id})"), _course_block(course)]
        blocks.append(Text(""))
    return draw(blocks, color)


def render_guide(pack: Pack, fmt: Format, color: bool) -> str:
    data = guide_data(pack)
    if fmt == Format.json:
        return to_json(data)
    titles = {role.id: role.title for role in pack.roles}
    qt = data["quick_take"]
    sections: list[tuple[str, list[str]]] = [
        ("Quick take", [qt["summary"], f"Main takeaway: {qt['main_takeaway']}", f"Recommended direction: {qt['recommended_direction']}"]),
    ]
    for card in data["cards"]:
        sections.append((f"{card['title']} (favours {titles[card['favours']]})", [f"- {b}" for b in card["bullets"]]))
    sections.append(("Where the confusion comes from", [f"- {n['text']}" for n in data["confusion"]]))
    sections.append(("Career mapping", [f"- {g['goal']}: {g['advice']} (next step: {g['next_step']})" for g in data["career_goals"]]))
    if fmt == Format.markdown:
        return "\n".join(f"## {_md(title)}\n\n" + "\n".join(map(_md_line, lines)) + "\n" for title, lines in sections)
    from rich.text import Text

    blocks: list[RenderableType] = []
    for title, lines in sections:
        blocks.append(Text(title, style="bold underline"))
        blocks += [Text(line) for line in lines]
        blocks.append(Text(""))
    return draw(blocks, color)


def render_questions(pack: Pack, fmt: Format, color: bool) -> str:
    data = questions_data(pack)
    if fmt == Format.json:
        return to_json(data)
    if fmt == Format.markdown:
        rows = [
            [markdown.code(q["id"]), markdown.cell(takes(q)), ", ".join(markdown.code(c["id"]) for c in q["choices"])]
            for q in data["questions"]
        ]
        return markdown.table(["question", "takes", "choices"], rows)
    from rich.table import Table
    from rich.text import Text

    blocks: list[RenderableType] = []
    for q in data["questions"]:
        blocks.append(Text.assemble((q["id"], "bold"), f"  ({takes(q)})  ", q["prompt"]))
        choices = Table.grid(padding=(0, 2))
        choices.add_column(no_wrap=True)
        choices.add_column()
        for c in q["choices"]:
            choices.add_row(Text(f"  {c['id']}"), Text(c["label"], style="dim"))
        blocks += [choices, Text("")]
    return draw(blocks, color)


def render_faq(pack: Pack, query: str | None, fmt: Format, color: bool) -> str:
    entries = faq_matches(pack, query)
    if fmt == Format.json:
        return to_json({"faq": entries})
    if fmt == Format.markdown:
        return "\n".join(f"### {_md(e['question'])}\n\n{_md(e['answer'])}\n" for e in entries)
    from rich.text import Text

    blocks: list[RenderableType] = []
    for e in entries:
        blocks += [Text(e["question"], style="bold"), Text(e["answer"]), Text("")]
    return draw(blocks, color)


# quiz results
#
# The report answers first: where to start and aim, why, what would change it, and the next steps; then the
# page's guidance, then the comparison. Everything shown comes from the Result (ids, titles, cited sentences).

TOP_REASONS = 2  # per role
TOP_WHAT_IFS = 3
NO_FLIP = "No single answer change would change where you start or aim."
BAR_WIDTH = 10


def _quoted(citation: Citation) -> str:
    return f'"{citation.text}" ({citation.section})' if citation.section else f'"{citation.text}"'


def _reason_line(c: Contribution) -> str:
    return f'+{c.points} {c.question}: {c.label} - "{c.source.text}"'


def _what_if_line(w: WhatIf, result: Result) -> str:
    rec = result.recommendation
    changes = []
    if w.role != rec.role:
        changes.append(f"start as {w.role_title}")
    if w.target != rec.target:
        changes.append(f"aim for {w.target_title}")
    outcome = " and ".join(changes)
    if w.fact:
        line = f"{w.once[:1].upper()}{w.once[1:]} -> {outcome}"
    else:
        line = f"{w.question}: {_change_words(w)} -> {outcome}"
    if w.assumes:
        assumed = "; ".join(f"{q}: {', '.join(labels)}" for q, labels in w.assumes_labels.items())
        line += f", if also {assumed}"
    return line


def _change_words(w: WhatIf) -> str:
    """The change in a few words: the new answer, or for a multi-choice what is added, dropped or swapped."""
    before = dict(zip(w.before, w.before_labels, strict=True))
    after = dict(zip(w.after, w.after_labels, strict=True))
    added = [label for choice, label in after.items() if choice not in before]
    dropped = [label for choice, label in before.items() if choice not in after]
    if len(w.before) > 1 or len(w.after) > 1:
        if added and dropped:
            return f"{', '.join(added)} instead of {', '.join(dropped)}"
        return f"add {', '.join(added)}" if added else f"drop {', '.join(dropped)}"
    return ", ".join(w.after_labels)


def _shown(lines: list[str], total: int) -> list[str]:
    """The lines shown, plus a pointer to the rest when some were left out."""
    if total > len(lines):
        lines = [*lines, f"... and {total - len(lines)} more (--explain lists them all)"]
    return lines


def _reason_groups(result: Result, explain: bool) -> list[tuple[str, list[str]]]:
    """Per role with points, strongest pull first: a heading and its reason lines."""
    groups = []
    for role_id, score in sorted(result.scores.items(), key=lambda item: -item[1]):
        reasons = [c for c in result.reasons if c.role == role_id]
        if not reasons:
            continue
        shown = reasons if explain else reasons[:TOP_REASONS]
        title = reasons[0].role_title
        groups.append((f"Toward {title} ({score} points)", _shown([_reason_line(c) for c in shown], len(reasons))))
    return groups


def _is_tie(result: Result) -> bool:
    top = max(result.scores.values(), default=0)
    return sum(1 for score in result.scores.values() if score == top) > 1


def _what_if_lines(result: Result, explain: bool) -> list[str]:
    what_ifs = result.what_if if explain else result.what_if[:TOP_WHAT_IFS]
    lines = _shown([_what_if_line(w, result) for w in what_ifs], len(result.what_if))
    if not result.what_if_complete:
        lines.append("(The search for what-ifs stopped at its limit, so there may be more.)")
    return lines


def _headline(result: Result) -> list[str]:
    rec = result.recommendation
    lines = [f"Start as: {rec.title}"]
    if rec.target != rec.role:
        aim = f"Aim for: {rec.target_title}"
        # A rule whose own sentence says how to move on is quoted once, just below.
        said_below = result.aim_note is not None and rec.because is not None and result.aim_note.text == rec.because.text
        lines.append(f"{aim}. {result.aim_note.text}" if result.aim_note and not said_below else f"{aim}.")
    if rec.because is not None:
        lines.append(f'The page\'s rule: "{rec.because.text}"')
    if rec.pull != rec.target:
        lines.append(f"Your other answers lean toward {rec.pull_title}, but that rule decides where you start and aim.")
    return lines


def _strength_line(result: Result, bar: bool) -> str:
    rec = result.recommendation
    lead = round(rec.confidence * result.strength_scale)
    filled = round(BAR_WIDTH * rec.confidence)
    drawn = f"  {'█' * filled}{'·' * (BAR_WIDTH - filled)}" if bar else ""
    scores = " to ".join(str(score) for score in sorted(result.scores.values(), reverse=True))
    if _is_tie(result):  # the tie-break order decides, and the page's rule for the undecided says why it leans so
        return f"Pull: {rec.pull_title}, {rec.label}{drawn} ({scores}: a tie, and ties lean to {rec.pull_title})"
    return f"Pull: {rec.pull_title}, {rec.label}{drawn} ({scores}; a lead of {lead}, at most {result.strength_scale})"


def _next_step_lines(result: Result) -> list[tuple[str, str, str | None]]:
    """(heading with the title, who it is for, why) for the next course and the roadmap. A roadmap with its
    reason leaves out its own description (the JSON has it), so the next steps fit the first screen."""
    steps = []
    for heading, step in (("Next course", result.next_course), ("Then", result.roadmap)):
        if step is not None:
            why = f'"{step.because.text}"' if step.because else None
            about = "" if step is result.roadmap and why else step.audience
            steps.append((f"{heading}: {step.title}", about, why))
    return steps


def _step_text(audience: str, why: str | None) -> str:
    return " ".join(part for part in (audience, f"Why: {why}" if why else "") if part)


def _guidance_lines(result: Result) -> list[str]:
    lines = [_quoted(note) for note in result.notes]
    if result.projects:
        lines.append(f"Projects to start with as {result.recommendation.title}: {'; '.join(result.projects)}.")
    return lines


def render_result(
    pack: Pack, result: Result, fmt: Format, color: bool, explain: bool = False, width: int | None = None, plain: bool = False
) -> str:
    """`plain`: text without box drawing or bars, for the plain quiz (see _plain_result_blocks)."""
    if fmt == Format.json:
        return to_json(result_data(pack, result, explain))
    if fmt == Format.markdown:
        return _result_markdown(pack, result, explain)
    if plain:
        return _plain_result(pack, result, explain, width or terminal_width())
    return draw(_result_blocks(pack, result, explain), color, width)


def _result_markdown(pack: Pack, result: Result, explain: bool) -> str:
    head = _headline(result)
    out = [f"# {_md(head[0])}\n", *(f"{_md(line)}\n" for line in head[1:]), f"{_md(_strength_line(result, bar=False))}\n"]
    if result.close_call_note:
        out.append(f"Close call: {_md(_quoted(result.close_call_note))}\n")
    out.append("## Why\n")
    for heading, lines in _reason_groups(result, explain):
        out.append(f"**{_md(heading)}**\n")
        out += [f"- {_md(line)}" for line in lines]
        out.append("")
    if not result.reasons:
        out += ["- No answer favoured one role.", ""]
    out.append("## What would change it\n")
    out += [f"- {_md(line)}" for line in _what_if_lines(result, explain)] or [f"- {NO_FLIP}"]
    out.append("\n## Next steps\n")
    for number, (heading, audience, why) in enumerate(_next_step_lines(result), start=1):
        out.append(f"{number}. **{_md(heading)}**: {_md(_step_text(audience, why))}")
    guidance = _guidance_lines(result)
    if guidance:
        out.append("\n## Good to know\n")
        out += [f"- {_md(line)}" for line in guidance]
    out.append("")
    data = compare_data(pack, [r.id for r in pack.roles], ("factors",))
    header, rows = _compare_rows(data, "factors")
    out.append("## Comparison\n\n" + _md_table(header, rows))
    if explain:
        out.append("## Every contribution\n")
        rows = [[c.question, c.choice, c.role, str(c.points), c.source.text] for c in result.contributions]
        out.append(_md_table(["Question", "Answer", "Role", "Points", "Source"], rows))
    return "\n".join(out)


def _bullets(lines: list[str], empty: str, indent: int = 0) -> RenderableType:
    """Lines with a hanging indent, so wrapped text stays aligned under its bullet."""
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=1)
    grid.add_column()
    for line in lines or [empty]:
        grid.add_row("•" if lines else " ", Text(line))
    return Padding(grid, (0, 0, 0, indent))


def _result_blocks(pack: Pack, result: Result, explain: bool) -> list[RenderableType]:
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    head = _headline(result)
    parts: list[RenderableType] = [Text(head[0], style="bold green"), *(Text(line) for line in head[1:])]
    parts.append(Text(_strength_line(result, bar=True)))
    if result.close_call_note:
        parts.append(Text(f'Close call: "{result.close_call_note.text}"'))
    parts.append(Text("Why", style="bold"))
    for heading, lines in _reason_groups(result, explain):
        parts += [Padding(Text(heading), (0, 0, 0, 2)), _bullets(lines, "", indent=2)]
    if not result.reasons:
        parts.append(_bullets([], "No answer favoured one role.", indent=2))
    parts += [Text("What would change it", style="bold"), _bullets(_what_if_lines(result, explain), NO_FLIP, indent=2)]
    parts.append(Text("Next steps", style="bold"))
    for number, (heading, audience, why) in enumerate(_next_step_lines(result), start=1):
        parts.append(Padding(Text.assemble((f"{number}. {heading}", "bold cyan")), (0, 0, 0, 2)))
        parts.append(Padding(Text(_step_text(audience, why)), (0, 0, 0, 5)))
    guidance = _guidance_lines(result)
    if guidance:
        parts += [Text("Good to know", style="bold"), _bullets(guidance, "", indent=2)]
    parts.append(Text(""))
    data = compare_data(pack, [r.id for r in pack.roles], ("factors",))
    parts += compare_tables(data, ("factors",), highlight=result.recommendation.role)
    if explain:
        table = Table(title="Every contribution", expand=True)
        for name in ("Question", "Answer", "Role", "Points", "Source"):
            table.add_column(name, justify="right" if name == "Points" else "left", overflow="fold")
        for c in result.contributions:
            table.add_row(*(Text(str(cell)) for cell in (c.question, c.choice, c.role, c.points, c.source.text)))
        parts.append(table)
    return parts


# quiz results in plain text


def _plain_result(pack: Pack, result: Result, explain: bool, width: int) -> str:
    """The text report's parts without box drawing, bars or colour, and the comparison as a list: a screen reader
    reads every character, and reads a table's columns line by line, interleaved."""
    head = _headline(result)
    lines = [*head[1:], _strength_line(result, bar=False)]
    if result.close_call_note:
        lines.append(f"Close call: {_quoted(result.close_call_note)}")
    why = []
    for heading, reasons in _reason_groups(result, explain):
        why += [heading, *(f"  - {line}" for line in reasons)]
    steps = []
    for number, (heading, audience, because) in enumerate(_next_step_lines(result), start=1):
        steps += [f"{number}. {heading}", f"   {_step_text(audience, because)}"]
    sections = [
        (head[0], lines),
        ("Why", why or ["No answer favoured one role."]),
        ("What would change it", [f"- {line}" for line in _what_if_lines(result, explain) or [NO_FLIP]]),
        ("Next steps", steps),
        ("Good to know", [f"- {line}" for line in _guidance_lines(result)]),
        ("Comparison", _plain_comparison(pack)),
    ]
    if explain:
        contributions = [f"{c.question} = {c.choice}: {c.points:+d} {c.role} ({c.source.text})" for c in result.contributions]
        sections.append(("Every contribution", contributions))
    return "\n".join(_plain_section(heading, lines, width) for heading, lines in sections)


def _plain_comparison(pack: Pack) -> list[str]:
    data = compare_data(pack, [r.id for r in pack.roles], ("factors",))
    return [
        line
        for factor in data["factors"]
        for line in [factor["name"], *(f"  {role['title']}: {factor['values'][role['id']]}" for role in data["roles"])]
    ]


def _plain_section(heading: str, lines: list[str], width: int) -> str:
    """A heading, then its lines indented by two more columns, each wrapped with its own indent kept."""
    import textwrap

    wrapped = [heading]
    for line in lines:
        indent = " " * (2 + len(line) - len(line.lstrip(" ")))
        hanging = indent + "  " if line.lstrip(" ").startswith("- ") else indent  # under the bullet's text
        wrapped += textwrap.wrap(line.strip(), width, initial_indent=indent, subsequent_indent=hanging)
    return "\n".join(wrapped) + "\n"


def batch_progress(total_bytes: int) -> Any:
    """A progress bar on stderr for `batch`: a context manager giving `advance(n)` for n more bytes read.

    The bar is removed when the run ends, leaving only the summary line. Typed Any because rich is
    imported here, not at module level, so runs without a terminal never load it.
    """
    import contextlib
    from collections.abc import Callable, Iterator

    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    @contextlib.contextmanager
    def shown() -> Iterator[Callable[[int], None]]:
        columns = (TextColumn("Scoring"), BarColumn(), DownloadColumn(), TimeRemainingColumn())
        # rich redirects stdout through the live display by default; batch's rows must reach stdout itself.
        stderr = Console(stderr=True)
        with Progress(*columns, console=stderr, transient=True, redirect_stdout=False, redirect_stderr=False) as bar:
            task = bar.add_task("Scoring", total=total_bytes)
            yield lambda n: bar.advance(task, n)

    return shown()


def batch_spinner() -> Any:
    """A spinner with a row count on stderr for `batch` reading input of unknown size (stdin): a context manager
    giving `show(rows)`. Removed when the run ends, as the bar is."""
    import contextlib
    from collections.abc import Callable, Iterator

    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn

    @contextlib.contextmanager
    def shown() -> Iterator[Callable[[int], None]]:
        columns = (SpinnerColumn(), TextColumn("Scoring"), TextColumn("{task.completed:,} rows"))
        stderr = Console(stderr=True)
        # As for the bar: rows must reach stdout itself, never the live display.
        with Progress(*columns, console=stderr, transient=True, redirect_stdout=False, redirect_stderr=False) as spinner:
            task = spinner.add_task("Scoring", total=None)
            yield lambda rows: spinner.update(task, completed=rows)

    return shown()
