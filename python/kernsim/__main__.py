"""python3 -m kernsim: see kernsim.cli."""

import sys

from .cli import main

sys.exit(main())
