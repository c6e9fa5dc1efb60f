"""`python -m roleadvisor` and the `roleadvisor` console script.

The CLI is imported here, inside the Ctrl-C handling, so that an interrupt while start-up imports
are still running exits 130 quietly too (typer handles the rest once the app runs).
"""

import sys


def main() -> None:
    try:
        from roleadvisor.cli import main as run_cli

        run_cli()
    except KeyboardInterrupt:
        print("Cancelled.", file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":
    main()
