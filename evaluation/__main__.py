"""`python -m evaluation split`: render the safety benchmark's dev and sealed parts from the pool."""

import sys

from evaluation.safety_sets import write_split

if __name__ == "__main__":
    if sys.argv[1:] != ["split"]:
        raise SystemExit("usage: python -m evaluation split")
    write_split()
