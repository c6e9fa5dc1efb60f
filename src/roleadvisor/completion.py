"""Shell completion (TAB in bash, zsh or fish): what each argument can be, and the shells' side of it.

cli.py loads this module only when a shell asks for completions (its completion script sets
_ROLEADVISOR_COMPLETE) or when --install-completion / --show-completion is given, so ordinary runs never
import typer's completion code. Candidates are (value, description) pairs; zsh and fish show the description.
"""

from __future__ import annotations

from typing import Any

from roleadvisor.pack import Pack

Candidate = tuple[str, str]


def role_candidates(pack: Pack, incomplete: str, given: tuple[str, ...] = ()) -> list[Candidate]:
    """Role ids and aliases starting with `incomplete`, leaving out roles already given."""
    taken = {role.id for name in given if (role := pack.role_named(name)) is not None}
    return [
        (name, role.title)
        for role in pack.roles
        if role.id not in taken
        for name in (role.id, *role.aliases)
        if name.startswith(incomplete)
    ]


def answer_candidates(pack: Pack, incomplete: str) -> list[Candidate]:
    """`--answer QID=CHOICE[,CHOICE]`: question ids first; once one question is named (typed up to `=`, or the
    only one starting so), its choices, each after the ones already listed."""
    question_id, equals, chosen = incomplete.partition("=")
    if not equals:
        starting = [question for question in pack.questions if question.id.startswith(question_id)]
        if len(starting) != 1:
            return [(f"{question.id}=", question.prompt) for question in starting]
        question_id, chosen = starting[0].id, ""
    question = pack.question(question_id)
    if question is None:
        return []
    *done, last = chosen.split(",")
    prefix = f"{question_id}=" + "".join(f"{choice}," for choice in done)
    return [(prefix + choice.id, choice.label) for choice in question.choices if choice.id.startswith(last) and choice.id not in done]


def register_shells() -> None:
    """Before the app runs for a completion request: typer's completion classes, with bash's mended (below)."""
    from typer._completion_classes import BashComplete, completion_init
    from typer.completion import shell_completion

    class WordBreakBash(BashComplete):
        """bash splits the word being completed at '=' and ':' (COMP_WORDBREAKS), so `-a goal=ow` reaches us as
        `goal`, `=`, `ow`: glue the pieces back for matching, and answer with only the piece bash replaces."""

        cut = 0

        def get_completion_args(self) -> tuple[list[str], str]:
            args, incomplete = super().get_completion_args()
            words = [*args, incomplete]
            glued: list[str] = []
            for index, word in enumerate(words):
                if glued and (word in ("=", ":") or (index > 0 and words[index - 1] in ("=", ":"))):
                    glued[-1] += word
                else:
                    glued.append(word)
            # Bash replaces the word after a lone '=' (nothing typed past it yet), not the '=' itself.
            replaced = "" if incomplete in ("=", ":") else incomplete
            self.cut = len(glued[-1]) - len(replaced)
            return glued[:-1], glued[-1]

        def format_completion(self, item: Any) -> str:
            value = str(item.value)
            return value[self.cut :] if self.cut and len(value) >= self.cut else value

    completion_init()
    shell_completion.add_completion_class(WordBreakBash, "bash")


def completion_script(ctx: Any, param: Any, value: bool, install: bool) -> None:
    """--install-completion or --show-completion: typer's own, for the shell this runs in."""
    from typer.completion import install_callback, show_callback

    (install_callback if install else show_callback)(ctx, param, value)
