"""python3 invoice_cli.py UNIT:QTY ... -> prints the total."""
import sys

from billing import calc

if __name__ == "__main__":
    lines = [tuple(int(x) for x in arg.split(":")) for arg in sys.argv[1:]]
    print(calc(lines))
