'use strict';
const test = require('node:test');
const assert = require('node:assert');
const shop = require('../src');

test('total adds shipping under the threshold', () => {
  const cart = shop.addItem(shop.createCart(), 'pen', 250, 2);
  assert.strictEqual(shop.total(cart), 500 + 499);
});

test('shipping is free from 50.00', () => {
  const cart = shop.addItem(shop.createCart(), 'lamp', 5000);
  assert.strictEqual(shop.total(cart), 5000);
});
