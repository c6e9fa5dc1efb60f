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
from roleadvisor.engine import Contribution, Result, WhatIf
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


def draw(renderables: Iterable[RenderableType], color: bool, width: int | None = None) -> str:
    """Render rich objects to a string, with ANSI styles only when `color` is set."""
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width or terminal_width(),
        force_terminal=color,
        no_color=not color,
        color_system="auto" if color else None,
        highlight=False,
        emoji=False,
        soft_wrap=False,
    )
    for renderable in renderables:
        console.print(renderable)
    return buffer.getvalue()


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


def render_compare(pack: Pack, role_ids: list[str], sections: tuple[str, ...], fmt: str, color: bool, highlight: str | None = None) -> str:
    data = compare_data(pack, role_ids, sections)
    if fmt == "json":
        return to_json(data)
    if fmt == "markdown":
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


def render_roles(pack: Pack, fmt: str, color: bool) -> str:
    data = roles_data(pack)
    if fmt == "json":
        return to_json(data)
    if fmt == "markdown":
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


def render_courses(pack: Pack, fmt: str, color: bool) -> str:
    if fmt == "json":
        return to_json(courses_data(pack))
    if fmt == "markdown":
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


def render_guide(pack: Pack, fmt: str, color: bool) -> str:
    data = guide_data(pack)
    if fmt == "json":
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
    if fmt == "markdown":
        return "\n".join(f"## {_md(title)}\n\n" + "\n".join(map(_md_line, lines)) + "\n" for title, lines in sections)
    from rich.text import Text

    blocks: list[RenderableType] = []
    for title, lines in sections:
        blocks.append(Text(title, style="bold underline"))
        blocks += [Text(line) for line in lines]
        blocks.append(Text(""))
    return draw(blocks, color)


def render_questions(pack: Pack, fmt: str, color: bool) -> str:
    data = questions_data(pack)
    if fmt == "json":
        return to_json(data)
    if fmt == "markdown":
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


def render_faq(pack: Pack, query: str | None, fmt: str, color: bool) -> str:
    entries = faq_matches(pack, query)
    if fmt == "json":
        return to_json({"faq": entries})
    if fmt == "markdown":
        return "\n".join(f"### {_md(e['question'])}\n\n{_md(e['answer'])}\n" for e in entries)
    from rich.text import Text

    blocks: list[RenderableType] = []
    for e in entries:
        blocks += [Text(e["question"], style="bold"), Text(e["answer"]), Text("")]
    return draw(blocks, color)


# quiz results


def _choice_label(pack: Pack, question_id: str, chosen: Iterable[str]) -> str:
    question = pack.question(question_id)
    if question is None:
        return ", ".join(chosen)
    return ", ".join(choice.label if (choice := question.choice(c)) else c for c in chosen)


def _what_if_line(pack: Pack, w: WhatIf) -> str:
    role = pack.role(w.role).title
    line = f"{w.question}: {_choice_label(pack, w.question, w.after)} (instead of {_choice_label(pack, w.question, w.before)}) -> {role}"
    if w.assumes:
        assumed = "; ".join(f"{q} = {', '.join(a)}" for q, a in w.assumes.items())
        line += f", assuming {assumed}"
    return line


def _reason_line(pack: Pack, c: Contribution) -> str:
    card = pack.card(c.card)
    source = card.title if card else c.card
    return f"+{c.points} {c.question}: {_choice_label(pack, c.question, [c.choice])}  [card: {source}]"


TOP_REASONS = 3
TOP_WHAT_IFS = 3
NO_FLIP = "No single answer change would flip this recommendation."


def _shown(lines: list[str], total: int) -> list[str]:
    """The lines shown, plus a pointer to the rest when some were left out."""
    if total > len(lines):
        lines = [*lines, f"... and {total - len(lines)} more (--explain or --format json lists them all)"]
    return lines


def _reason_lines(pack: Pack, result: Result, explain: bool) -> list[str]:
    reasons = result.reasons if explain else result.reasons[:TOP_REASONS]
    lines = _shown([_reason_line(pack, c) for c in reasons], len(result.reasons))
    if _is_tie(result):
        lines.append(f"The scores are tied, and a tie goes to {result.recommendation.title} (the pack's tie-break order).")
    return lines


def _what_if_lines(pack: Pack, result: Result, explain: bool) -> list[str]:
    what_ifs = result.what_if if explain else result.what_if[:TOP_WHAT_IFS]
    return _shown([_what_if_line(pack, w) for w in what_ifs], len(result.what_if))


def render_result(pack: Pack, result: Result, fmt: str, color: bool, explain: bool = False, width: int | None = None) -> str:
    if fmt == "json":
        return to_json(result_data(pack, result, explain))
    if fmt == "markdown":
        return _result_markdown(pack, result, explain)
    return draw(_result_blocks(pack, result, explain), color, width)


def _result_markdown(pack: Pack, result: Result, explain: bool) -> str:
    rec = result.recommendation
    out = [f"# Recommendation: {_md(rec.title)}\n", f"Confidence: {rec.confidence:.0%} ({_md(rec.label)})\n"]
    out.append(_md_table(["Role", "Score"], [[pack.role(r).title, str(s)] for r, s in result.scores.items()]))
    out.append("## Why\n")
    out += [f"- {_md(line)}" for line in _reason_lines(pack, result, explain)] or ["- No answer favoured one role."]
    out.append("\n## What would change it\n")
    out += [f"- {_md(line)}" for line in _what_if_lines(pack, result, explain)] or [f"- {NO_FLIP}"]
    out.append("")
    data = compare_data(pack, [r.id for r in pack.roles], ("factors",))
    header, rows = _compare_rows(data, "factors")
    out.append("## Comparison\n\n" + _md_table(header, rows))
    out.append(_next_steps_markdown(result))
    if explain:
        out.append("## Every contribution\n")
        out.append(_md_table(["Question", "Answer", "Role", "Points", "Card"], [[c.question, c.choice, c.role, str(c.points), c.card] for c in result.contributions]))
    return "\n".join(out)


def _next_steps_markdown(result: Result) -> str:
    lines = ["## Next steps\n"]
    if result.next_course:
        lines.append(f"1. **Next course: {_md(result.next_course.title)}** — {_md(result.next_course.audience)}")
    if result.roadmap:
        lines.append(f"2. **Then: {_md(result.roadmap.title)}** — {_md(result.roadmap.audience)}")
    return "\n".join(lines) + "\n"


def _is_tie(result: Result) -> bool:
    top = result.scores[result.recommendation.role]
    return sum(1 for score in result.scores.values() if score == top) > 1


def _bullets(lines: list[str], empty: str) -> RenderableType:
    """Lines with a hanging indent, so wrapped text stays aligned under its bullet."""
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=1)
    grid.add_column()
    for line in lines or [empty]:
        grid.add_row("•" if lines else " ", Text(line))
    return grid


def _result_blocks(pack: Pack, result: Result, explain: bool) -> list[RenderableType]:
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    rec = result.recommendation
    top = max(max(result.scores.values()), 1)
    bars = Table.grid(padding=(0, 1))
    bars.add_column()
    bars.add_column()
    bars.add_column(justify="right")
    for role_id, score in result.scores.items():
        filled = round(20 * max(score, 0) / top)
        style = "green" if role_id == rec.role else "dim"
        bars.add_row(Text(pack.role(role_id).title), Text("█" * filled + "·" * (20 - filled), style=style), str(score))
    parts: list[RenderableType] = [
        Text.assemble(("Recommended: ", "bold"), (rec.title, "bold green"), f"  ({rec.label}, confidence {rec.confidence:.0%})"),
        Text(""),
        bars,
        Text(""),
        Text("Why", style="bold"),
    ]
    parts.append(_bullets(_reason_lines(pack, result, explain), "No answer favoured one role."))
    parts.append(Text("What would change it", style="bold"))
    parts.append(_bullets(_what_if_lines(pack, result, explain), NO_FLIP))
    blocks: list[RenderableType] = [Panel(Group(*parts), title="Your recommendation", title_align="left")]
    data = compare_data(pack, [r.id for r in pack.roles], ("factors",))
    blocks += compare_tables(data, ("factors",), highlight=rec.role)
    steps: list[RenderableType] = []
    for heading, course in (("Next course: ", result.next_course), ("Then: ", result.roadmap)):
        if course is not None:
            steps += [Text.assemble((heading, "bold"), (course.title, "bold cyan")), _course_block(course)]
    blocks.append(Panel(Group(*steps), title="Next steps", title_align="left"))
    if explain:
        table = Table(title="Every contribution", expand=True)
        for name in ("Question", "Answer", "Role", "Points", "Card"):
            table.add_column(name, justify="right" if name == "Points" else "left", overflow="fold")
        for c in result.contributions:
            table.add_row(*(Text(str(cell)) for cell in (c.question, c.choice, c.role, c.points, c.card)))
        blocks.append(table)
    return blocks


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
