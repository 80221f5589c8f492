cat > contacts.py <<'PY'
"""Reads the address book export (CSV with a header line)."""
import csv


def load_contacts(path):
    """Returns a list of dicts, one per row, keyed by the header's column names."""
    with open(path, encoding="utf-8", newline="") as f:
        return [row for row in csv.DictReader(f) if any(row.values())]
PY
