"""`python -m roleadvisor` and the `roleadvisor` console script: what happens around the whole process.

- The CLI is imported inside the Ctrl-C handling, so that an interrupt while start-up imports are still
  running exits 130 quietly too (typer and cli.py handle it once the app runs).
- stdout that takes no more (a full disk, `> /dev/full`) is one line and exit 2, whether a command, --help or
  --version was writing. Files written with --output report this themselves.
"""

import os
import sys


def main() -> None:
    try:
        from roleadvisor.cli import main as run_cli

        run_cli()
    except KeyboardInterrupt:
        print("Cancelled.", file=sys.stderr)
        sys.exit(130)
    except OSError as error:
        from roleadvisor.errors import NO_ROOM

        if error.errno not in NO_ROOM:
            raise
        # Point stdout at /dev/null, so that flushing it at exit cannot fail again, noisily.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        print(f"roleadvisor: stdout: cannot write ({error.strerror})", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
