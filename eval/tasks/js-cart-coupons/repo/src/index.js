'use strict';

const { createCart, addItem } = require('./cart');
const { subtotal, shipping, total } = require('./pricing');

module.exports = { createCart, addItem, subtotal, shipping, total };
