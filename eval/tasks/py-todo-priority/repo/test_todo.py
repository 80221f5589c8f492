import json
import os
import subprocess
import sys
import tempfile
import unittest


def todo(*args, env):
    return subprocess.run([sys.executable, "-m", "todo", *args], capture_output=True, text=True, env=env)


class TodoTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.env = dict(os.environ, TODO_FILE=os.path.join(self.dir, "todo.json"))

    def test_add_then_list(self):
        self.assertEqual(todo("add", "buy milk", env=self.env).returncode, 0)
        self.assertIn("buy milk", todo("list", env=self.env).stdout)

    def test_done_is_saved(self):
        todo("add", "a", env=self.env)
        todo("done", "1", env=self.env)
        with open(self.env["TODO_FILE"], encoding="utf-8") as f:
            self.assertTrue(json.load(f)[0]["done"])


if __name__ == "__main__":
    unittest.main()
