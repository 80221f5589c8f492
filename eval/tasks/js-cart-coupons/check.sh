set -euo pipefail
cp "$EVAL_TASK_DIR/repo/test/pricing.test.js" test/pricing.test.js
node --test test/
node -e '
const assert = require("node:assert");
const shop = require("./src");
assert.strictEqual(typeof shop.applyCoupon, "function", "applyCoupon is not exported from src/index.js");
const a = shop.addItem(shop.createCart(), "book", 1999);
shop.applyCoupon(a, "SAVE10");
assert.strictEqual(shop.total(a), 1799 + 499);
const b = shop.addItem(shop.createCart(), "pen", 250, 2);
shop.applyCoupon(b, "FREESHIP");
assert.strictEqual(shop.total(b), 500);
shop.applyCoupon(b, "SAVE10");
assert.strictEqual(shop.total(b), 450 + 499);
assert.throws(() => shop.applyCoupon(b, "BOGUS"), /BOGUS/);
const c = shop.addItem(shop.createCart(), "pen", 250, 2);
assert.strictEqual(shop.total(c), 999);
'
