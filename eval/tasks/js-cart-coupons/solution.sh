cat >> src/cart.js <<'JS'

const COUPONS = ['SAVE10', 'FREESHIP'];

function applyCoupon(cart, code) {
  if (!COUPONS.includes(code)) {
    throw new Error(`unknown coupon ${code}`);
  }
  cart.coupon = code;
  return cart;
}

module.exports.applyCoupon = applyCoupon;
JS
python3 - <<'PY'
p = "src/pricing.js"
s = open(p).read()
s = s.replace("""function total(cart) {
  return subtotal(cart) + shipping(cart);
}""", """function total(cart) {
  const items = cart.coupon === 'SAVE10' ? Math.round(subtotal(cart) * 0.9) : subtotal(cart);
  return items + (cart.coupon === 'FREESHIP' ? 0 : shipping(cart));
}""")
open(p, "w").write(s)
p = "src/index.js"
s = open(p).read()
s = s.replace("const { createCart, addItem } = require('./cart');", "const { createCart, addItem, applyCoupon } = require('./cart');")
s = s.replace("module.exports = { createCart, addItem,", "module.exports = { createCart, addItem, applyCoupon,")
open(p, "w").write(s)
PY
