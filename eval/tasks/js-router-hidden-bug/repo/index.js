'use strict';
const { createApp } = require('./lib/app');

module.exports = { createApp };
