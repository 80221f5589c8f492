set -euo pipefail
cp "$EVAL_TASK_DIR/repo/test.sh" test.sh
bash test.sh
[ "$(printf ' a\t\tb  c\n   \nd\n' | perl wc.pl)" = 4 ]
[ "$(printf '' | perl wc.pl)" = 0 ]
