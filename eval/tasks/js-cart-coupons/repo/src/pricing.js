'use strict';

const SHIPPING_CENTS = 499;
const FREE_SHIPPING_FROM_CENTS = 5000;

function subtotal(cart) {
  return cart.items.reduce((sum, item) => sum + item.priceCents * item.quantity, 0);
}

function shipping(cart) {
  const sub = subtotal(cart);
  return sub === 0 || sub >= FREE_SHIPPING_FROM_CENTS ? 0 : SHIPPING_CENTS;
}

function total(cart) {
  return subtotal(cart) + shipping(cart);
}

module.exports = { subtotal, shipping, total };
