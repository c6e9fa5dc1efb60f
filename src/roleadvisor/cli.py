"""The command surface: parse options, call one core function, hand the result to render.

Errors from the core arrive as RoleAdvisorError subclasses; `_command` is the one place
they become a stderr line and an exit code.

No `from __future__ import annotations` here: typer reads the commands' annotations at run time, and
evaluated once at import they cost less than typer compiling them from strings for every command.
"""

import functools
import gc
import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, NoReturn, Optional, TypeVar

import typer
from typer.core import TyperGroup

from roleadvisor import __version__
from roleadvisor.errors import AnswerError, Cancelled, RoleAdvisorError, UsageError
from roleadvisor.files import (
    StdoutWriter,
    check_writable,
    refuse_overwriting_stdin,
    silence_stdout,
    stdout_failed,
    stdout_reaches_no_screen,
    write_atomic,
    written_together,
)
from roleadvisor.formats import BatchFormat, CheckFormat, Format
from roleadvisor.pack import Pack
from roleadvisor.safe_text import escaped, printable

PROG = "roleadvisor"
COMPLETE_VAR = "_ROLEADVISOR_COMPLETE"  # typer's name for it: _<PROG>_COMPLETE; set by the shell's completion script

class OneLineErrors(TyperGroup):
    """The app's command group. Run standalone (as a program, or by CliRunner), the errors click itself finds while
    parsing (an unknown command or option, a missing argument or value) are one `roleadvisor: ...` line that says
    where help is, exit 2, like every usage error of ours, rather than click's usage block."""

    def main(
        self,
        args: Optional[Sequence[str]] = None,
        prog_name: Optional[str] = None,
        complete_var: Optional[str] = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except typer.Abort:
            typer.echo("Aborted!", err=True)
            sys.exit(1)
        except typer.TyperException as error:  # click's own errors (typer's Exit and Abort are not among them)
            _show_in_one_line(error)
            sys.exit(getattr(error, "exit_code", 2))
        sys.exit(code if isinstance(code, int) else 0)


def _show_in_one_line(error: typer.TyperException) -> None:
    if isinstance(error, BadValue):
        error.show()
        return
    format_message = getattr(error, "format_message", None)
    message = (format_message() if callable(format_message) else str(error)).rstrip(".")
    show = getattr(error, "show", None)
    if "\n" in message and callable(show):  # the help itself (`roleadvisor` alone), shown as asked
        show()
        return
    if ". Did you mean " in message:
        message = message.replace(". Did you mean ", " (did you mean ") + ")"
    context = getattr(error, "ctx", None)
    if message.startswith("No such command") and "did you mean" not in message and context is not None:
        if isinstance(context.command, TyperGroup):
            message += f" (commands: {', '.join(context.command.list_commands(context))})"
    help_at = f"; see '{context.command_path} -h'" if context is not None else ""
    typer.echo(escaped(f"{PROG}: {message[:1].lower()}{message[1:]}{help_at}"), err=True)


app = typer.Typer(
    cls=OneLineErrors,
    name=PROG,
    help="Choose between AI roles (AI Developer or AI Engineer) with reasons you can check.",
    # typer's own completion options would import its completion code on every run: see _main's instead.
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

_debug = False
F = TypeVar("F", bound=Callable[..., Any])


class Section(str, Enum):
    factors = "factors"
    skills = "skills"
    tools = "tools"
    projects = "projects"
    all = "all"


STDIO = Path("-")  # `-` names stdin or stdout, as is usual for file arguments


class BadValue(typer.BadParameter):
    """An option value the project refuses: one `roleadvisor: ...` line naming the valid values, exit 2, like every
    other usage error of ours (click's own parse errors, such as an unknown option, keep click's usage block)."""

    def show(self, file: Any = None) -> None:
        typer.echo(f"{PROG}: {self.message}", err=True)


E = TypeVar("E", bound=Enum)


def _one_of(kind: type[E], option: str) -> dict[str, Any]:
    """typer.Option settings for an option that takes one of an enum's values: our message, help and completion."""
    names = [member.value for member in kind]

    def parse(value: Any) -> E:
        try:
            return kind(value)
        except ValueError:
            raise BadValue(f"unknown value {value!r} for {option} (choose from: {', '.join(names)})") from None

    def complete(incomplete: str) -> list[str]:
        return [name for name in names if name.startswith(incomplete)]

    return {"parser": parse, "metavar": f"[{'|'.join(names)}]", "autocompletion": complete}


def _whole_number(option: str, minimum: Optional[int] = None) -> dict[str, Any]:
    """typer.Option settings for an option that takes a whole number, at least `minimum`."""
    wanted = "a whole number" + (f" of at least {minimum}" if minimum is not None else "")

    def parse(value: Any) -> int:
        try:
            number = int(value)
        except ValueError:
            number = None
        if number is None or (minimum is not None and number < minimum):
            raise BadValue(f"{option} takes {wanted}, not {value!r}")
        return number

    return {"parser": parse, "metavar": "INTEGER"}


DataOption = Annotated[
    Optional[Path],
    typer.Option("--data", help="Folder of another content pack (default: the shipped pack).", envvar="ROLEADVISOR_DATA", show_envvar=True),
]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.", **_one_of(Format, "--format"))]


def _command(command: F) -> F:
    """Around every command's body: start-up is over, so the garbage collector comes back on (see
    _start_collecting_garbage); failures become one stderr line and an exit code: 2 bad input or output,
    130 cancelled, 1 internal."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _start_collecting_garbage()
        try:
            return command(*args, **kwargs)
        except typer.Exit:
            raise  # a command's own exit code (check, batch)
        except RoleAdvisorError as error:
            # escaped: the parts from data went through printable where the message was made; this is the net
            typer.echo(escaped(f"roleadvisor: {error}" if not isinstance(error, Cancelled) else str(error)), err=True)
            raise typer.Exit(error.exit_code) from None
        except KeyboardInterrupt:
            typer.echo("Cancelled.", err=True)
            raise typer.Exit(130) from None
        except BrokenPipeError:
            # The reader went away (`| head`): point stdout at /dev/null so the exit flush stays quiet.
            silence_stdout()
            raise typer.Exit(0) from None
        except Exception as error:  # noqa: BLE001 - last resort: never a bare traceback
            _internal_error(error)

    return wrapper  # type: ignore[return-value]


def _internal_error(error: Exception) -> NoReturn:
    """A bug: one line naming it and a file with the trace (--debug raises it instead)."""
    if _debug:
        raise error
    with tempfile.NamedTemporaryFile("w", prefix="roleadvisor-crash-", suffix=".txt", delete=False) as log:
        traceback.print_exc(file=log)
    typer.echo(f"roleadvisor: internal error: {error!r} (full trace in {log.name}; --debug shows it)", err=True)
    raise typer.Exit(1) from None


@functools.lru_cache(maxsize=4)
def _pack(data: Optional[Path]) -> Pack:
    from roleadvisor.loader import load_pack

    return load_pack(data)


def _emit(text: str, fmt: Enum, output: Optional[Path] = None) -> None:
    """Results go to stdout, in what its encoding can carry (stream_text.py), or whole to --output (UTF-8; temp
    file then rename)."""
    if output is None:
        from roleadvisor.stream_text import fit_encoding

        stdout = StdoutWriter()
        stdout.write(fit_encoding(text, getattr(sys.stdout, "encoding", None), json=fmt.value == "json"))
        stdout.flush()
        return
    write_atomic(output, text)
    typer.echo(f"Wrote {printable(output)}", err=True)


def _check_destinations(output: Optional[Path], save_answers: Optional[Path], answers_file: Optional[Path]) -> None:
    """Fail before any work if an output cannot be written, or would overwrite another file of the run.

    --save-answers may name the answers file: that updates it in place.
    """
    if save_answers == STDIO:
        raise UsageError("--save-answers -: give a file name (stdout carries the report)")
    for path in (output, save_answers):
        if path is not None:
            check_writable(path)
    if output is not None and save_answers is not None and output.resolve() == save_answers.resolve():
        raise UsageError(f"{printable(output)}: --output and --save-answers name the same file")
    if output is not None and answers_file is not None and output.resolve() == answers_file.resolve():
        raise UsageError(f"{printable(output)}: --output would overwrite the answers file")


def _color(fmt: Enum, output: Optional[Path] = None) -> bool:
    """Colour for text on stdout, as rich detects it (JSON and markdown never ask, so never load rich)."""
    if fmt.value != "text" or output is not None:
        return False
    from roleadvisor.render import use_color

    return use_color(sys.stdout)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"roleadvisor {__version__}")
        raise typer.Exit()


def _install_completion(ctx: typer.Context, param: typer.CallbackParam, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        from roleadvisor.completion import completion_script

        completion_script(ctx, param, value, install=True)


def _show_completion(ctx: typer.Context, param: typer.CallbackParam, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        from roleadvisor.completion import completion_script

        completion_script(ctx, param, value, install=False)


def _completion_pack(ctx: typer.Context) -> Optional[Pack]:
    """The pack a completion request is about (--data, else the shipped one); None if it cannot be read."""
    try:
        return _pack(ctx.params.get("data"))
    except RoleAdvisorError:
        return None


def _complete_roles(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from roleadvisor.completion import role_candidates

    pack = _completion_pack(ctx)
    return role_candidates(pack, incomplete, tuple(ctx.params.get("roles") or ())) if pack else []


def _complete_answers(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from roleadvisor.completion import answer_candidates

    pack = _completion_pack(ctx)
    return answer_candidates(pack, incomplete) if pack else []


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks for internal errors.")] = False,
    install_completion: Annotated[bool, typer.Option("--install-completion", callback=_install_completion, is_eager=True, expose_value=False, help="Install completion for the current shell (bash, zsh, fish).")] = False,
    show_completion: Annotated[bool, typer.Option("--show-completion", callback=_show_completion, is_eager=True, expose_value=False, help="Show the completion script for the current shell, to install it yourself.")] = False,
) -> None:
    global _debug
    _debug = debug


@app.command()
@_command
def quiz(
    answer: Annotated[Optional[list[str]], typer.Option("--answer", "-a", metavar="QID=CHOICE[,CHOICE]", help="Pre-answer a question; repeat for more. Overrides the answers file.", show_default=False, autocompletion=_complete_answers)] = None,
    answers_file: Annotated[Optional[Path], typer.Option("--answers-file", help="YAML or JSON mapping of question id to choice id(s); - reads stdin.", show_default=False)] = None,
    no_input: Annotated[bool, typer.Option("--no-input", help="Never prompt; missing answers are an error.")] = False,
    fmt: FormatOption = Format.text,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the report to this file (default, or -: stdout).", show_default=False)] = None,
    save_answers: Annotated[Optional[Path], typer.Option("--save-answers", help="Write the answers to a file that --answers-file replays.", show_default=False)] = None,
    explain: Annotated[bool, typer.Option("--explain", help="Add every answer's contribution to the report.")] = False,
    plain: Annotated[bool, typer.Option("--plain", help="Ask line by line: numbered choices, no cursor movement or colour, answers read from any stdin (for screen readers, dumb terminals, pipes). Also on at a terminal when TERM=dumb or ROLEADVISOR_PLAIN or ACCESSIBLE is set.")] = False,
    data: DataOption = None,
) -> None:
    """Answer a few questions and get a recommended role, the reasons, and the next course."""
    from roleadvisor.answers import answers_file_text, collect_answers
    from roleadvisor.engine import missing_questions, score_answers
    from roleadvisor.plain_quiz import plain_requested, run_plain_quiz
    from roleadvisor.render import render_result, require_width

    if output == STDIO:
        output = None
    _check_destinations(output, save_answers, answers_file if answers_file != STDIO else None)
    if answers_file == STDIO:
        refuse_overwriting_stdin(output)
    pack = _pack(data)
    answers = collect_answers(pack, answers_file, answer or ())
    # Prompts need a keyboard and a screen: stdout, or stderr when stdout is redirected to a file.
    at_terminal = sys.stdin.isatty() and (sys.stdout.isatty() or sys.stderr.isatty())
    plain = plain or (at_terminal and plain_requested(os.environ))
    if fmt is Format.text and not no_input and at_terminal and not plain:
        require_width()  # before the first question, not after the last: a too-narrow report would lose the answers
    if not no_input and plain:
        answers = run_plain_quiz(pack, answers)
    elif not no_input and at_terminal:
        from roleadvisor.prompts import run_quiz

        answers = run_quiz(pack, answers)
    missing = missing_questions(pack, answers)
    if missing:
        how = "or leave out --no-input at a terminal" if no_input else "run at a terminal to be asked, or pipe numbered answers to --plain"
        raise AnswerError(f"missing answers for: {', '.join(missing)} (give them with --answer QID=CHOICE or --answers-file, {how})")
    result = score_answers(pack, answers)
    for question_id in answers.keys() - result.answers.keys():
        typer.echo(f"note: '{question_id}' is not asked for these answers, so its answer was ignored", err=True)
    report = render_result(pack, result, fmt, not plain and _color(fmt, output), explain, plain=plain)
    outputs = {output: report} if output is not None else {}
    if save_answers is not None:
        outputs[save_answers] = answers_file_text(pack, result.answers, save_answers)
    # All or nothing: the files are written out before the report reaches stdout, and put in place after it.
    with written_together(outputs):
        if output is None:
            _emit(report, fmt)
    if output is not None:
        typer.echo(f"Wrote {printable(output)}", err=True)
    if save_answers is not None:
        typer.echo(f"Saved answers to {printable(save_answers)}", err=True)


@app.command()
@_command
def compare(
    roles: Annotated[Optional[list[str]], typer.Argument(metavar="ROLE", show_default=False, hidden=True, autocompletion=_complete_roles)] = None,
    section: Annotated[Section, typer.Option("--section", "-s", help="Which part of the comparison to show.", **_one_of(Section, "--section"))] = Section.factors,
    fmt: FormatOption = Format.text,
    data: DataOption = None,
) -> None:
    """Compare roles side by side: factors, skills, tools and projects.

    ROLE is a role id, alias or title, any case (default: developer engineer); columns follow the order given.
    """
    from roleadvisor.render import render_compare
    from roleadvisor.views import SECTIONS

    pack = _pack(data)
    names = roles or list(pack.role_ids[:2])
    role_ids: list[str] = []
    for name in names:
        role = pack.role_named(name)
        if role is None:
            known = "; ".join(f"{r.id} ({', '.join(r.aliases)})" if r.aliases else r.id for r in pack.roles)
            raise UsageError(f"unknown role {printable(name, quote=True)} (known roles and aliases: {known})")
        if role.id in role_ids:
            raise UsageError(f"{printable(name, quote=True)} names role '{role.id}' again: give each role once")
        role_ids.append(role.id)
    sections = SECTIONS if section is Section.all else (section.value,)
    _emit(render_compare(pack, role_ids, sections, fmt, _color(fmt)), fmt)


@app.command()
@_command
def roles(fmt: FormatOption = Format.text, data: DataOption = None) -> None:
    """List the roles with their definitions and when each fits best."""
    from roleadvisor.render import render_roles

    _emit(render_roles(_pack(data), fmt, _color(fmt)), fmt)


@app.command()
@_command
def courses(fmt: FormatOption = Format.text, data: DataOption = None) -> None:
    """List the courses and roadmaps, and who each is for."""
    from roleadvisor.render import render_courses

    _emit(render_courses(_pack(data), fmt, _color(fmt)), fmt)


@app.command()
@_command
def guide(fmt: FormatOption = Format.text, data: DataOption = None) -> None:
    """How to choose: the quick take, the trade-off cards, common confusions and career mapping."""
    from roleadvisor.render import render_guide

    _emit(render_guide(_pack(data), fmt, _color(fmt)), fmt)


@app.command()
@_command
def questions(fmt: FormatOption = Format.text, data: DataOption = None) -> None:
    """List the quiz's question and choice ids: what --answer, answer files and batch columns use."""
    from roleadvisor.render import render_questions

    _emit(render_questions(_pack(data), fmt, _color(fmt)), fmt)


@app.command()
@_command
def faq(
    words: Annotated[Optional[list[str]], typer.Argument(metavar="WORD", show_default=False, hidden=True)] = None,
    fmt: FormatOption = Format.text,
    data: DataOption = None,
) -> None:
    """Frequently asked questions; with WORDs, only the entries that contain all of them.

    Exit 1 when no entry matches.
    """
    from roleadvisor.render import render_faq
    from roleadvisor.views import faq_matches

    pack = _pack(data)
    query = " ".join(words or ())
    if not faq_matches(pack, query):
        typer.echo(f"No FAQ entry contains all of: {printable(query)}", err=True)
        if fmt is Format.json:  # scripts still get JSON to parse
            _emit(render_faq(pack, query, fmt, False), fmt)
        raise typer.Exit(1)
    _emit(render_faq(pack, query, fmt, _color(fmt)), fmt)


@app.command()
@_command
def check(
    data: DataOption = None,
    against: Annotated[Optional[Path], typer.Option("--against", help="Another pack folder: show how the outcome map changes from it to --data.", show_default=False)] = None,
    fmt: Annotated[CheckFormat, typer.Option("--format", "-f", help="Output format.", **_one_of(CheckFormat, "--format"))] = CheckFormat.text,
    sample: Annotated[int, typer.Option("--sample", help="Answer sets to sample when there are too many to count.", **_whole_number("--sample", 1))] = 20000,
    seed: Annotated[int, typer.Option("--seed", help="Seed for the sample.", **_whole_number("--seed"))] = 0,
) -> None:
    """Check a content pack: broken references, unreachable roles and courses, and the outcome map.

    Exit 0 when clean, 1 when there are errors, 2 when the pack cannot be loaded.
    """
    from roleadvisor.check import check_pack
    from roleadvisor.check_views import render_check

    report = check_pack(data, against=against, sample_size=sample, seed=seed)
    _emit(render_check(report, fmt, _color(fmt)), fmt)
    raise typer.Exit(report.exit_code)


@app.command()
@_command
def batch(
    input_file: Annotated[str, typer.Argument(metavar="INPUT", show_default=False, hidden=True)],
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write results to this file, whole or not at all (default, or -: stdout).", show_default=False)] = None,
    fmt: Annotated[Optional[BatchFormat], typer.Option("--format", "-f", help="Output format (default: the --output file's extension, else the input's kind).", show_default=False, **_one_of(BatchFormat, "--format"))] = None,
    raw_cells: Annotated[bool, typer.Option("--raw-cells", help="Write CSV cells as they are: no leading ' before a cell a spreadsheet would run as a formula (=, +, -, @).")] = False,
    bom: Annotated[bool, typer.Option("--bom", help="Start CSV output with a UTF-8 byte order mark, for Excel.")] = False,
    data: DataOption = None,
) -> None:
    """Score every row of an intake export: one result row per input row, in order.

    INPUT is a .csv or .jsonl file, or - for stdin. CSV: a header row of question ids (see `roleadvisor questions`),
    choices of a multi-choice cell separated by ';', an empty cell for no answer. JSONL: one answers object
    per line. Other columns (a name, an id) are carried through; then come role (to start in), target (to aim
    for), confidence, label, next_course, roadmap, score_<role> and error. Blank lines are skipped.

    Exit 0 when every row scored, 1 when some rows had errors, 2 when the input cannot be read.
    """
    from roleadvisor.batch import run_batch

    typing = input_file == "-" and sys.stdin.isatty()
    if typing:
        typer.echo("Reading rows from the keyboard; end with Ctrl-D.", err=True)
    # A live display shares the screen with nothing: not with rows on a terminal, nor with what a pipe's reader prints.
    to_stdout = output is None or output == STDIO
    show_progress = sys.stderr.isatty() and not typing and (not to_stdout or stdout_reaches_no_screen())
    summary = run_batch(_pack(data), input_file, output=output, fmt=fmt, progress=show_progress, raw_cells=raw_cells, bom=bom)
    typer.echo(escaped(summary.message), err=True)
    raise typer.Exit(summary.exit_code)


def main() -> None:
    """Run the app. An output failure outside any command (--help or --version into a full stdout) is one line too."""
    if os.environ.get(COMPLETE_VAR):  # a shell asking for completions: only now is completion code loaded
        from roleadvisor.completion import register_shells

        register_shells()
    try:
        app(prog_name=PROG)
    except OSError as error:  # commands map their own; this is typer writing help, a version or a usage error
        typer.echo(f"roleadvisor: {stdout_failed(error)}", err=True)
        sys.exit(2)


def _start_collecting_garbage() -> None:
    """Turn the collector on for a command's own work, leaving out what start-up built.

    The entry point (__main__.py) turns it off before anything is imported. Start-up (typer,
    pydantic, our modules) allocates tens of thousands of long-lived objects and no cyclic garbage,
    and the collector's repeated passes over them cost a short command such as `compare` about a
    fifth of its time (`python benchmarks/run.py --why` measures it). From here on, `freeze` keeps
    those objects out of every pass.
    """
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
