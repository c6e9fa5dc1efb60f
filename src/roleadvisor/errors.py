"""The ways a run can fail, each with its exit code. Only cli.py turns them into output."""

from __future__ import annotations

import errno

# Writing failed for want of room, not for a fault of ours: a full disk or device, a quota, a file size limit.
# `python -m roleadvisor` and the console script report these for stdout (see __main__.py).
NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


class RoleAdvisorError(Exception):
    """A failure the user can fix; shown as one line on stderr."""

    exit_code = 2


class PackError(RoleAdvisorError):
    """The content pack could not be read or is invalid."""


class AnswerError(RoleAdvisorError):
    """An answer (flag, file or row) names an unknown question or choice, or is incomplete."""


class InputFileError(RoleAdvisorError):
    """An input file is missing, unreadable or malformed."""


class UsageError(RoleAdvisorError):
    """The command line asks for something that does not exist (a role, a section)."""


class Cancelled(RoleAdvisorError):
    """The person stopped the interactive quiz (Ctrl-C or Ctrl-D)."""

    exit_code = 130

    def __init__(self, message: str = "Quiz cancelled.") -> None:
        super().__init__(message)
