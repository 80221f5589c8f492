'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { parseReading } = require('../weather');

test('v1 payload', () => {
  const r = parseReading({ station: 'EDDB', temp_c: 12.5, wind_kmh: 18, observed: 1741079700 });
  assert.deepStrictEqual(r, { station: 'EDDB', celsius: 12.5, windKmh: 18, observed: new Date('2025-03-04T09:15:00Z') });
});
