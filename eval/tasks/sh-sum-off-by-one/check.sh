set -euo pipefail
cp "$EVAL_TASK_DIR/repo/test.sh" test.sh
bash test.sh
[ "$(bash sum.sh 100)" = 5050 ]
[ "$(bash sum.sh 7)" = 28 ]
