"""Markdown escaping, checked by rendering: escaped text must come out of a CommonMark renderer (with GitHub's
tables and strikethrough) as exactly the characters that went in, whatever they are."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from roleadvisor import markdown
from roleadvisor.cli import app

RENDERER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
HOSTILE = ["__init__", "<details>", "[x](javascript:alert(1))", "# heading", "*bold*", "`code`", "a | b", "~~gone~~",
           "&amp; &#60;", "1. first", "- item", "+ item", "> quote", "---", "===", "\\*", "![i](x.png)", "<b>hi</b>",
           "C# and F#", "software_developer", "_a_", "x_", "1) one", "***", "+ ", "1.", "> ", "[a]: http://x", "[a]"]  # fmt: skip
MARKDOWN_SYNTAX = st.sampled_from(list("\\`*_[]<>#|~&!()-+=.:;1 aZé\n"))


def shown(markdown_text: str) -> str:
    """The text a reader sees: rendered, tags dropped, character references decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", RENDERER.render(markdown_text))).strip()


def written(value: str) -> str:
    return value.replace("\n", " ").strip()


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_text_renders_as_the_characters_written(value: str) -> None:
    assert RENDERER.render(markdown.text(value)) == f"<p>{html.escape(written(value), quote=False)}</p>\n"


@given(st.text(MARKDOWN_SYNTAX, min_size=1, max_size=30).filter(lambda v: v.strip()))
def test_any_text_renders_as_written_in_a_paragraph_a_list_item_and_a_heading(value: str) -> None:
    for block in ("{}", "- {}", "### {}"):
        assert shown(block.format(markdown.text(value))) == written(value)


@given(st.text(MARKDOWN_SYNTAX, min_size=1, max_size=30).filter(lambda v: v.strip()))
def test_any_text_stays_in_its_table_cell(value: str) -> None:
    rendered = RENDERER.render(markdown.table(["a", "b"], [[markdown.cell(value), "next"]]))
    cells = re.findall(r"<td>(.*?)</td>", rendered, re.DOTALL)
    assert len(cells) == 2 and cells[1] == "next"
    assert html.unescape(re.sub(r"<[^>]+>", "", cells[0])).strip() == written(value)


def test_intraword_underscores_are_left_alone_for_readable_ids() -> None:
    assert markdown.text("software_developer and __init__") == "software_developer and \\_\\_init\\_\\_"


@pytest.mark.parametrize("value", ["id", "a`b", "`x`"])
def test_code_spans_show_backticks_inside(value: str) -> None:
    assert RENDERER.render(markdown.code(value)) == f"<p><code>{html.escape(value, quote=False)}</code></p>\n"


def test_pack_text_cannot_change_the_markdown_report(pack_copy: Path) -> None:
    roles = pack_copy / "roles.yaml"
    hostile = "<details>__init__ [x](javascript:alert(1)) | *"
    roles.write_text(roles.read_text().replace("title: AI Developer\n", f'title: "# {hostile}"\n', 1))
    answers = ["-a", "background=student", "-a", "goal=first_portfolio", "-a", "work_style=ship_fast",
               "-a", "interests=rag_apps", "-a", "deployment=simple_hosting", "-a", "model_depth=application_level",
               "-a", "first_project=study_assistant"]  # fmt: skip
    runner = CliRunner()
    for args in (["quiz", "--no-input", *answers], ["compare"], ["roles"]):
        result = runner.invoke(app, [*args, "-f", "markdown", "--data", str(pack_copy)])
        assert result.exit_code == 0, result.stderr
        page = RENDERER.render(result.stdout)
        assert "<details>" not in page and "<strong>init" not in page and 'href="javascript' not in page
        assert f"# {hostile}" in html.unescape(re.sub(r"<[^>]+>", "", page))
