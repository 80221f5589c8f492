cat > todo/model.py <<'PY'
"""The todo item."""
from dataclasses import dataclass

PRIORITIES = ("low", "normal", "high")


@dataclass
class Item:
    title: str
    done: bool = False
    priority: str = "normal"

    def to_dict(self):
        return {"title": self.title, "done": self.done, "priority": self.priority}

    @staticmethod
    def from_dict(data):
        return Item(title=data["title"], done=data.get("done", False), priority=data.get("priority", "normal"))
PY
python3 - <<'PY'
p = "todo/__main__.py"
s = open(p).read()
s = s.replace('from .model import Item', 'from .model import PRIORITIES, Item')
s = s.replace('    add.add_argument("title")\n', '    add.add_argument("title")\n    add.add_argument("--priority", choices=PRIORITIES, default="normal")\n')
s = s.replace('items.append(Item(args.title))', 'items.append(Item(args.title, priority=args.priority))')
s = s.replace('''        for item in items:
            print(("x " if item.done else "") + item.title)''', '''        for item in sorted(items, key=lambda i: -PRIORITIES.index(i.priority)):
            print(f"[{item.priority}] " + ("x " if item.done else "") + item.title)''')
open(p, "w").write(s)
PY
