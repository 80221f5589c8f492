'use strict';

/** A new empty cart. Prices are integer cents. */
function createCart() {
  return { items: [] };
}

function addItem(cart, name, priceCents, quantity = 1) {
  cart.items.push({ name, priceCents, quantity });
  return cart;
}

module.exports = { createCart, addItem };
