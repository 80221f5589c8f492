'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { parseDuration } = require('./duration');

test('single units', () => {
  assert.strictEqual(parseDuration('45s'), 45);
  assert.strictEqual(parseDuration('2h'), 7200);
});

test('combined units', () => {
  assert.strictEqual(parseDuration('1h30m'), 5400);
  assert.strictEqual(parseDuration('2m5s'), 125);
});

test('garbage is refused', () => {
  assert.throws(() => parseDuration('abc'));
  assert.throws(() => parseDuration(''));
});
