set -euo pipefail
rm -rf test && cp -r "$EVAL_TASK_DIR/repo/test" test
node --test test/
cat > test/zz-trailing.test.js <<'JS'
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { createApp } = require('..');
const { withServer } = require('./helpers');

test('a trailing slash reaches the same route', async () => {
  const app = createApp()
    .get('/', (req, res) => res.send('root'))
    .get('/users/:id', (req, res) => res.json({ id: req.params.id }))
    .get('/users/:id/posts/:post', (req, res) => res.json(req.params))
    .post('/items', (req, res) => res.status(201).send('made'));
  await withServer(app, async (request) => {
    for (const path of ['/users/42', '/users/42/']) {
      const r = await request('GET', path);
      assert.strictEqual(r.status, 200, path);
      assert.deepStrictEqual(JSON.parse(r.body), { id: '42' }, path);
    }
    const p = await request('GET', '/users/a%20b/posts/7/?x=1');
    assert.deepStrictEqual(JSON.parse(p.body), { id: 'a b', post: '7' });
    assert.strictEqual((await request('POST', '/items/')).status, 201);
    assert.strictEqual((await request('GET', '/')).body, 'root');
    assert.strictEqual((await request('GET', '/users/')).status, 404);
    assert.strictEqual((await request('GET', '/users/42/extra')).status, 404);
    assert.strictEqual((await request('GET', '/users/42//')).status, 404);
  });
});
JS
node --test test/zz-trailing.test.js
