"""Reads the address book export (CSV with a header line)."""


def load_contacts(path):
    """Returns a list of dicts, one per row, keyed by the header's column names."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    header = lines[0].split(",")
    rows = []
    for line in lines[1:]:
        if not line:
            continue
        rows.append(dict(zip(header, line.split(","))))
    return rows
