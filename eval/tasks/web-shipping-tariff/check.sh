set -euo pipefail
cp "$EVAL_TASK_DIR/repo/test_shipping.py" test_shipping.py
python3 -m unittest -q test_shipping
python3 - <<'PY'
from shipping import shipping_cost
cases = {
    (2, "domestic"): 495, (2.01, "domestic"): 740, (5, "eu"): 999, (7, "world"): 2352,
    (10, "islands"): 1720, (20, "eu"): 2275, (20.5, "domestic"): 1780, (23, "world"): 4137,
    (21, "eu"): 2403, (0.1, "islands"): 1095,
}
for (w, z), want in cases.items():
    got = shipping_cost(w, z)
    assert got == want and isinstance(got, int), f"shipping_cost({w}, {z!r}) = {got!r}, want {want}"
for bad in [(0, "eu"), (-1, "domestic")]:
    try:
        shipping_cost(*bad)
    except ValueError:
        pass
    else:
        raise AssertionError(f"shipping_cost{bad} did not raise ValueError")
PY
