"""python -m d2lrnn: the command line (d2lrnn/cli.py). A Ctrl-C while d2lrnn itself is still
importing ends with one line and status 130, as one during a run does."""

import sys

_COMMANDS = ("train", "generate", "compare", "translate")
_command = next((w for w in sys.argv[1:] if w in _COMMANDS), "")
try:
    from d2lrnn.cli_run import end_at_once_on_interrupt

    end_at_once_on_interrupt(_command)  # from here on, Ctrl-C never raises into an import
    from d2lrnn.cli import exit_interrupted, interrupted, main
except KeyboardInterrupt:  # in the few standard-library imports before the handler
    import os

    print(f"d2lrnn {_command}".strip() + ": interrupted; nothing saved", file=sys.stderr,
          flush=True)
    os._exit(130)

try:
    code = main()
except KeyboardInterrupt:  # between main's last line and here
    exit_interrupted(interrupted(""))
sys.exit(code)
