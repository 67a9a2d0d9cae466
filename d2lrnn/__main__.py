import sys

from d2lrnn.cli import main

sys.exit(main())
