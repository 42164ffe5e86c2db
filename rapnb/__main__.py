"""`python -m rapnb render ...`: the same as the `rapnb` console script."""

import sys

from rapnb.cli import main

sys.exit(main())
