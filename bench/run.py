"""``make bench``: run quicksilver's benchmark suite.  ``--help`` for options.

A thin launcher so the suite runs as ``python bench/run.py`` from anywhere; the
driver is :mod:`bench.runner`.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.runner import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
