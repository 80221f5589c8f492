'use strict';
const http = require('http');
const { Router } = require('./router');
const { enhance } = require('./response');
const { parseQuery } = require('./query');
const { HttpError } = require('./errors');
const { compose } = require('./middleware');

function createApp() {
  const router = new Router();
  const middleware = [];
  const app = {
    use(fn) { middleware.push(fn); return app; },
    get(pattern, handler) { router.add('GET', pattern, handler); return app; },
    post(pattern, handler) { router.add('POST', pattern, handler); return app; },
    async handle(req, res) {
      enhance(res);
      const [pathname, search = ''] = req.url.split('?');
      req.path = pathname;
      req.query = parseQuery(search);
      try {
        await compose(middleware, async () => {
          const match = router.match(req.method, pathname);
          if (!match) throw new HttpError(404, `no route for ${req.method} ${pathname}`);
          req.params = match.params;
          await match.handler(req, res);
        })(req, res);
      } catch (err) {
        const status = err instanceof HttpError ? err.status : 500;
        res.status(status).json({ error: err.message });
      }
    },
    listen(port, host, callback) {
      const server = http.createServer((req, res) => { app.handle(req, res); });
      return server.listen(port, host, callback);
    },
  };
  return app;
}

module.exports = { createApp };
