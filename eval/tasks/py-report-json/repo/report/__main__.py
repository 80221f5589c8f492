"""python3 -m report ORDERS.csv"""
import argparse

from . import data, render


def main(argv=None):
    parser = argparse.ArgumentParser(prog="report")
    parser.add_argument("orders")
    args = parser.parse_args(argv)
    rows = data.summarize(data.read_orders(args.orders))
    print(render.table(rows))


if __name__ == "__main__":
    main()
