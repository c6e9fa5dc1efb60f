"""The ways a run can fail, each with its exit code. Only the commands (cli.py) print them; __main__.py raises
Stopped."""

from __future__ import annotations


class RoleAdvisorError(Exception):
    """A failure the user can fix; shown as one line on stderr."""

    exit_code = 2


class PackError(RoleAdvisorError):
    """The content pack could not be read or is invalid."""


class AnswerError(RoleAdvisorError):
    """An answer (flag, file or row) names an unknown question or choice, or is incomplete."""


class InputFileError(RoleAdvisorError):
    """An input file is missing, unreadable or malformed."""


class OutputError(RoleAdvisorError):
    """Results cannot be written: stdout or an output file takes no more (a full disk, /dev/full)."""


class UsageError(RoleAdvisorError):
    """The command line asks for something that does not exist (a role, a section)."""


class Cancelled(RoleAdvisorError):
    """The person stopped the interactive quiz (Ctrl-C or Ctrl-D)."""

    exit_code = 130

    def __init__(self, message: str = "Quiz cancelled.") -> None:
        super().__init__(message)


class Stopped(SystemExit):
    """A signal asked the run to stop (SIGTERM, SIGHUP): exit 128 + its number, as a shell reports a killed process.

    A SystemExit, not a RoleAdvisorError: no `except Exception` between the signal and the exit (asyncio's, in the
    prompts) may swallow it, while every `with` block it leaves still undoes its work (a temp file, raw mode).
    """

    def __init__(self, signal_number: int) -> None:
        super().__init__(128 + signal_number)
