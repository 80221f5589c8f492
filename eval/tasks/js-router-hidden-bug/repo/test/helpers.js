'use strict';
const http = require('http');

// Starts the app on a free port of 127.0.0.1, runs fn(request), closes the server.
async function withServer(app, fn) {
  const server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  const { port } = server.address();
  const request = (method, path) => new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
  try {
    return await fn(request);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

module.exports = { withServer };
