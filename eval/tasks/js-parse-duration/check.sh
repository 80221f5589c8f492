set -euo pipefail
cp "$EVAL_TASK_DIR/repo/duration.test.js" duration.test.js
node --test duration.test.js
node -e '
const assert = require("node:assert");
const { parseDuration } = require("./duration");
assert.strictEqual(parseDuration("1h2m3s"), 3723);
assert.strictEqual(parseDuration("10m"), 600);
assert.throws(() => parseDuration("1x"));
assert.throws(() => parseDuration("5s1h2"));
'
