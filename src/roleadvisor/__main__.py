"""`python -m roleadvisor` and the `roleadvisor` console script: the whole process, before and after the app.

- The garbage collector is off from the first import until a command starts (cli._start_collecting_garbage
  says why), and the caller's on/off setting is back when this returns.
- The CLI is imported inside the Ctrl-C handling, so that an interrupt while start-up imports are still
  running exits 130 quietly too (typer and cli.py handle it once the app runs).
"""

import gc
import sys


def main() -> None:
    collecting = gc.isenabled()
    gc.disable()
    try:
        from roleadvisor.cli import main as run_cli

        run_cli()
    except KeyboardInterrupt:
        print("Cancelled.", file=sys.stderr)
        sys.exit(130)
    finally:
        # What start-up built stays frozen: it lives as long as the process, and the collection that
        # Python runs at exit then passes it over too.
        if collecting:
            gc.enable()


if __name__ == "__main__":
    main()
