"""A tiny todo list kept in a JSON file (TODO_FILE, default todo.json)."""
