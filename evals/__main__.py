"""``python -m evals [--json] [--baseline] [--cases PATH] [--out DIR] [--k K]``."""

import sys

from evals.runner import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
