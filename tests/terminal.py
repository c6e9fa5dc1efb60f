"""A shell command typed at a terminal: stderr (and stdout, unless redirected) is a pseudo-terminal."""

from __future__ import annotations

import os

import pexpect


def run_at_a_terminal(command: str, timeout: int = 30) -> tuple[int | None, str]:
    """Run `command` with bash at an 80-column terminal: its exit status and everything the terminal showed."""
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "80"}
    child = pexpect.spawn("bash", ["-c", command], env=env, encoding="utf-8", timeout=timeout)
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus, child.before
