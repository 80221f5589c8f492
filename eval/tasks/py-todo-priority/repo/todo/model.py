"""The todo item."""
from dataclasses import dataclass


@dataclass
class Item:
    title: str
    done: bool = False

    def to_dict(self):
        return {"title": self.title, "done": self.done}

    @staticmethod
    def from_dict(data):
        return Item(title=data["title"], done=data.get("done", False))
