set -euo pipefail
cp "$EVAL_TASK_DIR/repo/test_shapes.py" test_shapes.py
python3 -m unittest -q test_shapes
python3 - <<'PY'
import ast
import shapes
tree = ast.parse(open("shapes.py").read())
funcs = {f.name: f for f in tree.body if isinstance(f, ast.FunctionDef)}
assert "_require_positive" in funcs, "no _require_positive function"
assert [a.arg for a in funcs["_require_positive"].args.args] == ["name", "value"], "_require_positive takes (name, value)"
raises = [(f.name) for f in funcs.values() for n in ast.walk(f) if isinstance(n, ast.Raise)]
assert set(raises) == {"_require_positive"}, f"raise statements outside the helper: {raises}"
for user in ("circle_area", "rectangle_area", "cube_volume"):
    calls = [n for n in ast.walk(funcs[user]) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "_require_positive"]
    assert calls, f"{user} does not call _require_positive"
# behaviour the tests do not cover
for bad, exc, msg in [(lambda: shapes.cube_volume("x"), TypeError, "side must be a number, got str"),
                      (lambda: shapes.circle_area(None), TypeError, "radius must be a number, got NoneType"),
                      (lambda: shapes.rectangle_area(2, -0.5), ValueError, "height must be positive, got -0.5")]:
    try:
        bad()
    except exc as e:
        assert str(e) == msg, str(e)
    else:
        raise AssertionError(msg)
PY
