set -euo pipefail
[ "$(git rev-parse --abbrev-ref HEAD)" = main ] || { echo "main is not checked out"; exit 1; }
[ -z "$(git status --porcelain --untracked-files=no)" ] || { echo "uncommitted changes on main"; git status --short; exit 1; }
# grep reads the whole log: with -q it would exit at the first match, and under pipefail git log's SIGPIPE would fail the check.
git log main --format=%s | grep -x "Fix rounding in vat()" >/dev/null || { echo "no commit 'Fix rounding in vat()' on main"; exit 1; }
git cat-file -e main:README.md || { echo "main lost its own commit"; exit 1; }
if git cat-file -e main:export.py 2>/dev/null; then echo "the WIP commit reached main"; exit 1; fi
git show main:money.py > /tmp/eval-money-$$.py
(cd /tmp && python3 - "eval-money-$$" <<'PY'
import importlib, sys
vat = importlib.import_module(sys.argv[1]).vat
assert vat(1000) == 200 and vat(1234) == 247 and vat(1) == 0 and vat(3) == 1 and vat(7, 0.5) == 4, [vat(1234), vat(3), vat(7, 0.5)]
PY
)
rm -f /tmp/eval-money-$$.py
