set -euo pipefail
cp "$EVAL_TASK_DIR/repo/test.sh" test.sh
bash test.sh
[ "$(bash greet.sh --shout ada)" = 'HELLO ADA' ]
[ "$(bash greet.sh --shout 'grace hopper')" = 'HELLO GRACE HOPPER' ]
[ "$(bash greet.sh linus)" = 'hello linus' ]
