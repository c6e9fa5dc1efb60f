"""`python -m roleadvisor` and the `roleadvisor` console script: the whole process, before and after the app.

- The garbage collector is off from the first import until a command starts (cli._start_collecting_garbage
  says why), and the caller's on/off setting is back when this returns.
- The CLI is imported inside the Ctrl-C handling, so that an interrupt while start-up imports are still
  running exits 130 quietly too (typer and cli.py handle it once the app runs).
- A standard stream closed at start gets a stand-in (files.stand_in_for_closed_streams), and SIGTERM and
  SIGHUP end the run the way Ctrl-C does, through every `with` block, so that the terminal leaves raw mode and
  no temp file stays behind; the exit code is then 143 or 129, as for a process the signal killed.
"""

import gc
import signal
import sys

STOPPING_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


def stop(signal_number: int, frame: object) -> None:
    """A stopping signal's handler: the way out is under way, so a second signal would only cut it short."""
    from roleadvisor.errors import Stopped

    for number in STOPPING_SIGNALS:
        signal.signal(number, signal.SIG_IGN)
    raise Stopped(signal_number)


def main() -> None:
    collecting = gc.isenabled()
    gc.disable()
    try:
        from roleadvisor.files import stand_in_for_closed_streams

        stand_in_for_closed_streams()
        for number in STOPPING_SIGNALS:
            signal.signal(number, stop)
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
