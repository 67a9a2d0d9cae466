"""python -m d2lrnn: the command line (d2lrnn/cli.py). A Ctrl-C while d2lrnn itself is still
importing ends with one line and status 130, as one during a run does."""

import sys

try:
    from d2lrnn.cli import exit_interrupted, interrupted, main
except KeyboardInterrupt:
    import os

    command = next((w for w in sys.argv[1:] if w in ("train", "generate", "compare")), "")
    print(f"d2lrnn {command}".strip() + ": interrupted; nothing saved", file=sys.stderr,
          flush=True)
    os._exit(130)

try:
    code = main()
except KeyboardInterrupt:  # between main's last line and here
    exit_interrupted(interrupted(""))
sys.exit(code)
