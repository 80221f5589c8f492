'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { createApp } = require('..');
const { cors } = require('../lib/cors');
const { withServer } = require('./helpers');

test('params and query', async () => {
  const app = createApp().get('/users/:id', (req, res) => res.json({ id: req.params.id, q: req.query.q }));
  await withServer(app, async (request) => {
    const r = await request('GET', '/users/42?q=a+b');
    assert.strictEqual(r.status, 200);
    assert.deepStrictEqual(JSON.parse(r.body), { id: '42', q: 'a b' });
  });
});

test('unknown paths are 404', async () => {
  await withServer(createApp(), async (request) => {
    assert.strictEqual((await request('GET', '/nope')).status, 404);
  });
});

test('middleware runs first', async () => {
  const app = createApp().use(cors('https://example.org')).get('/', (req, res) => res.send('hi'));
  await withServer(app, async (request) => {
    const r = await request('GET', '/');
    assert.strictEqual(r.headers['access-control-allow-origin'], 'https://example.org');
    assert.strictEqual(r.body, 'hi');
  });
});
