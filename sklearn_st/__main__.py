"""``python -m sklearn_st``: the command line of :mod:`sklearn_st.cli`."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
