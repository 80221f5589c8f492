"""python3 -m todo add TITLE | list | done N"""
import argparse
import sys

from . import storage
from .model import Item


def main(argv=None):
    parser = argparse.ArgumentParser(prog="todo")
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add")
    add.add_argument("title")
    sub.add_parser("list")
    done = sub.add_parser("done")
    done.add_argument("number", type=int)
    args = parser.parse_args(argv)

    items = storage.load()
    if args.command == "add":
        items.append(Item(args.title))
        storage.save(items)
    elif args.command == "list":
        for item in items:
            print(("x " if item.done else "") + item.title)
    elif args.command == "done":
        items[args.number - 1].done = True
        storage.save(items)
    return 0


if __name__ == "__main__":
    sys.exit(main())
