"""python3 -m stock report FILE YYYY-MM | levels FILE [YYYY-MM-DD]"""
import argparse
import sys

from . import dates, formatting, importers, ledger, reports


def main(argv=None):
    parser = argparse.ArgumentParser(prog="stock")
    sub = parser.add_subparsers(dest="command", required=True)
    report = sub.add_parser("report")
    report.add_argument("file")
    report.add_argument("month")
    lv = sub.add_parser("levels")
    lv.add_argument("file")
    lv.add_argument("day", nargs="?")
    args = parser.parse_args(argv)

    movements = importers.read_movements(args.file)
    if args.command == "report":
        year, month = dates.parse_month(args.month)
        print(reports.render(reports.monthly(movements, year, month)))
    else:
        until = dates.parse_day(args.day) if args.day else None
        for sku, pieces in sorted(ledger.levels(movements, until).items()):
            print(formatting.describe(sku, pieces))
    return 0


if __name__ == "__main__":
    sys.exit(main())
