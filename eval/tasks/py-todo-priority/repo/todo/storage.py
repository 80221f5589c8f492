"""Loads and saves the list."""
import json
import os

from .model import Item


def path():
    return os.environ.get("TODO_FILE", "todo.json")


def load():
    if not os.path.exists(path()):
        return []
    with open(path(), encoding="utf-8") as f:
        return [Item.from_dict(d) for d in json.load(f)]


def save(items):
    with open(path(), "w", encoding="utf-8") as f:
        json.dump([i.to_dict() for i in items], f, indent=2)
