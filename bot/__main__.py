"""`python -m bot`: the maintainer command line."""

import sys

from bot.cli import main

sys.exit(main())
